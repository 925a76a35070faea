use std::collections::BTreeMap;

use askama::Template;
use domain::territories::events::span_fr;
use domain::territories::groups::{GroupKind, SeatView, seats};
use store::territories::TerritorySummary;
use store::territories::groups::{Group, MeetingRow};

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
    /// Its coming meetings: (id, title, when).
    pub meetings: Vec<(i64, String, String)>,
    /// The caller runs its meetings (a coordinator, or one of its members).
    pub runs: bool,
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
        meetings: Vec<MeetingRow>,
        person: Option<i64>,
    ) -> Self {
        let view = |g: Group| {
            let coming = meetings
                .iter()
                .filter(|m| m.group_id == g.id)
                .map(|m| {
                    let when = span_fr(m.meeting.starts_at, m.meeting.ends_at);
                    (m.id, m.meeting.title.clone(), when)
                })
                .collect();
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
                meetings: coming,
                runs: coordinator
                    || (person.is_some() && g.members.iter().any(|(_, _, p)| *p == person)),
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

    /// What was typed in the field `key` of a group's refused form.
    pub fn typed(&self, group: &i64, key: &str) -> &str {
        if self.refused_group == Some(*group) {
            self.v(key)
        } else {
            ""
        }
    }
}

#[derive(Template)]
#[template(path = "territories/meeting.html")]
pub struct MeetingPage {
    pub layout: Layout,
    pub id: i64,
    pub group: String,
    pub title: String,
    pub when: String,
    pub place: String,
    pub video_url: String,
    pub agenda_html: String,
    pub pad_id: Option<i64>,
    /// The group's members: (id, name, came).
    pub attendance: Vec<(i64, String, Option<bool>)>,
    pub runs: bool,
    pub notice: Option<String>,
}

impl MeetingPage {
    pub fn new(layout: Layout, m: MeetingRow, runs: bool, notice: Option<String>) -> Self {
        Self {
            layout,
            id: m.id,
            group: m.group,
            when: span_fr(m.meeting.starts_at, m.meeting.ends_at),
            agenda_html: domain::markdown::to_html(&m.meeting.agenda),
            title: m.meeting.title,
            place: m.meeting.place,
            video_url: m.meeting.video_url,
            pad_id: m.pad_id,
            attendance: m.attendance,
            runs,
            notice,
        }
    }
}
