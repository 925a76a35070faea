use std::collections::BTreeMap;

use askama::Template;
use domain::ids::StepId;
use domain::observatories::visit::Public;
use domain::training::modules::duration_fr;
use domain::training::paths::{Standing, StepKind};
use store::training::paths::{Follower, Path, Progress, Step};

use crate::views::{Layout, date_fr};

/// A path in a list.
pub struct PathSummary {
    pub id: i64,
    pub title: String,
    pub public: &'static str,
    pub steps: usize,
    pub duration: String,
    pub published: bool,
    pub themes: String,
}

impl From<&Path> for PathSummary {
    fn from(p: &Path) -> Self {
        Self {
            id: p.id.0,
            title: p.title.clone(),
            public: p.public.label(),
            steps: p.steps.len(),
            duration: duration_fr(p.minutes() * 60),
            published: p.published,
            themes: p.themes.join(", "),
        }
    }
}

#[derive(Template)]
#[template(path = "training/paths.html")]
pub struct PathsPage {
    pub layout: Layout,
    pub published: Vec<PathSummary>,
    pub drafts: Vec<PathSummary>,
    pub suggested: Vec<PathSummary>,
    /// Paths followed: id, title, completed.
    pub followed: Vec<(i64, String, bool)>,
    pub composer: bool,
}

impl PathsPage {
    pub fn new(
        layout: Layout,
        all: Vec<Path>,
        suggested: Vec<Path>,
        followed: Vec<(i64, String, bool)>,
        composer: bool,
    ) -> Self {
        let (published, drafts): (Vec<&Path>, Vec<&Path>) = all.iter().partition(|p| p.published);
        Self {
            layout,
            published: published.into_iter().map(PathSummary::from).collect(),
            drafts: drafts.into_iter().map(PathSummary::from).collect(),
            suggested: suggested.iter().map(PathSummary::from).collect(),
            followed,
            composer,
        }
    }
}

#[derive(Template)]
#[template(path = "training/path_form.html")]
pub struct NewPathPage {
    pub layout: Layout,
    /// The published paths that may be asked for first: id, title.
    pub published: Vec<(i64, String)>,
    pub publics: Vec<(&'static str, &'static str)>,
    pub values: BTreeMap<String, String>,
    pub error: Option<String>,
}

impl NewPathPage {
    pub fn new(
        layout: Layout,
        published: Vec<Path>,
        values: BTreeMap<String, String>,
        error: Option<String>,
    ) -> Self {
        Self {
            layout,
            published: published
                .into_iter()
                .filter(|p| p.published)
                .map(|p| (p.id.0, p.title))
                .collect(),
            publics: Public::ALL.iter().map(|p| (p.code(), p.label())).collect(),
            values,
            error,
        }
    }

    pub fn typed(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }
}

pub struct StepRow {
    pub id: i64,
    pub position: i64,
    pub kind: &'static str,
    pub title: String,
    pub minutes: i64,
    pub done: bool,
}

fn rows(steps: &[Step], done: &[i64]) -> Vec<StepRow> {
    steps
        .iter()
        .map(|s| StepRow {
            id: s.id.0,
            position: s.position,
            kind: s.kind.label(),
            title: s.title.clone(),
            minutes: s.minutes,
            done: done.contains(&s.id.0),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "training/path.html")]
pub struct PathPage {
    pub layout: Layout,
    pub path: PathSummary,
    pub summary_html: String,
    pub subjects: String,
    pub levels: String,
    pub author_name: Option<String>,
    pub prerequisites: Vec<(i64, String)>,
    pub steps: Vec<StepRow>,
    pub author: bool,
    pub started: bool,
    pub completed: Option<String>,
    pub done: usize,
    pub percent: usize,
    /// Where the person resumes.
    pub resume: Option<i64>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub values: BTreeMap<String, String>,
}

impl PathPage {
    pub fn new(layout: Layout, path: Path, author: bool, progress: Option<Progress>) -> Self {
        let done = progress
            .as_ref()
            .map(|p| p.done.clone())
            .unwrap_or_default();
        let standing = Standing::of(&path.step_ids(), &done);
        Self {
            layout,
            summary_html: domain::markdown::to_html(&path.summary),
            subjects: path.subjects.join(", "),
            levels: path.levels.join(", "),
            author_name: path.author.as_ref().map(|(_, n)| n.clone()),
            prerequisites: path.prerequisites.clone(),
            steps: rows(&path.steps, &done),
            path: PathSummary::from(&path),
            author,
            started: progress.is_some(),
            completed: progress.as_ref().and_then(|p| p.completed_at).map(date_fr),
            done: standing.done,
            percent: standing.percent(),
            resume: standing.resume,
            kinds: StepKind::ALL
                .iter()
                .map(|k| (k.code(), k.label()))
                .collect(),
            notice: None,
            error: None,
            values: BTreeMap::new(),
        }
    }

    pub fn typed(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }
}

#[derive(Template)]
#[template(path = "training/step.html")]
pub struct StepPage {
    pub layout: Layout,
    pub path_id: i64,
    pub path_title: String,
    pub step: StepRow,
    pub total: usize,
    pub body_html: String,
    pub practice: Option<(i64, String)>,
    pub capsule: bool,
    pub url: String,
    pub note: String,
    pub previous: Option<i64>,
    pub next: Option<i64>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

impl StepPage {
    /// The step `id` of `path` as the person following it sees it (none: not of this path).
    pub fn new(
        layout: Layout,
        path: Path,
        id: StepId,
        progress: &Progress,
        refused: Option<(String, String)>,
    ) -> Option<Self> {
        let at = path.steps.iter().position(|s| s.id == id)?;
        let step = &path.steps[at];
        let saved = progress
            .notes
            .iter()
            .find(|(s, _)| *s == id.0)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        let (note, error) = match refused {
            Some((typed, message)) => (typed, Some(message)),
            None => (saved, None),
        };
        Some(Self {
            layout,
            path_id: path.id.0,
            path_title: path.title.clone(),
            step: rows(std::slice::from_ref(step), &progress.done).remove(0),
            total: path.steps.len(),
            body_html: domain::markdown::to_html(&step.body),
            practice: step.practice.clone(),
            capsule: step.kind == StepKind::Capsule,
            url: step.url.clone(),
            note,
            previous: at.checked_sub(1).map(|p| path.steps[p].id.0),
            next: path.steps.get(at + 1).map(|s| s.id.0),
            notice: None,
            error,
        })
    }
}

pub struct FollowerRow {
    pub name: String,
    pub done: i64,
    pub started: String,
    pub active: String,
    pub completed: Option<String>,
}

#[derive(Template)]
#[template(path = "training/cohort.html")]
pub struct CohortPage {
    pub layout: Layout,
    pub path_id: i64,
    pub title: String,
    pub total: usize,
    pub followers: Vec<FollowerRow>,
    pub completed: usize,
}

impl CohortPage {
    pub fn new(layout: Layout, path: Path, followers: Vec<Follower>) -> Self {
        Self {
            layout,
            path_id: path.id.0,
            title: path.title.clone(),
            total: path.steps.len(),
            completed: followers
                .iter()
                .filter(|f| f.completed_at.is_some())
                .count(),
            followers: followers
                .into_iter()
                .map(|f| FollowerRow {
                    name: f.name,
                    done: f.done,
                    started: date_fr(f.started_at),
                    active: date_fr(f.updated_at),
                    completed: f.completed_at.map(date_fr),
                })
                .collect(),
        }
    }
}
