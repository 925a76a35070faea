pub mod events;
pub mod groups;
pub mod inspe;
pub mod launch;
pub mod maturity;
pub mod members;
pub mod networks;
pub mod partners;

use askama::Template;
use domain::accounts::Function;
use domain::directory::EstablishmentKind;
use domain::territories::{Standing, partner_kind_label};
use store::territories::{Territory, TerritorySummary};

use super::{Layout, thousands};

#[derive(Template)]
#[template(path = "territories/list.html")]
pub struct TerritoriesPage {
    pub layout: Layout,
    pub territories: Vec<TerritorySummary>,
    /// The caller may make a territory (the link to the form).
    pub can_create: bool,
}

impl TerritoriesPage {
    pub fn count(&self, n: &i64) -> String {
        thousands(*n)
    }
}

pub struct Row {
    pub uai: String,
    pub name: String,
    pub kind: &'static str,
    pub commune: String,
}

#[derive(Template)]
#[template(path = "territories/show.html")]
pub struct TerritoryPage {
    pub layout: Layout,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub members: String,
    pub establishment_count: String,
    /// Said when the list shows only the first establishments.
    pub partial_list: Option<String>,
    pub establishments: Vec<Row>,
    pub partners: Vec<(String, &'static str)>,
    pub coordinators: Vec<(String, &'static str)>,
    /// The caller belongs to the territory: its own work is open to them.
    pub member: bool,
    /// Whether the caller may join it, or waits for the answer.
    pub standing: Standing,
}

impl TerritoryPage {
    pub fn new(layout: Layout, t: Territory, member: bool, standing: Standing) -> Self {
        Self {
            layout,
            member,
            standing,
            slug: t.summary.slug,
            name: t.summary.name,
            description: t.summary.description,
            members: thousands(t.summary.members),
            establishment_count: thousands(t.summary.establishments),
            partial_list: (t.summary.establishments > t.establishments.len() as i64).then(|| {
                format!("Les {} premiers, par ordre alphabétique ; l'annuaire permet de chercher parmi tous.", t.establishments.len())
            }),
            establishments: t
                .establishments
                .into_iter()
                .map(|e| Row {
                    kind: EstablishmentKind::from_code(&e.kind).map_or("Autre", EstablishmentKind::label),
                    uai: e.uai,
                    name: e.name,
                    commune: e.commune_name,
                })
                .collect(),
            partners: t
                .partners
                .into_iter()
                .map(|p| {
                    let kind = partner_kind_label(&p.kind);
                    (p.name, kind)
                })
                .collect(),
            coordinators: t
                .coordinators
                .into_iter()
                .map(|m| {
                    let f = Function::parse(&m.function).map_or("", Function::label);
                    (m.name, f)
                })
                .collect(),
        }
    }
}

/// An establishment the creation form offers to tick.
pub struct Pick {
    pub uai: String,
    pub label: String,
    pub ticked: bool,
    /// Where it stands, for the map: « latitude,longitude ».
    pub place: String,
}

fn place(e: &store::directory::Establishment) -> String {
    match (e.latitude, e.longitude) {
        (Some(lat), Some(lon)) => format!("{lat},{lon}"),
        _ => String::new(),
    }
}

#[derive(Template)]
#[template(path = "territories/new.html")]
pub struct NewTerritoryPage {
    pub layout: Layout,
    pub form: crate::app::territories::NewTerritoryForm,
    /// The establishments ticked so far, then those the search found.
    pub picks: Vec<Pick>,
    /// A search was made (its results, even none, are said).
    pub searched: bool,
    pub error: Option<String>,
}

impl NewTerritoryPage {
    pub fn new(
        layout: Layout,
        form: crate::app::territories::NewTerritoryForm,
        chosen: Vec<store::directory::Establishment>,
        found: Vec<store::directory::Establishment>,
        error: Option<String>,
    ) -> Self {
        let label = |e: &store::directory::Establishment| {
            format!("{} — {} ({})", e.name, e.commune_name, e.uai)
        };
        let mut picks: Vec<Pick> = chosen
            .iter()
            .map(|e| Pick {
                uai: e.uai.clone(),
                label: label(e),
                ticked: true,
                place: place(e),
            })
            .collect();
        for e in &found {
            if !chosen.iter().any(|c| c.id == e.id) {
                picks.push(Pick {
                    uai: e.uai.clone(),
                    label: label(e),
                    ticked: false,
                    place: place(e),
                });
            }
        }
        Self {
            layout,
            searched: !form.q.trim().is_empty() || form.action == "zone",
            form,
            picks,
            error,
        }
    }
}
