use std::collections::BTreeMap;

use askama::Template;
use domain::territories::networks::{Stage, cohorts, school_year_label};
use store::territories::TerritorySummary;
use store::territories::networks::Network;

use crate::views::Layout;

pub struct MemberView {
    pub id: i64,
    pub name: String,
    pub joined: String,
    /// Where they stand this school year (none: they join next year).
    pub stage: &'static str,
}

pub struct NetworkView {
    pub id: i64,
    pub name: String,
    pub cpc: Option<String>,
    /// Members in year 1, 2 and 3.
    pub cohorts: [usize; 3],
    pub members: Vec<MemberView>,
    /// The passeurs d'expériences, who relay in their territory.
    pub passeurs: Vec<String>,
}

#[derive(Template)]
#[template(path = "territories/networks.html")]
pub struct NetworksPage {
    pub layout: Layout,
    pub name: String,
    pub slug: String,
    pub coordinator: bool,
    pub year: String,
    pub stages: [&'static str; 3],
    pub networks: Vec<NetworkView>,
    /// All networks together, per year.
    pub totals: [usize; 3],
    pub notice: Option<String>,
    pub error: Option<String>,
    /// The network whose member form was refused (none: the creation form).
    pub refused_network: Option<i64>,
    pub values: BTreeMap<String, String>,
}

impl NetworksPage {
    pub fn new(
        layout: Layout,
        territory: TerritorySummary,
        coordinator: bool,
        list: Vec<Network>,
        now: i32,
    ) -> Self {
        let networks: Vec<NetworkView> = list
            .into_iter()
            .map(|n| {
                let joined: Vec<i32> = n.members.iter().map(|m| m.2).collect();
                NetworkView {
                    id: n.id,
                    cohorts: cohorts(&joined, now),
                    passeurs: n
                        .members
                        .iter()
                        .filter(|m| Stage::of(m.2, now) == Some(Stage::Passeur))
                        .map(|m| m.1.clone())
                        .collect(),
                    members: n
                        .members
                        .into_iter()
                        .map(|(id, name, year)| MemberView {
                            id,
                            name,
                            joined: school_year_label(year),
                            stage: Stage::of(year, now).map_or("À venir", Stage::label),
                        })
                        .collect(),
                    name: n.name,
                    cpc: n.cpc,
                }
            })
            .collect();
        let mut totals = [0; 3];
        for n in &networks {
            for (t, c) in totals.iter_mut().zip(n.cohorts) {
                *t += c;
            }
        }
        Self {
            layout,
            name: territory.name,
            slug: territory.slug,
            coordinator,
            year: school_year_label(now),
            stages: [Stage::Mutualisation, Stage::WithCpc, Stage::Passeur].map(Stage::label),
            networks,
            totals,
            notice: None,
            error: None,
            refused_network: None,
            values: BTreeMap::new(),
        }
    }

    /// What was typed in the form of `network` (none: the creation form) before a refusal.
    pub fn typed(&self, network: Option<i64>, key: &str) -> &str {
        if self.refused_network == network {
            self.values.get(key).map_or("", String::as_str)
        } else {
            ""
        }
    }

    pub fn error_for(&self, network: Option<i64>) -> Option<&str> {
        self.error
            .as_deref()
            .filter(|_| self.refused_network == network)
    }
}
