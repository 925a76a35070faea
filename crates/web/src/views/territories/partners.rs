use std::collections::BTreeMap;

use askama::Template;
use domain::observatories::binome::Period;
use domain::practices::consent::french_date;
use domain::territories::partners::{CONVENTION_KINDS, Standing, convention_kind_label};
use domain::territories::{PARTNER_KINDS, partner_kind_label};
use store::territories::TerritorySummary;
use store::territories::partners::{ContactRow, ConventionRow, Partner};

use crate::views::Layout;

pub struct PartnerView {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub contacts: Vec<ContactRow>,
}

pub struct ConventionView {
    pub id: i64,
    pub kind: &'static str,
    pub title: String,
    pub parties: Vec<String>,
    pub span: String,
    pub standing: String,
    /// Within the renewal notice: the coordination is reminded.
    pub to_renew: bool,
    /// (id, name, size).
    pub documents: Vec<(i64, String, String)>,
}

#[derive(Template)]
#[template(path = "territories/partners.html")]
pub struct PartnersPage {
    pub layout: Layout,
    pub name: String,
    pub slug: String,
    pub coordinator: bool,
    pub partners: Vec<PartnerView>,
    pub conventions: Vec<ConventionView>,
    pub partner_kinds: &'static [(&'static str, &'static str)],
    pub convention_kinds: &'static [(&'static str, &'static str)],
    pub notice: Option<String>,
    pub error: Option<String>,
    /// The form that was refused: `partenaire`, `convention`, `contact-N`, `renouvellement-N`,
    /// `document-N`.
    pub refused_form: String,
    pub values: BTreeMap<String, String>,
}

impl PartnersPage {
    pub fn new(
        layout: Layout,
        territory: TerritorySummary,
        coordinator: bool,
        partners: Vec<Partner>,
        conventions: Vec<ConventionRow>,
        today: i64,
    ) -> Self {
        let day = |d: i64| french_date(Period::date(d));
        Self {
            layout,
            name: territory.name,
            slug: territory.slug,
            coordinator,
            partners: partners
                .into_iter()
                .map(|p| PartnerView {
                    id: p.id,
                    kind: partner_kind_label(&p.kind),
                    name: p.name,
                    contacts: p.contacts,
                })
                .collect(),
            conventions: conventions
                .into_iter()
                .map(|c| {
                    let standing = Standing::of(c.starts_on, c.ends_on, today);
                    ConventionView {
                        id: c.id,
                        kind: convention_kind_label(&c.kind),
                        title: c.title,
                        parties: c.parties,
                        span: format!("du {} au {}", day(c.starts_on), day(c.ends_on)),
                        standing: standing.label(),
                        to_renew: matches!(standing, Standing::EndsSoon(_)),
                        documents: c
                            .documents
                            .into_iter()
                            .map(|d| (d.id, d.name, domain::spaces::format_bytes(d.size)))
                            .collect(),
                    }
                })
                .collect(),
            partner_kinds: PARTNER_KINDS,
            convention_kinds: CONVENTION_KINDS,
            notice: None,
            error: None,
            refused_form: String::new(),
            values: BTreeMap::new(),
        }
    }

    /// What was typed in the form `form` before it was refused.
    pub fn typed(&self, form: &str, key: &str) -> &str {
        if self.refused_form == form {
            self.values.get(key).map_or("", String::as_str)
        } else {
            ""
        }
    }

    pub fn error_for(&self, form: &str) -> Option<&str> {
        self.error.as_deref().filter(|_| self.refused_form == form)
    }
}
