use std::collections::BTreeMap;

use askama::Template;
use domain::accounts::Function;
use domain::policy::TerritoryRole;
use store::territories::joining::JoinRequest;
use store::territories::{Roster, TerritorySummary};

use crate::views::Layout;

/// A member as the page lists them.
pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub function: &'static str,
    pub role: &'static str,
}

#[derive(Template)]
#[template(path = "territories/members.html")]
pub struct MembersPage {
    pub layout: Layout,
    pub name: String,
    pub slug: String,
    /// The caller coordinates the territory (or administers the platform): the forms.
    pub coordinator: bool,
    pub members: Vec<MemberRow>,
    /// The roles a form offers: (code, label).
    pub roles: [(&'static str, &'static str); 3],
    pub notice: Option<String>,
    pub error: Option<String>,
    /// The fields of a refused form, as typed.
    pub values: BTreeMap<String, String>,
    /// The requests to join waiting for the coordination (shown to it only).
    pub requests: Vec<JoinRequest>,
    /// The staff of the establishments join without a request.
    pub open: bool,
    /// The functions a person invited may have: (code, label).
    pub functions: Vec<(&'static str, &'static str)>,
}

impl MembersPage {
    pub fn new(
        layout: Layout,
        territory: TerritorySummary,
        coordinator: bool,
        members: Vec<Roster>,
    ) -> Self {
        let role = |code: &str| TerritoryRole::from_code(code).map_or("", TerritoryRole::label);
        Self {
            layout,
            name: territory.name,
            slug: territory.slug,
            coordinator,
            members: members
                .into_iter()
                .map(|m| MemberRow {
                    id: m.id,
                    role: role(&m.role),
                    function: Function::parse(&m.function).map_or("", Function::label),
                    name: m.name,
                    email: m.email,
                })
                .collect(),
            roles: [
                TerritoryRole::Member,
                TerritoryRole::Coordinator,
                TerritoryRole::Reader,
            ]
            .map(|r| (r.code(), r.label())),
            notice: None,
            error: None,
            values: BTreeMap::new(),
            requests: Vec::new(),
            open: false,
            functions: Function::ALL
                .iter()
                .map(|f| (f.code(), f.label()))
                .collect(),
        }
    }

    pub fn function_label(code: &str) -> &'static str {
        Function::parse(code).map_or("", Function::label)
    }

    /// A field of the refused form, as typed.
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }
}
