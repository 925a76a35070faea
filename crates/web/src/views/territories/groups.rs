use std::collections::BTreeMap;

use askama::Template;
use domain::territories::groups::{GroupKind, SeatView, seats};
use store::territories::TerritorySummary;
use store::territories::groups::Group;

use crate::views::Layout;

/// A group as its page shows it.
pub struct GroupView {
    pub id: i64,
    pub kind: &'static str,
    pub name: String,
    pub about: &'static str,
    pub establishment: Option<String>,
    pub theme: String,
    pub space_id: Option<i64>,
    pub seats: Vec<SeatView>,
    /// The seats one may choose when adding a member: (code, label).
    pub choices: Vec<(&'static str, &'static str)>,
    /// Places still to fill, in all.
    pub missing: usize,
}

#[derive(Template)]
#[template(path = "territories/groups.html")]
pub struct GroupsPage {
    pub layout: Layout,
    pub name: String,
    pub slug: String,
    pub coordinator: bool,
    pub instances: Vec<GroupView>,
    pub working: Vec<GroupView>,
    /// The instances the territory has not made yet: (code, label).
    pub missing_instances: Vec<(&'static str, &'static str)>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// The group whose member form was refused (none: the creation form).
    pub refused_group: Option<i64>,
    pub values: BTreeMap<String, String>,
}

impl GroupsPage {
    pub fn new(
        layout: Layout,
        territory: TerritorySummary,
        coordinator: bool,
        list: Vec<Group>,
    ) -> Self {
        let view = |g: Group| {
            let members: Vec<(String, String)> = g
                .members
                .iter()
                .map(|(s, n, _)| (s.clone(), n.clone()))
                .collect();
            let seats = seats(g.kind, &members);
            GroupView {
                id: g.id,
                kind: g.kind.label(),
                about: g.kind.about(),
                missing: seats.iter().map(|s| s.missing).sum(),
                choices: g.kind.seats().iter().map(|(c, l, _)| (*c, *l)).collect(),
                seats,
                name: g.name,
                establishment: g.establishment,
                theme: g.theme,
                space_id: g.space_id,
            }
        };
        let present: Vec<GroupKind> = list.iter().map(|g| g.kind).collect();
        let (instances, working): (Vec<Group>, Vec<Group>) =
            list.into_iter().partition(|g| g.kind.single());
        Self {
            layout,
            name: territory.name,
            slug: territory.slug,
            coordinator,
            instances: instances.into_iter().map(view).collect(),
            working: working.into_iter().map(view).collect(),
            missing_instances: [GroupKind::Steering, GroupKind::Operational]
                .into_iter()
                .filter(|k| !present.contains(k))
                .map(|k| (k.code(), k.label()))
                .collect(),
            kinds: GroupKind::ALL
                .iter()
                .map(|k| (k.code(), k.label()))
                .collect(),
            notice: None,
            error: None,
            refused_group: None,
            values: BTreeMap::new(),
        }
    }

    pub fn v(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }

    /// The error of the member form of `group`, or of the creation form (`None`).
    pub fn error_for(&self, group: Option<i64>) -> Option<&str> {
        self.error
            .as_deref()
            .filter(|_| self.refused_group == group)
    }

    /// The error of a group's member form.
    pub fn error_of_group(&self, group: &i64) -> Option<&str> {
        self.error_for(Some(*group))
    }

    /// What was typed in a group's refused member form.
    pub fn typed_for(&self, group: &i64) -> &str {
        if self.refused_group == Some(*group) {
            self.v("who")
        } else {
            ""
        }
    }
}
