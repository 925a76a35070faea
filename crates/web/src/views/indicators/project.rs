//! The strategic projects and one project's tree with its indicators.

use askama::Template;
use domain::indicators::metrics::{METRICS, Scope};
use domain::indicators::project::{Node, tree};
use store::indicators::project::{Indicator, Project};

use crate::app::indicators::path_of;
use crate::views::Layout;
use crate::views::directory::Choice;

#[derive(Template)]
#[template(path = "indicators/projects.html")]
pub struct ProjectsPage {
    pub layout: Layout,
    /// `(code, académie, title)`.
    pub projects: Vec<(String, String, String)>,
    /// The académies a new project may be opened for (administrators).
    pub academies: Vec<Choice>,
    pub error: Option<String>,
}

pub struct IndicatorItem {
    pub id: i64,
    pub name: String,
    pub how: String,
}

pub struct NodeItem {
    pub id: i64,
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub indicators: Vec<IndicatorItem>,
}

pub struct ObjectiveItem {
    pub node: NodeItem,
    pub levers: Vec<NodeItem>,
    pub criteria: Vec<NodeItem>,
}

pub struct AxisItem {
    pub node: NodeItem,
    pub objectives: Vec<ObjectiveItem>,
}

#[derive(Template)]
#[template(path = "indicators/project.html")]
pub struct ProjectPage {
    pub layout: Layout,
    pub code: String,
    pub academie: String,
    pub title: String,
    pub summary: String,
    pub axes: Vec<AxisItem>,
    /// Indicators attached to no criterion (theirs was removed).
    pub loose: Vec<IndicatorItem>,
    pub metrics: Vec<Choice>,
    pub edit: bool,
    pub dashboard: String,
    pub error: Option<String>,
}

fn indicator_item(i: &Indicator) -> IndicatorItem {
    IndicatorItem {
        id: i.id,
        name: i.name.clone(),
        how: match i.metric {
            Some(m) => format!("calculé par la plateforme : {}", m.label().to_lowercase()),
            None => format!("saisi à la main ; source : {}", i.source),
        },
    }
}

impl ProjectPage {
    pub fn new(
        layout: Layout,
        project: Project,
        indicators: Vec<Indicator>,
        edit: bool,
        error: Option<String>,
    ) -> Self {
        let item = |n: &Node| NodeItem {
            id: n.id,
            kind: n.kind.label(),
            title: n.title.clone(),
            description: n.description.clone(),
            indicators: indicators
                .iter()
                .filter(|i| i.criterion == Some(n.id))
                .map(indicator_item)
                .collect(),
        };
        let axes = tree(project.nodes.clone())
            .iter()
            .map(|a| AxisItem {
                node: item(&a.node),
                objectives: a
                    .objectives
                    .iter()
                    .map(|o| ObjectiveItem {
                        node: item(&o.node),
                        levers: o.levers.iter().map(item).collect(),
                        criteria: o.criteria.iter().map(item).collect(),
                    })
                    .collect(),
            })
            .collect();
        let placed: Vec<i64> = project.nodes.iter().map(|n| n.id).collect();
        Self {
            layout,
            dashboard: path_of(&Scope::Academie(project.academie_code.clone())),
            code: project.academie_code,
            academie: project.academie,
            title: project.title,
            summary: project.summary,
            axes,
            loose: indicators
                .iter()
                .filter(|i| i.criterion.is_none_or(|c| !placed.contains(&c)))
                .map(indicator_item)
                .collect(),
            metrics: METRICS
                .iter()
                .map(|m| Choice {
                    value: m.code().to_owned(),
                    label: m.label().to_owned(),
                    selected: false,
                })
                .collect(),
            edit,
            error,
        }
    }
}
