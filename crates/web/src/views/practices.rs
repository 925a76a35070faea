//! Pages of the practice library.

use askama::Template;
use domain::accounts::Function;
use domain::practices::consent::{Appearance, french_date};
use domain::practices::diff::{self, LineChange};
use domain::practices::{
    LICENCES, Licence, Status, VISIBILITIES, VOCABULARIES, Visibility, Vocabulary,
};
use search::{FacetKind, Filter, Results, SearchQuery};
use store::practices::media::MediaDetail;
use store::practices::{
    Comment, Notification, Practice, PracticeDetail, PracticeSummary, Trial, Version,
};
use store::territories::TerritorySummary;

use super::{Layout, date_fr, rfc3339, thousands};

pub const PER_PAGE: usize = 20;

/// The query string of the search page: `?q=…&level=cycle-3&subject=…&page=2`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub level: Vec<String>,
    #[serde(default)]
    pub subject: Vec<String>,
    #[serde(default)]
    pub skill: Vec<String>,
    #[serde(default)]
    pub territory: Vec<String>,
    #[serde(default)]
    pub video: Vec<String>,
    #[serde(default)]
    pub year: Vec<String>,
    #[serde(default)]
    pub page: Option<usize>,
}

impl SearchParams {
    /// Reads a query string; what cannot be read is ignored rather than refused.
    pub fn parse(raw: &str) -> Self {
        serde_html_form::from_str(raw).unwrap_or_else(|_| Self {
            q: serde_html_form::from_str::<QOnly>(raw)
                .map(|q| q.q)
                .unwrap_or_default(),
            ..Self::default()
        })
    }

    fn values(&self, kind: FacetKind) -> &[String] {
        match kind {
            FacetKind::Level => &self.level,
            FacetKind::Subject => &self.subject,
            FacetKind::Skill => &self.skill,
            FacetKind::Territory => &self.territory,
            FacetKind::Video => &self.video,
            FacetKind::Year => &self.year,
        }
    }

    pub fn page(&self) -> usize {
        self.page.unwrap_or(1).clamp(1, 500)
    }

    pub fn to_query(&self) -> SearchQuery {
        let mut filters = Vec::new();
        for kind in FACET_ORDER {
            for value in self.values(kind) {
                if !value.is_empty() {
                    filters.push(Filter {
                        kind,
                        value: value.clone(),
                    });
                }
            }
        }
        SearchQuery {
            text: self.q.clone(),
            filters,
            offset: (self.page() - 1) * PER_PAGE,
            limit: PER_PAGE,
            scope: search::Scope::Practices,
        }
    }

    /// The query string of the same search at another page.
    fn with_page(&self, page: usize) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("q", self.q.clone())];
        for kind in FACET_ORDER {
            for value in self.values(kind) {
                pairs.push((kind.code(), value.clone()));
            }
        }
        pairs.push(("page", page.to_string()));
        serde_html_form::to_string(&pairs).unwrap_or_default()
    }
}

#[derive(serde::Deserialize)]
struct QOnly {
    #[serde(default)]
    q: String,
}

const FACET_ORDER: [FacetKind; 6] = [
    FacetKind::Level,
    FacetKind::Subject,
    FacetKind::Skill,
    FacetKind::Territory,
    FacetKind::Video,
    FacetKind::Year,
];

fn facet_label(kind: FacetKind) -> &'static str {
    match kind {
        FacetKind::Level => "Cycle ou niveau",
        FacetKind::Subject => "Discipline",
        FacetKind::Skill => "Compétence du XXIe siècle",
        FacetKind::Territory => "Territoire",
        FacetKind::Video => "Avec vidéo",
        FacetKind::Year => "Année de publication",
    }
}

pub struct FacetOption {
    pub id: String,
    pub value: String,
    pub label: String,
    pub count: String,
    pub checked: bool,
}

pub struct FacetGroup {
    pub code: &'static str,
    pub label: &'static str,
    pub options: Vec<FacetOption>,
}

pub struct HitView {
    pub id: i64,
    pub title: String,
    pub title_html: Option<String>,
    pub snippet_html: Option<String>,
    pub summary: String,
    pub date: String,
}

#[derive(Template)]
#[template(path = "practices/search.html")]
pub struct SearchPage {
    pub layout: Layout,
    pub q: String,
    pub total: String,
    pub count: usize,
    pub hits: Vec<HitView>,
    pub facets: Vec<FacetGroup>,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub page: usize,
    pub signed_in: bool,
}

impl SearchPage {
    pub fn new(
        layout: Layout,
        params: SearchParams,
        results: Results,
        territories: &[TerritorySummary],
        signed_in: bool,
    ) -> Self {
        let page = params.page();
        let mut facets = Vec::new();
        for kind in FACET_ORDER {
            let chosen = params.values(kind);
            let mut options: Vec<FacetOption> = results
                .facets
                .iter()
                .filter(|f| f.kind == kind)
                .map(|f| {
                    let label = match kind {
                        FacetKind::Level => {
                            Vocabulary::Level.term_label(&f.value).map(str::to_owned)
                        }
                        FacetKind::Subject => {
                            Vocabulary::Subject.term_label(&f.value).map(str::to_owned)
                        }
                        FacetKind::Skill => {
                            Vocabulary::Skill.term_label(&f.value).map(str::to_owned)
                        }
                        FacetKind::Territory => territories
                            .iter()
                            .find(|t| t.id.to_string() == f.value)
                            .map(|t| t.name.clone()),
                        FacetKind::Video => Some("Avec une vidéo".to_owned()),
                        FacetKind::Year => Some(f.value.clone()),
                    };
                    FacetOption {
                        id: format!("{}-{}", kind.code(), f.value),
                        checked: chosen.contains(&f.value),
                        label: label.unwrap_or_else(|| f.value.clone()),
                        value: f.value.clone(),
                        count: thousands(f.count as i64),
                    }
                })
                .collect();
            if kind == FacetKind::Year {
                options.sort_by(|a, b| b.value.cmp(&a.value));
            } else {
                options.sort_by(|a, b| a.label.cmp(&b.label));
            }
            if !options.is_empty() {
                facets.push(FacetGroup {
                    code: kind.code(),
                    label: facet_label(kind),
                    options,
                });
            }
        }
        let shown_until = (page - 1) * PER_PAGE + results.hits.len();
        Self {
            layout,
            total: thousands(results.total as i64),
            count: results.total,
            hits: results
                .hits
                .into_iter()
                .map(|h| HitView {
                    id: h.id,
                    title: h.title,
                    title_html: h.title_html,
                    snippet_html: h.snippet_html,
                    summary: h.summary,
                    date: date_fr(h.date),
                })
                .collect(),
            facets,
            previous: (page > 1).then(|| params.with_page(page - 1)),
            next: (shown_until < results.total).then(|| params.with_page(page + 1)),
            page,
            q: params.q,
            signed_in,
        }
    }
}

pub struct TagView {
    pub vocabulary: &'static str,
    pub label: String,
    pub key: String,
    pub followed: bool,
}

pub struct AuthorView {
    pub name: String,
    pub function: &'static str,
    pub key: String,
    pub followed: bool,
}

pub struct MediaView {
    pub id: i64,
    /// A video's title comes from its practice (« Vidéo — … »); other files show their name.
    pub title: String,
    /// The file's name, as uploaded (secondary for a video).
    pub name: String,
    pub size: String,
    pub video: bool,
    pub image: bool,
    pub poster: bool,
    pub captions: Vec<(String, String)>,
    /// Where the video or file is at, when it is not simply ready.
    pub note: Option<String>,
    pub appearance: &'static str,
    pub pupils: bool,
    /// The consent, summed up, for a video showing pupils.
    pub consent: Option<String>,
    pub withdrawn: bool,
    pub duration: Option<String>,
}

impl MediaView {
    pub fn new(d: MediaDetail) -> Self {
        let m = d.media;
        let title = d.title;
        let note = match m.state.as_str() {
            "queued" | "processing" => Some(
                "Conversion de la vidéo en cours : la version d'origine est diffusée en attendant."
                    .to_owned(),
            ),
            "original" | "failed" => Some(m.state_message.clone()),
            _ => None,
        };
        let appearance = m.appearance();
        Self {
            id: m.id,
            title,
            size: file_size(m.size),
            video: m.kind == "video",
            image: m.kind == "image",
            poster: m.poster_key.is_some(),
            captions: d.captions.into_iter().map(|c| (c.lang, c.label)).collect(),
            note,
            appearance: appearance.map_or("", Appearance::label),
            pupils: appearance == Some(Appearance::Pupils),
            consent: d.consent.map(|c| {
                format!(
                    "{} élève(s), autorisations conservées par {}, recueillies le {}, portée « {} », valables jusqu'au {}",
                    c.pupils,
                    c.keeper,
                    french_date(c.collected_on),
                    c.scope.short_label(),
                    french_date(c.expires_on)
                )
            }),
            withdrawn: m.withdrawn_at.is_some(),
            duration: m.duration_ms.map(|ms| {
                let s = ms / 1000;
                format!("{} min {:02} s", s / 60, s % 60)
            }),
            name: m.name,
        }
    }
}

fn file_size(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 * 1024 => format!("{:.1} Go", b as f64 / (1024.0 * 1024.0 * 1024.0)),
        b if b >= 1024 * 1024 => format!("{:.1} Mo", b as f64 / (1024.0 * 1024.0)),
        b => format!("{} ko", (b + 1023) / 1024),
    }
    .replace('.', ",")
}

pub struct CommentView {
    pub author: String,
    pub body: String,
    pub date: String,
}

pub struct TrialView {
    pub person: String,
    pub place: Option<String>,
    pub date: String,
    pub adaptations: String,
    pub outcome: String,
}

/// OpenGraph metadata of a public practice.
pub struct OpenGraph {
    pub title: String,
    pub description: String,
    pub url: String,
}

#[derive(Template)]
#[template(path = "practices/show.html")]
pub struct PracticePage {
    pub layout: Layout,
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub body_html: String,
    pub objectives: String,
    pub class_size: Option<i64>,
    pub draft: bool,
    pub status: &'static str,
    pub visibility: &'static str,
    pub licence: &'static str,
    pub licence_url: Option<&'static str>,
    pub authors: Vec<AuthorView>,
    pub establishments: Vec<(String, String, String)>,
    pub territory: Option<(String, String, String, bool)>,
    pub tags: Vec<TagView>,
    pub published: Option<String>,
    pub updated: String,
    pub version: i64,
    pub can_edit: bool,
    pub can_contribute: bool,
    pub bookmarked: bool,
    pub comments: Vec<CommentView>,
    pub trials: Vec<TrialView>,
    pub og: Option<OpenGraph>,
    pub today: String,
    pub media: Vec<MediaView>,
    /// The exceptional accesses opened to it, for its authors.
    pub exceptional: Vec<super::accounts::ExceptionalRow>,
    /// Why a draft cannot be published yet (its authors see it instead of « Publier »).
    pub unpublishable: Option<String>,
}

impl PracticePage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        layout: Layout,
        public_url: &str,
        detail: PracticeDetail,
        comments: Vec<Comment>,
        trials: Vec<Trial>,
        bookmarked: bool,
        followed: Vec<String>,
        can_edit: bool,
        can_contribute: bool,
        media: Vec<MediaDetail>,
    ) -> Self {
        let p = detail.practice;
        let licence = Licence::from_code(&p.licence).unwrap_or(Licence::AllRightsReserved);
        let status = p.status();
        let visibility = p.visibility();
        let og =
            (status == Status::Published && visibility == Visibility::Public).then(|| OpenGraph {
                title: p.title.clone(),
                description: p.summary.clone(),
                url: format!("{}/pratiques/{}", public_url.trim_end_matches('/'), p.id),
            });
        let is_followed = |key: &str| followed.iter().any(|f| f == key);
        Self {
            layout,
            id: p.id,
            body_html: domain::markdown::to_html(&p.body_markdown),
            title: p.title,
            summary: p.summary,
            objectives: p.objectives,
            class_size: p.class_size,
            draft: status == Status::Draft,
            status: status.label(),
            visibility: visibility.short_label(),
            licence: licence.label(),
            licence_url: licence.url(),
            authors: detail
                .authors
                .into_iter()
                .map(|a| {
                    let key = format!("person:{}", a.id);
                    AuthorView {
                        followed: is_followed(&key),
                        function: Function::parse(&a.function).map_or("", Function::label),
                        name: a.name,
                        key,
                    }
                })
                .collect(),
            establishments: detail
                .establishments
                .into_iter()
                .map(|e| (e.uai, e.name, e.commune_name))
                .collect(),
            territory: detail.territory.map(|t| {
                let key = format!("territory:{}", t.id);
                (t.slug, t.name, key.clone(), is_followed(&key))
            }),
            tags: detail
                .tags
                .iter()
                .map(|t| {
                    let key = format!("tag:{}:{}", t.vocabulary.code(), t.code);
                    TagView {
                        vocabulary: t.vocabulary.label(),
                        label: t.label().to_owned(),
                        followed: is_followed(&key),
                        key,
                    }
                })
                .collect(),
            published: p.published_at.map(date_fr),
            updated: date_fr(p.updated_at),
            version: p.version,
            can_edit,
            can_contribute,
            bookmarked,
            comments: comments
                .into_iter()
                .map(|c| CommentView {
                    author: c.author,
                    body: c.body,
                    date: date_fr(c.created_at),
                })
                .collect(),
            trials: trials
                .into_iter()
                .map(|t| TrialView {
                    person: t.person,
                    place: t.establishment.map(|e| match t.commune {
                        Some(c) => format!("{e} ({c})"),
                        None => e,
                    }),
                    date: domain::practices::consent::parse_date(&t.tried_on, "")
                        .map(domain::practices::consent::french_date)
                        .unwrap_or(t.tried_on),
                    adaptations: t.adaptations,
                    outcome: t.outcome,
                })
                .collect(),
            og,
            today: domain::practices::consent::format_date(time::OffsetDateTime::now_utc().date()),
            media: media
                .into_iter()
                .filter(|m| can_edit || m.media.withdrawn_at.is_none())
                .map(MediaView::new)
                .collect(),
            exceptional: Vec::new(),
            unpublishable: None,
        }
    }
}

/// What the practice form shows in its fields.
#[derive(Debug, Clone, Default)]
pub struct FormValues {
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub objectives: String,
    pub class_size: String,
    pub licence: String,
    pub visibility: String,
    pub territory: Option<i64>,
    /// `(vocabulary, code)` of the controlled vocabularies.
    pub tags: Vec<(String, String)>,
    pub free_tags: String,
    pub coauthors: String,
    pub establishments: String,
}

pub struct Choice {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct VocabularyChoices {
    pub code: &'static str,
    pub label: &'static str,
    pub choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "practices/form.html")]
pub struct PracticeFormPage {
    pub layout: Layout,
    pub action: String,
    /// The practice being edited (none for a new one).
    pub editing: Option<i64>,
    pub values: FormValues,
    pub error_field: &'static str,
    pub error: Option<String>,
    pub preview: Option<String>,
    pub licences: Vec<Choice>,
    pub visibilities: Vec<Choice>,
    pub territories: Vec<(i64, String, bool)>,
    pub vocabularies: Vec<VocabularyChoices>,
    /// A draft being edited saves itself as it is written (front/practice.js): the time it was
    /// last saved, against which the browser's copy of unsaved text is checked.
    pub autosave: Option<i64>,
    /// A published practice is edited: each save makes a version.
    pub published: bool,
}

impl PracticeFormPage {
    pub fn new(
        layout: Layout,
        editing: Option<i64>,
        values: FormValues,
        error: Option<domain::practices::FieldError>,
        preview: Option<String>,
        territories: Vec<(i64, String)>,
    ) -> Self {
        let vocabularies = VOCABULARIES
            .into_iter()
            .filter(|v| *v != Vocabulary::Free)
            .map(|v| VocabularyChoices {
                code: v.code(),
                label: v.label(),
                choices: v
                    .terms()
                    .iter()
                    .map(|(code, label)| Choice {
                        id: format!("tag-{}-{code}", v.code()),
                        value: (*code).to_owned(),
                        label: (*label).to_owned(),
                        checked: values
                            .tags
                            .iter()
                            .any(|(tv, tc)| tv == v.code() && tc == code),
                    })
                    .collect(),
            })
            .collect();
        Self {
            layout,
            action: editing.map_or_else(
                || "/pratiques".to_owned(),
                |id| format!("/pratiques/{id}/modifier"),
            ),
            editing,
            licences: LICENCES
                .into_iter()
                .map(|l| Choice {
                    id: format!("licence-{}", l.code()),
                    value: l.code().to_owned(),
                    label: l.label().to_owned(),
                    checked: values.licence == l.code(),
                })
                .collect(),
            visibilities: VISIBILITIES
                .into_iter()
                .map(|v| Choice {
                    id: format!("visibility-{}", v.code()),
                    value: v.code().to_owned(),
                    label: v.label().to_owned(),
                    checked: values.visibility == v.code(),
                })
                .collect(),
            territories: territories
                .into_iter()
                .map(|(id, name)| (id, name, values.territory == Some(id)))
                .collect(),
            vocabularies,
            error_field: error.as_ref().map_or("", |e| e.field),
            error: error.map(|e| crate::error::sentence(&e.message)),
            preview,
            values,
            autosave: None,
            published: false,
        }
    }

    /// The DSFR error class of a field's group, when the error is about it.
    pub fn group_class(&self, field: &str) -> &'static str {
        if self.error_field == field {
            "fr-input-group--error"
        } else {
            ""
        }
    }
}

pub struct DiffLineView {
    pub change: &'static str,
    pub text: String,
}

pub struct VersionView {
    pub version: i64,
    pub date: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "practices/versions.html")]
pub struct VersionsPage {
    pub layout: Layout,
    pub id: i64,
    pub title: String,
    pub versions: Vec<VersionView>,
    pub from: i64,
    pub to: i64,
    /// The compared versions' lines, when both exist.
    pub diff: Option<Vec<DiffLineView>>,
}

impl VersionsPage {
    pub fn new(
        layout: Layout,
        detail: &PracticeDetail,
        versions: Vec<Version>,
        from: i64,
        to: i64,
    ) -> Self {
        let text = |v: &Version| {
            format!(
                "# {}\n\n{}\n\n{}\n\n{}\n",
                v.title, v.summary, v.body_markdown, v.objectives
            )
        };
        let old = versions.iter().find(|v| v.version == from);
        let new = versions.iter().find(|v| v.version == to);
        let diff = match (old, new) {
            (Some(old), Some(new)) => Some(
                diff::lines(&text(old), &text(new))
                    .into_iter()
                    .map(|l| DiffLineView {
                        change: match l.change {
                            LineChange::Same => "same",
                            LineChange::Removed => "removed",
                            LineChange::Added => "added",
                        },
                        text: l.text,
                    })
                    .collect(),
            ),
            _ => None,
        };
        Self {
            layout,
            id: detail.practice.id,
            title: detail.practice.title.clone(),
            versions: versions
                .into_iter()
                .map(|v| VersionView {
                    version: v.version,
                    date: date_fr(v.published_at),
                    by: v.published_by.unwrap_or_default(),
                })
                .collect(),
            from,
            to,
            diff,
        }
    }
}

pub struct SummaryView {
    pub id: i64,
    pub title: String,
    pub status: &'static str,
    pub visibility: &'static str,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "practices/mine.html")]
pub struct MinePage {
    pub layout: Layout,
    pub written: Vec<SummaryView>,
    pub bookmarked: Vec<(i64, String)>,
}

impl MinePage {
    pub fn new(
        layout: Layout,
        written: Vec<PracticeSummary>,
        bookmarked: Vec<(i64, String)>,
    ) -> Self {
        Self {
            layout,
            written: written
                .into_iter()
                .map(|p| SummaryView {
                    id: p.id,
                    title: p.title,
                    status: Status::from_code(&p.status).map_or("", Status::label),
                    visibility: Visibility::from_code(&p.visibility)
                        .map_or("", Visibility::short_label),
                    updated: date_fr(p.updated_at),
                })
                .collect(),
            bookmarked,
        }
    }
}

pub struct NotificationView {
    pub message: String,
    pub link: String,
    pub date: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "practices/notifications.html")]
pub struct NotificationsPage {
    pub layout: Layout,
    pub notifications: Vec<NotificationView>,
    pub digest: bool,
}

impl NotificationsPage {
    pub fn new(layout: Layout, notifications: Vec<Notification>, digest: bool) -> Self {
        Self {
            layout,
            notifications: notifications
                .into_iter()
                .map(|n| NotificationView {
                    message: n.message,
                    link: n.link,
                    date: date_fr(n.created_at),
                    unread: n.read_at.is_none(),
                })
                .collect(),
            digest,
        }
    }
}

pub struct FeedEntry {
    pub url: String,
    pub title: String,
    pub summary: String,
    pub published: String,
    pub updated: String,
}

impl FeedEntry {
    pub fn new(base: &str, p: Practice) -> Self {
        Self {
            url: format!("{base}/pratiques/{}", p.id),
            title: p.title,
            summary: p.summary,
            published: rfc3339(p.published_at.unwrap_or(p.created_at)),
            updated: rfc3339(p.updated_at),
        }
    }
}

#[derive(Template)]
#[template(path = "practices/feed.xml")]
pub struct FeedPage {
    pub base: String,
    pub updated: String,
    pub entries: Vec<FeedEntry>,
}
