use askama::Template;
use store::territories::TerritorySummary;

use store::observatories::visits::Line;

use super::{Layout, date_fr, date_time_fr, thousands};

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

/// A territory of the person's, and the first step of its launch not done yet (number, state).
pub struct TerritoryLine {
    pub membership: store::territories::Membership,
    pub next: Option<(usize, domain::territories::launch::StepState)>,
}

impl TerritoryLine {
    pub fn role(&self) -> &'static str {
        domain::policy::TerritoryRole::from_code(&self.membership.role)
            .map_or("membre", |r| r.label())
    }

    pub fn coordinates(&self) -> bool {
        self.membership.role == "coordinator"
    }

    /// « Étape 2 — Déterminer une problématique commune (à faire) », or that the launch is done.
    pub fn next_step(&self) -> String {
        match self.next {
            Some((number, state)) => {
                let title = domain::territories::launch::Step::from_number(number as i64)
                    .map_or("", |s| s.title());
                format!(
                    "Étape {number} — {title} ({})",
                    state.label().to_lowercase()
                )
            }
            None => "Les cinq étapes du lancement sont faites".to_owned(),
        }
    }

    /// Where the next step is done.
    pub fn next_href(&self) -> String {
        match self.next {
            Some((number, _)) => format!(
                "/territoires/{}/lancement/etape-{number}",
                self.membership.slug
            ),
            None => format!("/territoires/{}/lancement", self.membership.slug),
        }
    }
}

/// What waits for a signed-in person (« Ce qui m'attend »).
#[derive(Template)]
#[template(path = "home_person.html")]
pub struct PersonalHome {
    pub layout: Layout,
    pub name: String,
    pub now: i64,
    pub visits: Vec<Line>,
    pub territories: Vec<TerritoryLine>,
    pub needs: Vec<store::training::OwnNeed>,
    pub modules: Vec<store::training::modules::Module>,
    /// Followed paths: id, title, finished.
    pub paths: Vec<(i64, String, bool)>,
    pub practices: Vec<store::practices::Practice>,
    pub spaces: Vec<store::spaces::Unread>,
    pub notifications: Vec<store::practices::Notification>,
    pub unread_notifications: i64,
    pub training_office: bool,
    /// The académie whose dashboards and strategic project the person steers, and whether
    /// its project is opened yet.
    pub steering: Option<(String, bool)>,
}

impl PersonalHome {
    /// Dated visits still to come (or of today), soonest first.
    pub fn next_visits(&self) -> Vec<&Line> {
        let since = self.now - 12 * 3600;
        let mut lines: Vec<&Line> = self
            .visits
            .iter()
            .filter(|l| l.visit_state.as_deref() == Some("scheduled"))
            .filter(|l| l.starts_at.is_some_and(|at| at >= since))
            .collect();
        lines.sort_by_key(|l| l.starts_at);
        lines
    }

    /// Requests where the person, observed, has not consented yet.
    pub fn consents(&self) -> Vec<&Line> {
        self.visits
            .iter()
            .filter(|l| l.consent_due && l.request_state != "withdrawn")
            .collect()
    }

    /// Binômes proposed, whose date is still to fix.
    pub fn binomes(&self) -> Vec<&Line> {
        self.visits
            .iter()
            .filter(|l| l.visit_state.as_deref() == Some("proposed"))
            .collect()
    }

    /// Visits observed whose analysis is to write and agree.
    pub fn analyses(&self) -> Vec<&Line> {
        self.visits
            .iter()
            .filter(|l| matches!(l.visit_state.as_deref(), Some("observed" | "analysis")))
            .collect()
    }

    /// Whether nothing about visits waits.
    pub fn no_visit_waits(&self) -> bool {
        self.next_visits().is_empty()
            && self.consents().is_empty()
            && self.binomes().is_empty()
            && self.analyses().is_empty()
    }

    /// Modules registered to whose last session is still to come.
    pub fn next_modules(&self) -> Vec<&store::training::modules::Module> {
        self.modules
            .iter()
            .filter(|m| !m.cancelled && m.sessions.last().is_some_and(|s| s.ends_at >= self.now))
            .collect()
    }

    pub fn open_paths(&self) -> Vec<&(i64, String, bool)> {
        self.paths.iter().filter(|(_, _, done)| !done).collect()
    }

    pub fn line_href(line: &&Line) -> String {
        match line.visit_id {
            Some(visit) => format!("/visites/{visit}"),
            None => format!("/demandes/{}", line.request_id),
        }
    }

    pub fn line_date(line: &&Line) -> String {
        line.starts_at.map(date_time_fr).unwrap_or_default()
    }

    /// The day of the module's next session.
    pub fn module_date(&self, module: &&store::training::modules::Module) -> String {
        module
            .sessions
            .iter()
            .find(|s| s.ends_at >= self.now)
            .map(|s| date_fr(s.starts_at))
            .unwrap_or_default()
    }
}
