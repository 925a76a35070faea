use askama::Template;
use store::territories::TerritorySummary;

use super::{Layout, thousands};

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub layout: Layout,
    pub establishments: String,
    pub territories: Vec<TerritorySummary>,
    pub demo_accounts: Vec<(&'static str, String)>,
}

impl HomePage {
    pub fn new(
        layout: Layout,
        establishments: i64,
        territories: Vec<TerritorySummary>,
        demo_accounts: Vec<(&'static str, String)>,
    ) -> Self {
        Self {
            layout,
            establishments: thousands(establishments),
            territories,
            demo_accounts,
        }
    }
}
