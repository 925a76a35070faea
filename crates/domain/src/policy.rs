//! Who may do what: every handler and API route asks here, and nowhere else.

use crate::ids::PersonId;
use crate::practices::Visibility;

/// The caller: anonymous, or a signed-in person, possibly a platform administrator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub person: Option<PersonId>,
    pub admin: bool,
}

impl Actor {
    pub const ANONYMOUS: Self = Self {
        person: None,
        admin: false,
    };

    pub fn person(id: PersonId, admin: bool) -> Self {
        Self {
            person: Some(id),
            admin,
        }
    }
}

/// A person's role in one territory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TerritoryRole {
    Coordinator,
    Member,
}

impl TerritoryRole {
    pub fn code(self) -> &'static str {
        match self {
            Self::Coordinator => "coordinator",
            Self::Member => "member",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "coordinator" => Some(Self::Coordinator),
            "member" => Some(Self::Member),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Coordinator => "Coordination",
            Self::Member => "Membre",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    View,
    Create,
    Edit,
    Delete,
    ManageMembers,
    /// Comment, report a trial ("j'ai essayé"), bookmark.
    Contribute,
}

/// What is acted upon, with what the rule needs to know of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// The directory of establishments (public; changed by imports).
    Directory,
    /// The list of territories (creating one).
    Territories,
    /// One territory, with the caller's role in it.
    Territory { role: Option<TerritoryRole> },
    /// A person's account and personal data.
    Person { id: PersonId },
    /// The practice library (writing a new practice).
    Practices,
    /// One practice: is the caller one of its authors, is it published, who may read it,
    /// and is the caller a member of the territory it is shared with.
    Practice {
        author: bool,
        published: bool,
        visibility: Visibility,
        member_of_territory: bool,
    },
}

pub fn can(actor: Actor, action: Action, resource: Resource) -> bool {
    if actor.admin {
        return true;
    }
    match resource {
        Resource::Directory | Resource::Territories => action == Action::View,
        Resource::Territory { role } => match action {
            Action::View => true,
            Action::Edit | Action::ManageMembers => role == Some(TerritoryRole::Coordinator),
            Action::Create | Action::Delete | Action::Contribute => false,
        },
        Resource::Person { id } => {
            actor.person == Some(id)
                && matches!(action, Action::View | Action::Edit | Action::Delete)
        }
        Resource::Practices => match action {
            Action::View => true,
            Action::Create => actor.person.is_some(),
            _ => false,
        },
        Resource::Practice {
            author,
            published,
            visibility,
            member_of_territory,
        } => {
            let signed_in = actor.person.is_some();
            let readable = author
                || (published
                    && match visibility {
                        Visibility::Public => true,
                        Visibility::Platform => signed_in,
                        Visibility::Territory => signed_in && member_of_territory,
                        Visibility::Private => false,
                    });
            match action {
                Action::View => readable,
                Action::Contribute => readable && signed_in,
                Action::Edit | Action::Delete => author && signed_in,
                Action::Create | Action::ManageMembers => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: PersonId = PersonId(1);
    const OTHER: PersonId = PersonId(2);

    #[test]
    fn matrix() {
        let anonymous = Actor::ANONYMOUS;
        let person = Actor::person(ME, false);
        let admin = Actor::person(OTHER, true);
        let coordinator = Resource::Territory {
            role: Some(TerritoryRole::Coordinator),
        };
        let member = Resource::Territory {
            role: Some(TerritoryRole::Member),
        };
        let outsider = Resource::Territory { role: None };
        use Action::*;
        // (actor, resource, [View, Create, Edit, Delete, ManageMembers])
        let rows: &[(&str, Actor, Resource, [bool; 5])] = &[
            (
                "anonymous/directory",
                anonymous,
                Resource::Directory,
                [true, false, false, false, false],
            ),
            (
                "person/directory",
                person,
                Resource::Directory,
                [true, false, false, false, false],
            ),
            (
                "admin/directory",
                admin,
                Resource::Directory,
                [true, true, true, true, true],
            ),
            (
                "anonymous/territories",
                anonymous,
                Resource::Territories,
                [true, false, false, false, false],
            ),
            (
                "person/territories",
                person,
                Resource::Territories,
                [true, false, false, false, false],
            ),
            (
                "admin/territories",
                admin,
                Resource::Territories,
                [true, true, true, true, true],
            ),
            (
                "anonymous/territory",
                anonymous,
                outsider,
                [true, false, false, false, false],
            ),
            (
                "outsider/territory",
                person,
                outsider,
                [true, false, false, false, false],
            ),
            (
                "member/territory",
                person,
                member,
                [true, false, false, false, false],
            ),
            (
                "coordinator/territory",
                person,
                coordinator,
                [true, false, true, false, true],
            ),
            (
                "admin/territory",
                admin,
                outsider,
                [true, true, true, true, true],
            ),
            (
                "anonymous/person",
                anonymous,
                Resource::Person { id: ME },
                [false, false, false, false, false],
            ),
            (
                "self/person",
                person,
                Resource::Person { id: ME },
                [true, false, true, true, false],
            ),
            (
                "other/person",
                person,
                Resource::Person { id: OTHER },
                [false, false, false, false, false],
            ),
            (
                "admin/person",
                admin,
                Resource::Person { id: ME },
                [true, true, true, true, true],
            ),
        ];
        for (name, actor, resource, expected) in rows {
            for (action, want) in [View, Create, Edit, Delete, ManageMembers]
                .into_iter()
                .zip(expected)
            {
                assert_eq!(can(*actor, action, *resource), *want, "{name} {action:?}");
            }
        }
    }

    #[test]
    fn practices() {
        use Action::*;
        use Visibility::*;
        let anonymous = Actor::ANONYMOUS;
        let person = Actor::person(ME, false);
        let admin = Actor::person(OTHER, true);
        let practice = |author, published, visibility, member_of_territory| Resource::Practice {
            author,
            published,
            visibility,
            member_of_territory,
        };
        // (name, actor, resource, [View, Contribute, Edit, Delete, Create])
        let rows: &[(&str, Actor, Resource, [bool; 5])] = &[
            (
                "anonymous/public",
                anonymous,
                practice(false, true, Public, false),
                [true, false, false, false, false],
            ),
            (
                "anonymous/platform",
                anonymous,
                practice(false, true, Platform, false),
                [false; 5],
            ),
            (
                "anonymous/territory",
                anonymous,
                practice(false, true, Territory, true),
                [false; 5],
            ),
            (
                "person/public",
                person,
                practice(false, true, Public, false),
                [true, true, false, false, false],
            ),
            (
                "person/platform",
                person,
                practice(false, true, Platform, false),
                [true, true, false, false, false],
            ),
            (
                "outsider/territory",
                person,
                practice(false, true, Territory, false),
                [false; 5],
            ),
            (
                "member/territory",
                person,
                practice(false, true, Territory, true),
                [true, true, false, false, false],
            ),
            (
                "person/private",
                person,
                practice(false, true, Private, true),
                [false; 5],
            ),
            (
                "person/draft",
                person,
                practice(false, false, Public, true),
                [false; 5],
            ),
            (
                "author/private draft",
                person,
                practice(true, false, Private, false),
                [true, true, true, true, false],
            ),
            (
                "admin/private draft",
                admin,
                practice(false, false, Private, false),
                [true, true, true, true, true],
            ),
            (
                "anonymous/library",
                anonymous,
                Resource::Practices,
                [true, false, false, false, false],
            ),
            (
                "person/library",
                person,
                Resource::Practices,
                [true, false, false, false, true],
            ),
        ];
        for (name, actor, resource, expected) in rows {
            for (action, want) in [View, Contribute, Edit, Delete, Create]
                .into_iter()
                .zip(expected)
            {
                assert_eq!(can(*actor, action, *resource), *want, "{name} {action:?}");
            }
        }
    }
}
