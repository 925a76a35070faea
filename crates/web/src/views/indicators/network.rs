//! The collaboration network of a scope.

use std::collections::HashMap;

use askama::Template;
use domain::indicators::dashboard::number_fr;
use domain::indicators::network::Analysis;

use crate::views::Layout;

/// How many isolated establishments are listed by name.
const LISTED: usize = 200;

pub struct Place {
    pub uai: String,
    pub name: String,
    pub commune: String,
}

pub struct ConnectorRow {
    pub place: Place,
    pub partners: usize,
    pub betweenness: String,
}

#[derive(Template)]
#[template(path = "indicators/network.html")]
pub struct NetworkPage {
    pub layout: Layout,
    pub label: String,
    pub dashboard: String,
    pub establishments: usize,
    pub links: usize,
    /// Sizes of the connected parts, largest first.
    pub components: Vec<usize>,
    pub connected: usize,
    pub isolated_count: usize,
    pub isolated: Vec<Place>,
    pub connectors: Vec<ConnectorRow>,
}

impl NetworkPage {
    pub fn new(
        layout: Layout,
        label: String,
        dashboard: String,
        establishments: usize,
        analysis: &Analysis,
        names: &HashMap<i64, (String, String, String)>,
    ) -> Self {
        let place = |id: &i64| {
            let (uai, name, commune) = names.get(id).cloned().unwrap_or_default();
            Place { uai, name, commune }
        };
        Self {
            layout,
            label,
            dashboard,
            establishments,
            links: analysis.links,
            components: analysis.components.iter().map(Vec::len).collect(),
            connected: analysis.components.iter().map(Vec::len).sum(),
            isolated_count: analysis.isolated.len(),
            isolated: analysis.isolated.iter().take(LISTED).map(place).collect(),
            connectors: analysis
                .connectors
                .iter()
                .map(|c| ConnectorRow {
                    place: place(&c.establishment),
                    partners: c.partners,
                    betweenness: c.betweenness.map_or("—".to_owned(), |b| {
                        format!("{} %", number_fr((b * 1000.0).round() / 10.0))
                    }),
                })
                .collect(),
        }
    }
}
