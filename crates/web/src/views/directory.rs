use askama::Template;
use domain::directory::EstablishmentKind;
use store::directory::{Establishment, Labels, Search};

use super::{Layout, thousands};
use crate::app::directory::DirectoryQuery;

/// One option of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choices(
    items: impl IntoIterator<Item = (String, String)>,
    current: Option<&str>,
) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            selected: current == Some(value.as_str()),
            value,
            label,
        })
        .collect()
}

pub struct ResultRow {
    pub uai: String,
    pub name: String,
    pub kind: &'static str,
    pub public: bool,
    pub commune: String,
    pub departement: String,
    pub unit: Option<String>,
    pub education_prioritaire: Option<String>,
    pub open: bool,
}

impl From<Establishment> for ResultRow {
    fn from(e: Establishment) -> Self {
        let kind = e.kind().label();
        let unit = e
            .circonscription_name
            .clone()
            .or_else(|| e.bassin_name.clone().map(|b| format!("Bassin {b}")));
        Self {
            uai: e.uai,
            name: e.name,
            kind,
            public: e.public,
            commune: e.commune_name,
            departement: format!("{} ({})", e.departement_name, e.departement_code),
            unit,
            education_prioritaire: e.education_prioritaire,
            open: e.open,
        }
    }
}

pub struct PageLink {
    pub number: u32,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "directory/search.html")]
pub struct DirectoryPage {
    pub layout: Layout,
    pub q: String,
    pub error: Option<String>,
    pub results: Vec<ResultRow>,
    pub total_label: String,
    pub departements: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub statuts: Vec<Choice>,
    pub circonscriptions: Vec<Choice>,
    pub bassins: Vec<Choice>,
    pub eps: Vec<Choice>,
    pub pages: Vec<PageLink>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl DirectoryPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        layout: Layout,
        query: DirectoryQuery,
        search: Search,
        error: Option<String>,
        results: Vec<Establishment>,
        total: i64,
        departements: Labels,
        circonscriptions: Labels,
        bassins: Labels,
    ) -> Self {
        let departements = choices(
            departements
                .into_iter()
                .map(|(code, name)| (code.clone(), format!("{code} — {name}"))),
            search.departement.as_deref(),
        );
        let kinds = choices(
            EstablishmentKind::ALL
                .iter()
                .map(|k| (k.code().to_owned(), k.label().to_owned())),
            search.kind.map(EstablishmentKind::code),
        );
        let statut = search.public.map(|p| if p { "public" } else { "prive" });
        let statuts = choices(
            [
                ("public".into(), "Public".into()),
                ("prive".into(), "Privé".into()),
            ],
            statut,
        );
        let eps = choices(
            [("REP".into(), "REP".into()), ("REP+".into(), "REP+".into())],
            search.education_prioritaire.as_deref(),
        );
        let per_page = i64::from(search.per_page.max(1));
        let last = u32::try_from(((total + per_page - 1) / per_page).max(1)).unwrap_or(u32::MAX);
        let current = search.page.min(last);
        let href = |page: u32| {
            let mut params = url::form_urlencoded::Serializer::new(String::new());
            for (key, value) in [
                ("q", &query.q),
                ("departement", &query.departement),
                ("type", &query.kind),
                ("statut", &query.statut),
                ("circonscription", &query.circonscription),
                ("bassin", &query.bassin),
                ("ep", &query.ep),
            ] {
                if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                    params.append_pair(key, v);
                }
            }
            params.append_pair("page", &page.to_string());
            format!("/annuaire?{}", params.finish())
        };
        let window = current.saturating_sub(2).max(1)..=(current + 2).min(last);
        let pages = window
            .map(|n| PageLink {
                number: n,
                href: href(n),
                current: n == current,
            })
            .collect();
        let total_label = match total {
            0 => "Aucun établissement ne correspond à votre recherche".to_owned(),
            1 => "1 établissement trouvé".to_owned(),
            n => format!("{} établissements trouvés", thousands(n)),
        };
        Self {
            layout,
            q: search.text,
            error,
            results: results.into_iter().map(ResultRow::from).collect(),
            total_label,
            departements,
            kinds,
            statuts,
            circonscriptions: choices(circonscriptions, search.circonscription.as_deref()),
            bassins: choices(bassins, search.bassin.as_deref()),
            eps,
            pages,
            previous: (current > 1).then(|| href(current - 1)),
            next: (current < last).then(|| href(current + 1)),
        }
    }
}

#[derive(Template)]
#[template(path = "directory/establishment.html")]
pub struct EstablishmentPage {
    pub layout: Layout,
    pub e: Establishment,
}

impl EstablishmentPage {
    pub fn kind_label(&self) -> &'static str {
        self.e.kind().label()
    }

    pub fn pupils(&self) -> Option<String> {
        self.e.pupils.map(thousands)
    }

    pub fn coordinates(&self) -> Option<String> {
        Some(format!("{:.5}, {:.5}", self.e.latitude?, self.e.longitude?))
    }
}
