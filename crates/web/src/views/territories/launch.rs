use std::collections::BTreeMap;

use askama::Template;
use domain::territories::launch::{
    FriendRole, GROUP_THEMES, Item, ItemKind, Merged, Problem, SUPPORT_CATEGORIES, Step, StepState,
    merge, support_label, theme_label,
};
use store::territories::TerritorySummary;
use store::territories::launch::{ActionRow, JournalEntry, Support, WorkObjectRow};

use crate::views::{Layout, date_fr};

/// The inventory form as sent.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ItemForm {
    #[serde(default)]
    pub uai: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub text: String,
}

/// The problem statement form as sent.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ProblemForm {
    #[serde(default)]
    pub statement: String,
    #[serde(default)]
    pub skills: String,
    #[serde(default)]
    pub items: Vec<i64>,
}

pub struct StepView {
    pub number: u8,
    pub title: &'static str,
    pub how: &'static str,
    pub state: &'static str,
    pub state_label: &'static str,
}

/// One establishment's specific items.
pub struct EstablishmentItems {
    pub name: String,
    pub items: Vec<(i64, &'static str, String)>,
}

#[derive(Template)]
#[template(path = "territories/launch.html")]
pub struct LaunchPage {
    pub layout: Layout,
    pub name: String,
    pub slug: String,
    pub coordinator: bool,
    /// The screen shown: 0 for the overview of the five steps, 1 to 5 for one step.
    pub view: u8,
    pub steps: Vec<StepView>,
    /// Items common to the territory (marked so, or raised by several establishments).
    pub common: Vec<Merged>,
    /// The other items, by establishment.
    pub specific: Vec<EstablishmentItems>,
    pub item_count: usize,
    pub problem: Option<(Problem, String)>,
    /// The inventory items the problem answers: (id, kind, text).
    pub answered: Vec<(i64, &'static str, String)>,
    /// The caller's establishments in the territory: (UAI, name).
    pub own: Vec<(String, String)>,
    pub notice: Option<String>,
    pub item_form: ItemForm,
    pub item_error: Option<String>,
    pub problem_form: ProblemForm,
    pub problem_error: Option<String>,
    pub states: [(&'static str, &'static str); 3],
    pub later: Later,
    /// The fields of a refused form of the later steps, shown again.
    pub values: BTreeMap<String, String>,
    /// The section of the refused form, and why.
    pub later_error: Option<(String, String)>,
}

/// Steps 3 to 5 and the supports, as read.
#[derive(Default)]
pub struct Later {
    pub work_objects: Vec<WorkObjectRow>,
    pub actions: Vec<ActionRow>,
    pub friends: Vec<(i64, String)>,
    pub is_friend: bool,
    pub journal: Vec<JournalEntry>,
    pub analyses: Vec<(i64, String, i64)>,
    /// The year of the launch under way.
    pub year: i64,
    pub supports: Vec<Support>,
    /// The difficulties of the inventory not yet raised as training needs: (first id, text).
    pub to_raise: Vec<(i64, String)>,
}

fn kind_label(kind: ItemKind) -> &'static str {
    kind.label()
}

/// The screen of the launch a form belongs to: the step whose work it records (0: the
/// overview, where the supports and obstacles are written).
pub fn screen_of(section: &str) -> u8 {
    match section {
        "etat-des-lieux" | "besoin-de-formation" => 1,
        "problematique" => 2,
        "objets" => 3,
        "actions" => 4,
        "ami-critique" | "journal" | "impact" => 5,
        _ => 0,
    }
}

/// The address of a screen of the launch.
pub fn screen_href(slug: &str, view: u8) -> String {
    match view {
        0 => format!("/territoires/{slug}/lancement"),
        n => format!("/territoires/{slug}/lancement/etape-{n}"),
    }
}

impl LaunchPage {
    /// The step shown, on a step's screen.
    pub fn shown(&self) -> Option<&StepView> {
        self.steps.iter().find(|s| s.number == self.view)
    }

    pub fn href(&self, view: u8) -> String {
        screen_href(&self.slug, view)
    }

    pub fn new(
        layout: Layout,
        territory: TerritorySummary,
        coordinator: bool,
        states: [StepState; 5],
        items: Vec<Item>,
        problem: Option<(Problem, Vec<i64>, i64)>,
        own: Vec<(String, String)>,
    ) -> Self {
        let merged = merge(&items);
        let (common, others): (Vec<Merged>, Vec<Merged>) =
            merged.into_iter().partition(|m| m.common);
        let mut specific: Vec<EstablishmentItems> = Vec::new();
        for m in others {
            let name = m.establishments.first().cloned().unwrap_or_default();
            let entry = (m.id, kind_label(m.kind), m.text);
            match specific.iter_mut().find(|e| e.name == name) {
                Some(e) => e.items.push(entry),
                None => specific.push(EstablishmentItems {
                    name,
                    items: vec![entry],
                }),
            }
        }
        specific.sort_by(|a, b| a.name.cmp(&b.name));
        let linked: Vec<i64> = problem
            .as_ref()
            .map(|(_, l, _)| l.clone())
            .unwrap_or_default();
        let answered = items
            .iter()
            .filter(|i| linked.contains(&i.id))
            .map(|i| (i.id, kind_label(i.kind), i.text.clone()))
            .collect();
        let problem_form = match &problem {
            Some((p, linked, _)) => ProblemForm {
                statement: p.statement.clone(),
                skills: p.skills.join("\n"),
                items: linked.clone(),
            },
            None => ProblemForm::default(),
        };
        let item_form = ItemForm {
            uai: own.first().map(|(u, _)| u.clone()).unwrap_or_default(),
            ..ItemForm::default()
        };
        Self {
            layout,
            name: territory.name,
            slug: territory.slug,
            coordinator,
            view: 0,
            steps: Step::ALL
                .into_iter()
                .zip(states)
                .map(|(step, state)| StepView {
                    number: step.number(),
                    title: step.title(),
                    how: step.how(),
                    state: state.code(),
                    state_label: state.label(),
                })
                .collect(),
            common,
            specific,
            item_count: items.len(),
            problem: problem.map(|(p, _, at)| (p, date_fr(at))),
            answered,
            own,
            notice: None,
            item_form,
            item_error: None,
            problem_form,
            problem_error: None,
            states: StepState::ALL.map(|s| (s.code(), s.label())),
            later: Later::default(),
            values: BTreeMap::new(),
            later_error: None,
        }
    }

    pub fn with_later(mut self, later: Later) -> Self {
        self.later = later;
        self
    }

    /// A field of the refused form of the later steps.
    pub fn v(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }

    pub fn publics(&self) -> Vec<(&'static str, &'static str)> {
        domain::observatories::visit::Public::ALL
            .iter()
            .map(|p| (p.code(), p.label()))
            .collect()
    }

    /// The error of the form of `section`, if it was refused.
    pub fn error_of(&self, section: &str) -> Option<&str> {
        self.later_error
            .as_ref()
            .filter(|(s, _)| s == section)
            .map(|(_, m)| m.as_str())
    }

    pub fn day(&self, day: &i64) -> String {
        crate::views::date_fr(day * 86_400)
    }

    pub fn day_opt(&self, day: &Option<i64>) -> String {
        day.map(|d| self.day(&d)).unwrap_or_default()
    }

    pub fn theme(&self, code: &str) -> &'static str {
        theme_label(code)
    }

    pub fn themes(&self) -> &'static [(&'static str, &'static str)] {
        &GROUP_THEMES
    }

    pub fn roles(&self) -> Vec<(&'static str, &'static str)> {
        FriendRole::ALL
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect()
    }

    pub fn role(&self, code: &str) -> &'static str {
        FriendRole::parse(code).map_or("", FriendRole::label)
    }

    pub fn categories(&self) -> &'static [(&'static str, &'static str)] {
        &SUPPORT_CATEGORIES
    }

    pub fn category(&self, code: &str) -> &'static str {
        support_label(code)
    }

    pub fn date(&self, at: &i64) -> String {
        date_fr(*at)
    }

    /// The items the problem statement may answer: common ones first, then the others.
    pub fn linkable(&self) -> Vec<(i64, &'static str, String)> {
        self.common
            .iter()
            .map(|m| (m.id, kind_label(m.kind), m.text.clone()))
            .chain(self.specific.iter().flat_map(|e| e.items.iter().cloned()))
            .collect()
    }
}
