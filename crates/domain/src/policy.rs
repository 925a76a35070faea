//! Who may do what: every handler and API route asks here, and nowhere else.

use crate::ids::PersonId;
use crate::practices::Visibility;
use crate::spaces::{SpaceRole, SpaceVisibility};

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
    /// Follows the territory's work without taking part in it (an inspector, a partner).
    Reader,
}

impl TerritoryRole {
    pub fn code(self) -> &'static str {
        match self {
            Self::Coordinator => "coordinator",
            Self::Member => "member",
            Self::Reader => "reader",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "coordinator" => Some(Self::Coordinator),
            "member" => Some(Self::Member),
            "reader" => Some(Self::Reader),
            _ => None,
        }
    }

    /// A role as a form, the API or the command line names it, or the French reason it is
    /// unknown.
    pub fn parse(code: &str) -> Result<Self, String> {
        let code = code.trim();
        Self::from_code(code)
            .ok_or_else(|| format!("rôle inconnu : « {code} » (coordinator, member ou reader)"))
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Coordinator => "Coordination",
            Self::Member => "Membre",
            Self::Reader => "Lecture seule",
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
    /// Comment, report a trial ("j'ai essayé"), bookmark; in a space: write (posts, topics,
    /// replies, files).
    Contribute,
    /// Hide, move, lock, pin; handle reports.
    Moderate,
}

/// What the rules need to know of a space: the caller's role in it, who else may read it, and
/// whether the caller is a member of the space's territory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpaceAccess {
    pub role: Option<SpaceRole>,
    pub visibility: SpaceVisibility,
    pub member_of_territory: bool,
    /// The caller holds an exceptional access to it (an administrator, with a reason).
    pub exceptional: bool,
}

/// What is acted upon, with what the rule needs to know of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// The directory of establishments (public; changed by imports).
    Directory,
    /// The list of territories, and making one: `steering` says whether the caller steers an
    /// académie (who may make territories of its establishments; administrators of any).
    Territories { steering: bool },
    /// One territory, with the caller's role in it.
    Territory { role: Option<TerritoryRole> },
    /// The events (creating one): the coordinators of the territory it belongs to
    /// (`coordinator`), administrators for events of the whole platform.
    Events { coordinator: bool },
    /// One event: anyone reads it, anyone signed in registers; its organisers (its author,
    /// the coordinators of its territory) see who registered and record attendance.
    Event { organiser: bool },
    /// The OTA Lab's rooms: anyone signed in books a free slot (an open lab).
    LabRooms,
    /// A territory's own work (its maturity assessments, launch steps, groups' deliverables):
    /// its members read it and contribute, its coordinators decide (agree the levels).
    TerritoryWork { role: Option<TerritoryRole> },
    /// A person's account and personal data.
    Person { id: PersonId },
    /// The platform's accounts (finding one, disabling it, giving the administrator role) and
    /// the audit trail: administrators only.
    Accounts,
    /// The practice library (writing a new practice).
    Practices,
    /// One practice: is the caller one of its authors, is it published, who may read it,
    /// and is the caller a member of the territory it is shared with.
    Practice {
        author: bool,
        published: bool,
        visibility: Visibility,
        member_of_territory: bool,
        /// The caller holds an exceptional access to it (an administrator, with a reason).
        exceptional: bool,
    },
    /// The spaces (creating one).
    Spaces,
    /// One space: its page, blog, forum and folders.
    Space(SpaceAccess),
    /// A post, topic, message, comment or file of a space: is the caller its author.
    SpaceItem { space: SpaceAccess, author: bool },
    /// A direct conversation, or one of its messages (`author`): for its participants only,
    /// administrators included — nobody reads other people's private exchanges.
    Conversation { participant: bool, author: bool },
    /// A peer visit (its request, observation and analysis): the caller's part in it, and
    /// whether the caller is a hierarchical superior of one of the observed teachers — who
    /// never sees it, whatever else they are (pilot, coordinator, administrator).
    Visit {
        part: Option<VisitPart>,
        superior_of_observed: bool,
    },
    /// An observatory's figures without names (visits, themes of needs): for its pilots.
    ObservatoryFigures { pilot: bool },
    /// The observatories (creating one: administrators).
    Observatories,
    /// One observatory: anyone signed in reads it, volunteers and asks for visits; its
    /// referents run the assignment of binômes (nobody else, administrators included: the
    /// answer says who visits whom).
    Observatory { pilot: bool, referent: bool },
    /// A visit request: seen by those who take part (`part`) and by whoever asked for it,
    /// never by a hierarchical superior of an observed teacher.
    VisitRequest {
        part: Option<VisitPart>,
        requester: bool,
        superior_of_observed: bool,
    },
    /// Who is on the training office and who is a trainer (appointed by administrators).
    TrainingStaff,
    /// The training office's work: the demand by theme and territory, the plan's modules
    /// (writing one), the demand against the offer.
    TrainingPlan { office: bool },
    /// One module of the plan: anyone reads it, anyone signed in registers; the office and its
    /// trainers change it, see who registered and record attendance.
    TrainingModule { office: bool, trainer: bool },
    /// The training paths (composing one: trainers and the training office).
    Paths { trainer: bool },
    /// One path: read and followed once published; its author changes it and sees the
    /// progress of those who follow it (`ManageMembers`).
    Path { author: bool, published: bool },
    /// One person's progress on a path: theirs, and the path's author's — never a
    /// hierarchical superior's, whatever else they are.
    PathProgress {
        own: bool,
        author: bool,
        superior: bool,
    },
    /// The strategic project of an académie and its dashboards: everyone signed in reads
    /// them; its steering (IA-IPR, IEN and chargés de mission of the académie) writes the
    /// project and enters values; a territory's coordinators enter their territory's values.
    StrategicProject { steering: bool, coordinator: bool },
}

impl Resource {
    /// Whether the very existence of this object is for those who may see it: what people
    /// write and share, their exchanges, their visits and their progress. A caller who may
    /// not see one cannot tell it from one that does not exist; anything else (a page for
    /// the signed-in, an office's work) may ask them to sign in first.
    pub fn hides_existence(self) -> bool {
        matches!(
            self,
            Self::Practice { .. }
                | Self::Space(_)
                | Self::SpaceItem { .. }
                | Self::Conversation { .. }
                | Self::Visit { .. }
                | Self::VisitRequest { .. }
                | Self::Path { .. }
                | Self::PathProgress { .. }
                | Self::Person { .. }
        )
    }
}

/// A person's part in a peer visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitPart {
    /// One of the binôme.
    Observer,
    /// An observed teacher.
    Observed,
    /// A referent teacher of the observatory: organises the visits.
    Referent,
}

pub fn can(actor: Actor, action: Action, resource: Resource) -> bool {
    if let Resource::Conversation {
        participant,
        author,
    } = resource
    {
        let participant = participant && actor.person.is_some();
        return match action {
            Action::View | Action::Contribute => participant,
            Action::Edit | Action::Delete => participant && author,
            Action::Create | Action::ManageMembers | Action::Moderate => false,
        };
    }
    if let Resource::Visit {
        part,
        superior_of_observed,
    } = resource
    {
        if superior_of_observed || actor.person.is_none() {
            return false;
        }
        return match action {
            Action::View => part.is_some(),
            // The observation grid is the binôme's; the analysis is written together.
            Action::Edit => part == Some(VisitPart::Observer),
            Action::Contribute => matches!(part, Some(VisitPart::Observer | VisitPart::Observed)),
            // Scheduling, swapping an observer, cancelling.
            Action::ManageMembers | Action::Delete => part == Some(VisitPart::Referent),
            Action::Create | Action::Moderate => false,
        };
    }
    if let Resource::VisitRequest {
        part,
        requester,
        superior_of_observed,
    } = resource
    {
        if superior_of_observed || actor.person.is_none() {
            return false;
        }
        return match action {
            Action::View => part.is_some() || requester,
            // An observed teacher consents.
            Action::Contribute => part == Some(VisitPart::Observed),
            Action::Delete => requester || part == Some(VisitPart::Referent),
            Action::ManageMembers => part == Some(VisitPart::Referent),
            Action::Create | Action::Edit | Action::Moderate => false,
        };
    }
    if let Resource::Observatory { pilot, referent } = resource {
        let signed_in = actor.person.is_some();
        return match action {
            Action::View | Action::Contribute => signed_in,
            Action::ManageMembers => signed_in && referent,
            Action::Edit => signed_in && (pilot || actor.admin),
            Action::Create | Action::Delete | Action::Moderate => false,
        };
    }
    if let Resource::PathProgress {
        own,
        author,
        superior,
    } = resource
    {
        // Administrators included: a person's progress is theirs and their trainer's.
        return action == Action::View && actor.person.is_some() && (own || (author && !superior));
    }
    if let Some(allowed) = content(actor, action, resource) {
        return allowed;
    }
    if actor.admin {
        return true;
    }
    let signed_in = actor.person.is_some();
    match resource {
        Resource::Directory => action == Action::View,
        Resource::Territories { steering } => match action {
            Action::View => true,
            Action::Create => signed_in && steering,
            _ => false,
        },
        Resource::Territory { role } => match action {
            Action::View => true,
            Action::Edit | Action::ManageMembers => role == Some(TerritoryRole::Coordinator),
            Action::Create | Action::Delete | Action::Contribute | Action::Moderate => false,
        },
        Resource::Events { coordinator } => match action {
            Action::View => true,
            Action::Create => coordinator && actor.person.is_some(),
            _ => false,
        },
        Resource::Event { organiser } => {
            let signed_in = actor.person.is_some();
            match action {
                Action::View => true,
                Action::Contribute => signed_in,
                Action::Edit | Action::ManageMembers | Action::Delete => signed_in && organiser,
                Action::Create | Action::Moderate => false,
            }
        }
        Resource::LabRooms => match action {
            Action::View => true,
            Action::Contribute => actor.person.is_some(),
            _ => false,
        },
        Resource::TerritoryWork { role } => match action {
            Action::View => role.is_some(),
            Action::Contribute => {
                matches!(
                    role,
                    Some(TerritoryRole::Member | TerritoryRole::Coordinator)
                )
            }
            Action::Edit | Action::ManageMembers => role == Some(TerritoryRole::Coordinator),
            Action::Create | Action::Delete | Action::Moderate => false,
        },
        Resource::TrainingStaff => action == Action::ManageMembers && actor.admin,
        Resource::Accounts => false,
        Resource::StrategicProject {
            steering,
            coordinator,
        } => match action {
            Action::View => signed_in,
            Action::Contribute => signed_in && (steering || coordinator),
            Action::Create | Action::Edit | Action::Delete => signed_in && steering,
            Action::ManageMembers | Action::Moderate => false,
        },
        Resource::TrainingPlan { office } => {
            signed_in && office && matches!(action, Action::View | Action::Create)
        }
        Resource::TrainingModule { office, trainer } => match action {
            Action::View => true,
            Action::Contribute => signed_in,
            Action::Edit | Action::ManageMembers => signed_in && (office || trainer),
            Action::Delete => signed_in && office,
            Action::Create | Action::Moderate => false,
        },
        Resource::Paths { trainer } => match action {
            Action::View => true,
            Action::Create => signed_in && trainer,
            _ => false,
        },
        Resource::Path { author, published } => match action {
            Action::View => published || (signed_in && author),
            Action::Contribute => signed_in && published,
            Action::Edit | Action::Delete | Action::ManageMembers => signed_in && author,
            Action::Create | Action::Moderate => false,
        },
        Resource::PathProgress { .. } => false,
        Resource::Person { id } => {
            actor.person == Some(id)
                && matches!(action, Action::View | Action::Edit | Action::Delete)
        }
        Resource::Practices => match action {
            Action::View => true,
            Action::Create => actor.person.is_some(),
            _ => false,
        },
        Resource::Spaces => {
            matches!(action, Action::View | Action::Create) && actor.person.is_some()
        }
        Resource::Conversation { .. }
        | Resource::Visit { .. }
        | Resource::Practice { .. }
        | Resource::Space(_)
        | Resource::SpaceItem { .. } => false,
        Resource::ObservatoryFigures { pilot } => action == Action::View && pilot,
        Resource::Observatories => action == Action::View,
        Resource::Observatory { .. } | Resource::VisitRequest { .. } => false,
    }
}

/// What people write and share (practices, spaces and what is in them): read by those it was
/// shared with, administrators included — an administrator reads no private practice, draft or
/// members-only space. Administrators moderate what they can read (the reports' queue);
/// reading anything else takes an exceptional access, reasoned, recorded and shown to the
/// owners, which lets them read and nothing more.
fn content(actor: Actor, action: Action, resource: Resource) -> Option<bool> {
    let signed_in = actor.person.is_some();
    Some(match resource {
        Resource::Practice {
            author,
            published,
            visibility,
            member_of_territory,
            exceptional,
        } => {
            let readable = author
                || (published
                    && match visibility {
                        Visibility::Public => true,
                        Visibility::Platform => signed_in,
                        Visibility::Territory => signed_in && member_of_territory,
                        Visibility::Private => false,
                    });
            match action {
                Action::View => readable || (exceptional && actor.admin),
                Action::Contribute => readable && signed_in,
                Action::Edit | Action::Delete => author && signed_in,
                Action::Moderate => readable && signed_in && actor.admin,
                Action::Create | Action::ManageMembers => false,
            }
        }
        Resource::Space(space) => {
            let role = space.role;
            let readable = space_readable(actor, space);
            match action {
                Action::View => readable || (space.exceptional && actor.admin),
                Action::Create | Action::Contribute => role.is_some_and(SpaceRole::writes),
                Action::Moderate => {
                    role.is_some_and(SpaceRole::moderates) || (readable && actor.admin)
                }
                Action::Edit | Action::Delete | Action::ManageMembers => {
                    role == Some(SpaceRole::Owner)
                }
            }
        }
        Resource::SpaceItem { space, author } => {
            let writes = space.role.is_some_and(SpaceRole::writes);
            let readable = space_readable(actor, space);
            let moderates =
                space.role.is_some_and(SpaceRole::moderates) || (readable && actor.admin);
            match action {
                Action::View => readable || (space.exceptional && actor.admin),
                Action::Contribute => writes,
                Action::Edit | Action::Delete => (author && writes) || moderates,
                Action::Moderate => moderates,
                Action::Create | Action::ManageMembers => false,
            }
        }
        _ => return None,
    })
}

/// Members read their space; others read it when its visibility lets them.
fn space_readable(actor: Actor, space: SpaceAccess) -> bool {
    space.role.is_some()
        || (actor.person.is_some()
            && match space.visibility {
                SpaceVisibility::Platform => true,
                SpaceVisibility::Territory => space.member_of_territory,
                SpaceVisibility::Members => false,
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: PersonId = PersonId(1);
    const OTHER: PersonId = PersonId(2);

    #[test]
    fn events_are_made_by_coordinators_and_run_by_their_organisers() {
        let person = Actor::person(ME, false);
        let admin = Actor::person(OTHER, true);
        use Action::*;
        let events = |coordinator| Resource::Events { coordinator };
        assert!(can(admin, Create, events(false)));
        assert!(can(person, Create, events(true)));
        assert!(!can(person, Create, events(false)));
        assert!(!can(Actor::ANONYMOUS, Create, events(true)));
        assert!(can(Actor::ANONYMOUS, View, events(false)));
        let event = |organiser| Resource::Event { organiser };
        // (actor, organiser, [View, Contribute, ManageMembers, Edit, Moderate])
        let rows: &[(&str, Actor, bool, [bool; 5])] = &[
            (
                "anonymous",
                Actor::ANONYMOUS,
                false,
                [true, false, false, false, false],
            ),
            ("person", person, false, [true, true, false, false, false]),
            ("organiser", person, true, [true, true, true, true, false]),
            ("admin", admin, false, [true; 5]),
        ];
        for (name, actor, organiser, expected) in rows {
            let got = [View, Contribute, ManageMembers, Edit, Moderate]
                .map(|a| can(*actor, a, event(*organiser)));
            assert_eq!(&got, expected, "{name}");
        }
        assert!(can(person, Contribute, Resource::LabRooms));
        assert!(!can(Actor::ANONYMOUS, Contribute, Resource::LabRooms));
        assert!(can(Actor::ANONYMOUS, View, Resource::LabRooms));
    }

    #[test]
    fn a_territorys_work_is_for_its_members_and_decided_by_its_coordinators() {
        let work = |role| Resource::TerritoryWork { role };
        let person = Actor::person(ME, false);
        use Action::*;
        // (actor, role, [View, Contribute, Edit, Create, Delete])
        let rows: &[(&str, Actor, Option<TerritoryRole>, [bool; 5])] = &[
            ("anonymous", Actor::ANONYMOUS, None, [false; 5]),
            ("outsider", person, None, [false; 5]),
            (
                "member",
                person,
                Some(TerritoryRole::Member),
                [true, true, false, false, false],
            ),
            (
                "reader",
                person,
                Some(TerritoryRole::Reader),
                [true, false, false, false, false],
            ),
            (
                "coordinator",
                person,
                Some(TerritoryRole::Coordinator),
                [true, true, true, false, false],
            ),
            ("admin", Actor::person(OTHER, true), None, [true; 5]),
        ];
        for (name, actor, role, expected) in rows {
            let got = [View, Contribute, Edit, Create, Delete].map(|a| can(*actor, a, work(*role)));
            assert_eq!(&got, expected, "{name}");
        }
    }

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
                Resource::Territories { steering: false },
                [true, false, false, false, false],
            ),
            (
                "person/territories",
                person,
                Resource::Territories { steering: false },
                [true, false, false, false, false],
            ),
            (
                "steering/territories",
                person,
                Resource::Territories { steering: true },
                [true, true, false, false, false],
            ),
            (
                "anonymous steering/territories",
                anonymous,
                Resource::Territories { steering: true },
                [true, false, false, false, false],
            ),
            (
                "admin/territories",
                admin,
                Resource::Territories { steering: false },
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
            (
                "anonymous/accounts",
                anonymous,
                Resource::Accounts,
                [false, false, false, false, false],
            ),
            (
                "person/accounts",
                person,
                Resource::Accounts,
                [false, false, false, false, false],
            ),
            (
                "admin/accounts",
                admin,
                Resource::Accounts,
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
            exceptional: false,
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
                [false; 5],
            ),
            (
                "admin/private",
                admin,
                practice(false, true, Private, false),
                [false; 5],
            ),
            (
                "admin/territory, not a member",
                admin,
                practice(false, true, Territory, false),
                [false; 5],
            ),
            (
                "admin/platform",
                admin,
                practice(false, true, Platform, false),
                [true, true, false, false, false],
            ),
            (
                "admin/own draft",
                admin,
                practice(true, false, Private, false),
                [true, true, true, true, false],
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

    /// The seeds' trust: an administrator reads nothing that was not shared with them, and
    /// moderates only what they can read; as a member or an author, they are one like others.
    #[test]
    fn administrators_read_only_what_was_shared_with_them() {
        use Action::*;
        let admin = Actor::person(OTHER, true);
        let access = |role, visibility| SpaceAccess {
            role,
            visibility,
            member_of_territory: false,
            exceptional: false,
        };
        let hidden = [
            Resource::Practice {
                author: false,
                published: false,
                visibility: Visibility::Public,
                member_of_territory: false,
                exceptional: false,
            },
            Resource::Practice {
                author: false,
                published: true,
                visibility: Visibility::Private,
                member_of_territory: true,
                exceptional: false,
            },
            Resource::Space(access(None, SpaceVisibility::Members)),
            Resource::SpaceItem {
                space: access(None, SpaceVisibility::Members),
                author: false,
            },
            Resource::SpaceItem {
                space: access(None, SpaceVisibility::Territory),
                author: false,
            },
        ];
        for resource in hidden {
            for action in [
                View,
                Contribute,
                Edit,
                Delete,
                Moderate,
                ManageMembers,
                Create,
            ] {
                assert!(!can(admin, action, resource), "{action:?} {resource:?}");
            }
        }
        let shared = [
            Resource::Practice {
                author: false,
                published: true,
                visibility: Visibility::Platform,
                member_of_territory: false,
                exceptional: false,
            },
            Resource::SpaceItem {
                space: access(None, SpaceVisibility::Platform),
                author: false,
            },
        ];
        for resource in shared {
            assert!(can(admin, View, resource) && can(admin, Moderate, resource));
            assert!(!can(admin, Edit, resource) || matches!(resource, Resource::SpaceItem { .. }));
        }
        // Moderating a post of a visible space lets them hide or remove it, not write there.
        let item = Resource::SpaceItem {
            space: access(None, SpaceVisibility::Platform),
            author: false,
        };
        assert!(can(admin, Delete, item) && !can(admin, Contribute, item));
        // An exceptional access lets them read, and nothing else; nobody else gains by it.
        let opened = [
            Resource::Practice {
                author: false,
                published: false,
                visibility: Visibility::Private,
                member_of_territory: false,
                exceptional: true,
            },
            Resource::Space(SpaceAccess {
                exceptional: true,
                ..access(None, SpaceVisibility::Members)
            }),
            Resource::SpaceItem {
                space: SpaceAccess {
                    exceptional: true,
                    ..access(None, SpaceVisibility::Members)
                },
                author: false,
            },
        ];
        for resource in opened {
            assert!(can(admin, View, resource), "{resource:?}");
            for action in [Contribute, Edit, Delete, Moderate, ManageMembers, Create] {
                assert!(!can(admin, action, resource), "{action:?} {resource:?}");
            }
            assert!(!can(Actor::person(ME, false), View, resource));
        }
        // The platform's own administration stays theirs.
        assert!(can(admin, Edit, Resource::Accounts));
        assert!(can(admin, Create, Resource::Observatories));
    }

    #[test]
    fn spaces() {
        use Action::*;
        use SpaceVisibility::*;
        let anonymous = Actor::ANONYMOUS;
        let person = Actor::person(ME, false);
        let admin = Actor::person(OTHER, true);
        let space = |role, visibility, member_of_territory| {
            Resource::Space(SpaceAccess {
                role,
                visibility,
                member_of_territory,
                exceptional: false,
            })
        };
        let owner = Some(SpaceRole::Owner);
        let moderator = Some(SpaceRole::Moderator);
        let member = Some(SpaceRole::Member);
        let reader = Some(SpaceRole::Reader);
        // (name, actor, resource, [View, Contribute, Moderate, Edit, ManageMembers])
        let rows: &[(&str, Actor, Resource, [bool; 5])] = &[
            ("owner", person, space(owner, Members, false), [true; 5]),
            (
                "moderator",
                person,
                space(moderator, Members, false),
                [true, true, true, false, false],
            ),
            (
                "member",
                person,
                space(member, Members, false),
                [true, true, false, false, false],
            ),
            (
                "reader",
                person,
                space(reader, Members, false),
                [true, false, false, false, false],
            ),
            (
                "non-member/members",
                person,
                space(None, Members, true),
                [false; 5],
            ),
            (
                "territory member/territory",
                person,
                space(None, Territory, true),
                [true, false, false, false, false],
            ),
            (
                "outsider/territory",
                person,
                space(None, Territory, false),
                [false; 5],
            ),
            (
                "non-member/platform",
                person,
                space(None, Platform, false),
                [true, false, false, false, false],
            ),
            (
                "anonymous/platform",
                anonymous,
                space(None, Platform, true),
                [false; 5],
            ),
            (
                "admin/members",
                admin,
                space(None, Members, false),
                [false; 5],
            ),
            (
                "admin/territory, not a member",
                admin,
                space(None, Territory, false),
                [false; 5],
            ),
            (
                "admin/platform",
                admin,
                space(None, Platform, false),
                [true, false, true, false, false],
            ),
            (
                "admin, member",
                admin,
                space(member, Members, false),
                [true, true, true, false, false],
            ),
        ];
        for (name, actor, resource, expected) in rows {
            for (action, want) in [View, Contribute, Moderate, Edit, ManageMembers]
                .into_iter()
                .zip(expected)
            {
                assert_eq!(can(*actor, action, *resource), *want, "{name} {action:?}");
            }
        }
        assert!(can(person, Create, Resource::Spaces));
        assert!(!can(anonymous, Create, Resource::Spaces));
    }

    #[test]
    fn the_strategic_project() {
        use Action::*;
        let person = Actor::person(ME, false);
        let admin = Actor::person(ME, true);
        let project = |steering, coordinator| Resource::StrategicProject {
            steering,
            coordinator,
        };
        // (name, actor, resource, [View, Contribute, Edit, Delete, ManageMembers])
        let rows: &[(&str, Actor, Resource, [bool; 5])] = &[
            (
                "anonymous",
                Actor::ANONYMOUS,
                project(true, true),
                [false; 5],
            ),
            (
                "anyone",
                person,
                project(false, false),
                [true, false, false, false, false],
            ),
            (
                "coordinator",
                person,
                project(false, true),
                [true, true, false, false, false],
            ),
            (
                "steering",
                person,
                project(true, false),
                [true, true, true, true, false],
            ),
            ("admin", admin, project(false, false), [true; 5]),
        ];
        for (name, actor, resource, expected) in rows {
            for (action, want) in [View, Contribute, Edit, Delete, ManageMembers]
                .into_iter()
                .zip(expected)
            {
                assert_eq!(can(*actor, action, *resource), *want, "{name} {action:?}");
            }
        }
    }

    #[test]
    fn items_of_a_space() {
        use Action::*;
        let person = Actor::person(ME, false);
        let item = |role, author| Resource::SpaceItem {
            space: SpaceAccess {
                role,
                visibility: SpaceVisibility::Platform,
                member_of_territory: false,
                exceptional: false,
            },
            author,
        };
        // (name, resource, [View, Contribute, Edit, Delete, Moderate])
        let rows: &[(&str, Resource, [bool; 5])] = &[
            (
                "author member",
                item(Some(SpaceRole::Member), true),
                [true, true, true, true, false],
            ),
            (
                "other member",
                item(Some(SpaceRole::Member), false),
                [true, true, false, false, false],
            ),
            (
                "moderator",
                item(Some(SpaceRole::Moderator), false),
                [true; 5],
            ),
            // A member made reader keeps reading what they wrote, and no more.
            (
                "author reader",
                item(Some(SpaceRole::Reader), true),
                [true, false, false, false, false],
            ),
            (
                "non-member",
                item(None, false),
                [true, false, false, false, false],
            ),
        ];
        for (name, resource, expected) in rows {
            for (action, want) in [View, Contribute, Edit, Delete, Moderate]
                .into_iter()
                .zip(expected)
            {
                assert_eq!(can(person, action, *resource), *want, "{name} {action:?}");
            }
        }
    }

    #[test]
    fn conversations_are_for_their_participants_only() {
        use Action::*;
        let person = Actor::person(ME, false);
        let admin = Actor::person(OTHER, true);
        let conversation = |participant, author| Resource::Conversation {
            participant,
            author,
        };
        // (who, resource, [View, Contribute, Edit, Delete, Moderate])
        let rows: &[(&str, Actor, Resource, [bool; 5])] = &[
            (
                "author",
                person,
                conversation(true, true),
                [true, true, true, true, false],
            ),
            (
                "participant",
                person,
                conversation(true, false),
                [true, true, false, false, false],
            ),
            ("outsider", person, conversation(false, false), [false; 5]),
            (
                "administrator",
                admin,
                conversation(false, false),
                [false; 5],
            ),
            (
                "anonymous",
                Actor::ANONYMOUS,
                conversation(true, true),
                [false; 5],
            ),
        ];
        for (name, actor, resource, expected) in rows {
            for (action, want) in [View, Contribute, Edit, Delete, Moderate]
                .into_iter()
                .zip(expected)
            {
                assert_eq!(can(*actor, action, *resource), *want, "{name} {action:?}");
            }
        }
    }

    #[test]
    fn a_visit_is_never_seen_by_a_superior_of_the_observed() {
        let person = Actor::person(PersonId(1), false);
        let admin = Actor::person(PersonId(2), true);
        let visit = |part, superior_of_observed| Resource::Visit {
            part,
            superior_of_observed,
        };
        let all = [
            Action::View,
            Action::Edit,
            Action::Contribute,
            Action::ManageMembers,
            Action::Delete,
            Action::Create,
            Action::Moderate,
        ];
        let allowed = |actor, resource| {
            all.iter()
                .filter(|a| can(actor, **a, resource))
                .copied()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            allowed(person, visit(Some(VisitPart::Observer), false)),
            [Action::View, Action::Edit, Action::Contribute]
        );
        assert_eq!(
            allowed(person, visit(Some(VisitPart::Observed), false)),
            [Action::View, Action::Contribute]
        );
        assert_eq!(
            allowed(person, visit(Some(VisitPart::Referent), false)),
            [Action::View, Action::ManageMembers, Action::Delete]
        );
        // Nobody else, not even an administrator; and a superior of an observed teacher
        // never, whatever their part.
        assert_eq!(allowed(person, visit(None, false)), []);
        assert_eq!(allowed(admin, visit(None, false)), []);
        for part in [
            VisitPart::Observer,
            VisitPart::Observed,
            VisitPart::Referent,
        ] {
            assert_eq!(allowed(person, visit(Some(part), true)), []);
            assert_eq!(allowed(admin, visit(Some(part), true)), []);
        }
        assert_eq!(
            allowed(Actor::ANONYMOUS, visit(Some(VisitPart::Observer), false)),
            []
        );
        // A request: its requester reads it, an observed teacher consents, the referent
        // assigns; a superior of the observed never sees it, even as its requester.
        let request = |part, requester, superior_of_observed| Resource::VisitRequest {
            part,
            requester,
            superior_of_observed,
        };
        assert_eq!(
            allowed(person, request(None, true, false)),
            [Action::View, Action::Delete]
        );
        assert_eq!(
            allowed(person, request(Some(VisitPart::Observed), false, false)),
            [Action::View, Action::Contribute]
        );
        assert_eq!(allowed(person, request(None, true, true)), []);
        assert_eq!(allowed(admin, request(None, false, false)), []);
        // Only referents run the assignment, administrators not included.
        let observatory = |pilot, referent| Resource::Observatory { pilot, referent };
        assert!(can(person, Action::ManageMembers, observatory(false, true)));
        assert!(!can(admin, Action::ManageMembers, observatory(true, false)));
        assert!(can(person, Action::Contribute, observatory(false, false)));
        assert!(!can(
            Actor::ANONYMOUS,
            Action::View,
            observatory(false, false)
        ));
        assert!(can(admin, Action::Create, Resource::Observatories));
        assert!(!can(person, Action::Create, Resource::Observatories));
        // Figures without names: pilots (and administrators) read them.
        assert!(can(
            person,
            Action::View,
            Resource::ObservatoryFigures { pilot: true }
        ));
        assert!(!can(
            person,
            Action::View,
            Resource::ObservatoryFigures { pilot: false }
        ));
        assert!(!can(
            person,
            Action::Edit,
            Resource::ObservatoryFigures { pilot: true }
        ));
        assert!(can(
            admin,
            Action::View,
            Resource::ObservatoryFigures { pilot: false }
        ));
    }

    #[test]
    fn training_is_run_by_its_office_and_progress_stays_with_the_person_and_trainer() {
        let person = Actor::person(PersonId(1), false);
        let admin = Actor::person(PersonId(2), true);
        let office = Resource::TrainingPlan { office: true };
        let outside = Resource::TrainingPlan { office: false };
        assert!(can(person, Action::View, office) && can(person, Action::Create, office));
        assert!(!can(person, Action::View, outside) && !can(person, Action::Create, outside));
        assert!(!can(Actor::ANONYMOUS, Action::View, office));
        assert!(can(admin, Action::ManageMembers, Resource::TrainingStaff));
        assert!(!can(person, Action::ManageMembers, Resource::TrainingStaff));
        let module = |office, trainer| Resource::TrainingModule { office, trainer };
        assert!(can(Actor::ANONYMOUS, Action::View, module(false, false)));
        assert!(!can(
            Actor::ANONYMOUS,
            Action::Contribute,
            module(false, false)
        ));
        assert!(can(person, Action::Contribute, module(false, false)));
        assert!(!can(person, Action::ManageMembers, module(false, false)));
        assert!(can(person, Action::ManageMembers, module(false, true)));
        assert!(!can(person, Action::Delete, module(false, true)));
        assert!(can(person, Action::Delete, module(true, false)));
        let path = |author, published| Resource::Path { author, published };
        assert!(!can(person, Action::View, path(false, false)));
        assert!(can(person, Action::View, path(true, false)));
        assert!(!can(person, Action::Contribute, path(true, false)));
        assert!(can(person, Action::Contribute, path(false, true)));
        assert!(!can(person, Action::ManageMembers, path(false, true)));
        assert!(can(
            person,
            Action::Create,
            Resource::Paths { trainer: true }
        ));
        assert!(!can(
            person,
            Action::Create,
            Resource::Paths { trainer: false }
        ));
        let progress = |own, author, superior| Resource::PathProgress {
            own,
            author,
            superior,
        };
        assert!(can(person, Action::View, progress(true, false, false)));
        assert!(can(person, Action::View, progress(false, true, false)));
        // The path's author who is the person's superior never sees it; nor an administrator.
        assert!(!can(person, Action::View, progress(false, true, true)));
        assert!(!can(admin, Action::View, progress(false, false, false)));
        assert!(!can(admin, Action::View, progress(false, true, true)));
        assert!(!can(person, Action::Edit, progress(true, false, false)));
    }
}
