use askama::Template;
use domain::territories::launch::{Item, ItemKind, Merged, Problem, Step, StepState, merge};
use store::territories::TerritorySummary;

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
}

fn kind_label(kind: ItemKind) -> &'static str {
    kind.label()
}

impl LaunchPage {
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
        }
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
