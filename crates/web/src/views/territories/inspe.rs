use std::collections::BTreeMap;

use askama::Template;
use domain::observatories::binome::Period;
use domain::practices::consent::french_date;
use domain::territories::inspe::DayKind;
use store::territories::TerritorySummary;
use store::territories::inspe::{Day, FreedDay};

use crate::views::Layout;

pub struct DayView {
    pub date: String,
    pub student: String,
    pub host: String,
    pub kind: &'static str,
}

pub struct FreedView {
    pub host_id: i64,
    pub host: String,
    pub day: i64,
    pub date: String,
    /// Who welcomes the host, if someone does.
    pub peer: Option<String>,
    /// The caller may welcome them: a member other than the host, while no one does.
    pub may_welcome: bool,
}

#[derive(Template)]
#[template(path = "territories/inspe.html")]
pub struct InspePage {
    pub layout: Layout,
    pub name: String,
    pub slug: String,
    pub coordinator: bool,
    pub days: Vec<DayView>,
    pub freed: Vec<FreedView>,
    pub kinds: [(&'static str, &'static str); 2],
    pub notice: Option<String>,
    pub error: Option<String>,
    pub values: BTreeMap<String, String>,
}

impl InspePage {
    pub fn new(
        layout: Layout,
        territory: TerritorySummary,
        coordinator: bool,
        person: Option<i64>,
        days: Vec<Day>,
        freed: Vec<FreedDay>,
    ) -> Self {
        let date = |d: i64| french_date(Period::date(d));
        Self {
            layout,
            name: territory.name,
            slug: territory.slug,
            coordinator,
            days: days
                .into_iter()
                .map(|d| DayView {
                    date: date(d.day),
                    kind: DayKind::parse(&d.kind).map_or("Journée", DayKind::label),
                    student: d.student,
                    host: d.host,
                })
                .collect(),
            freed: freed
                .into_iter()
                .map(|f| FreedView {
                    may_welcome: f.peer.is_none() && person.is_some_and(|p| p != f.host_id),
                    host_id: f.host_id,
                    host: f.host,
                    day: f.day,
                    date: date(f.day),
                    peer: f.peer,
                })
                .collect(),
            kinds: [DayKind::Observation, DayKind::Responsibility].map(|k| (k.code(), k.label())),
            notice: None,
            error: None,
            values: BTreeMap::new(),
        }
    }

    pub fn v(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }
}
