//! Training pages: one's needs and modules, the office's demand against the offer, the
//! training staff.

pub mod attestation;
pub mod modules;
pub mod paths;

use std::collections::BTreeMap;

use askama::Template;
use domain::ids::TerritoryId;
use domain::observatories::visit::Public;
use domain::training::StaffKind;
use domain::training::demand::{Dashboard, Demand, Others};
use store::territories::{Membership, TerritorySummary};
use store::training::OwnNeed;
use store::training::modules::Module;
use store::training::staff::{Member, Places};

use self::modules::ModuleSummary;
use crate::views::Layout;

pub struct NeedView {
    pub id: i64,
    pub theme: String,
    pub public: &'static str,
    pub level: String,
    pub territory: Option<String>,
    pub date: String,
}

#[derive(Template)]
#[template(path = "training/index.html")]
pub struct TrainingPage {
    pub layout: Layout,
    pub needs: Vec<NeedView>,
    /// The caller's territories: (id, name).
    pub territories: Vec<(i64, String)>,
    pub publics: Vec<(&'static str, &'static str)>,
    pub mine: Vec<ModuleSummary>,
    pub upcoming: Vec<ModuleSummary>,
    pub office: bool,
    pub admin: bool,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub values: BTreeMap<String, String>,
    /// The themes others asked for this school year, that the caller did not: to join one
    /// (« moi aussi ») rather than write it again in other words.
    pub expressed: Vec<String>,
    /// The public « moi aussi » records, after the caller's function.
    pub own_public: &'static str,
}

impl TrainingPage {
    pub fn new(
        layout: Layout,
        needs: Vec<OwnNeed>,
        territories: Vec<Membership>,
        mine: Vec<Module>,
        upcoming: Vec<Module>,
        places: Places,
        admin: bool,
    ) -> Self {
        let territories: Vec<(i64, String)> =
            territories.into_iter().map(|t| (t.id, t.name)).collect();
        Self {
            layout,
            needs: needs
                .into_iter()
                .map(|n| NeedView {
                    id: n.id,
                    public: Public::parse(&n.public).map_or("", Public::label),
                    territory: n.territory_id.and_then(|id| {
                        territories
                            .iter()
                            .find(|(t, _)| *t == id)
                            .map(|(_, name)| name.clone())
                    }),
                    date: crate::views::date_fr(n.created_at),
                    theme: n.theme,
                    level: n.level,
                })
                .collect(),
            territories,
            publics: Public::ALL.iter().map(|p| (p.code(), p.label())).collect(),
            mine: mine.iter().map(ModuleSummary::from).collect(),
            upcoming: upcoming.iter().map(ModuleSummary::from).collect(),
            office: places.office,
            admin,
            notice: None,
            error: None,
            values: BTreeMap::new(),
            expressed: Vec::new(),
            own_public: Public::InterDegres.code(),
        }
    }

    /// What was typed in the need form, shown again when it is refused.
    pub fn typed(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }
}

/// A theme of the demand and the modules answering it, as the dashboard shows it.
pub struct CoverageRow {
    pub theme: String,
    pub count: usize,
    pub modules: Vec<(i64, String)>,
    pub seats: i64,
    pub registered: i64,
    pub waitlisted: i64,
}

#[derive(Template)]
#[template(path = "training/demand.html")]
pub struct DemandPage {
    pub layout: Layout,
    pub territories: Vec<(i64, String)>,
    pub territory: Option<i64>,
    pub territory_name: String,
    pub year: String,
    pub rows: Vec<CoverageRow>,
    /// « autres »: `Some(None)` fewer than five in all (not counted).
    pub others: Option<Option<usize>>,
    /// The themes of « autres », each with the modules answering it (no count).
    pub small: Vec<(String, Vec<(i64, String)>)>,
    pub covered: usize,
    pub not_covered: usize,
    pub waiting: i64,
    pub error: Option<String>,
}

impl DemandPage {
    pub fn new(
        layout: Layout,
        territories: Vec<TerritorySummary>,
        territory: Option<TerritoryId>,
        year: String,
        demand: Option<Demand>,
        dashboard: Option<Dashboard>,
        error: Option<String>,
    ) -> Self {
        let territory = territory.map(|t| t.0);
        let territory_name = territories
            .iter()
            .find(|t| Some(t.id) == territory)
            .map_or_else(|| "Tous les territoires".to_owned(), |t| t.name.clone());
        let others = demand.as_ref().and_then(|d| match d.others {
            Others::None => None,
            Others::Count(n) => Some(Some(n)),
            Others::FewerThanFive => Some(None),
        });
        let dashboard = dashboard.unwrap_or(Dashboard {
            themes: Vec::new(),
            small: Vec::new(),
            covered: 0,
            not_covered: 0,
            waiting: 0,
        });
        Self {
            layout,
            territories: territories.into_iter().map(|t| (t.id, t.name)).collect(),
            territory,
            territory_name,
            year,
            covered: dashboard.covered,
            not_covered: dashboard.not_covered,
            waiting: dashboard.waiting,
            rows: dashboard
                .themes
                .into_iter()
                .map(|c| CoverageRow {
                    theme: c.theme,
                    count: c.count,
                    modules: c.modules,
                    seats: c.seats,
                    registered: c.registered,
                    waitlisted: c.waitlisted,
                })
                .collect(),
            others,
            small: dashboard.small,
            error,
        }
    }

    /// The link that opens the module form on a theme.
    pub fn new_module_link(&self, theme: &str) -> String {
        let theme: String = url::form_urlencoded::byte_serialize(theme.as_bytes()).collect();
        format!("/formation/modules/nouveau?theme={theme}")
    }
}

pub struct StaffRow {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub kind: &'static str,
    pub code: &'static str,
}

#[derive(Template)]
#[template(path = "training/staff.html")]
pub struct StaffPage {
    pub layout: Layout,
    pub members: Vec<StaffRow>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub values: BTreeMap<String, String>,
}

impl StaffPage {
    pub fn new(layout: Layout, members: Vec<Member>) -> Self {
        Self {
            layout,
            members: members
                .into_iter()
                .filter_map(|m| {
                    let kind = StaffKind::parse(&m.kind)?;
                    Some(StaffRow {
                        person_id: m.person_id,
                        name: m.name,
                        email: m.email,
                        kind: kind.label(),
                        code: kind.code(),
                    })
                })
                .collect(),
            kinds: StaffKind::ALL
                .iter()
                .map(|k| (k.code(), k.label()))
                .collect(),
            notice: None,
            error: None,
            values: BTreeMap::new(),
        }
    }

    pub fn typed(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }
}
