//! The index's schema, the document made of a practice, and the search (over practices,
//! forum topics, or both: see `Scope`).

use domain::markdown;
use store::search_feed::PracticeDocument;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Order, Searcher, TantivyDocument, Term};

use crate::french::ANALYZER;

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    /// `practice:ID` or `topic:ID`: what a change replaces.
    pub key: Field,
    /// `practice` or `topic`.
    pub kind: Field,
    /// The space of a topic.
    pub space: Field,
    pub title: Field,
    pub summary: Field,
    pub body: Field,
    pub people: Field,
    pub tags: Field,
    pub facets: Field,
    /// Who may find the document: `public`, `platform`, `territory:ID`, `author:ID`,
    /// `space:ID`.
    pub access: Field,
    pub date: Field,
}

pub(crate) fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = |stored: bool| {
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let fields = Fields {
        id: builder.add_u64_field("id", INDEXED | STORED | FAST),
        key: builder.add_text_field("key", STRING),
        kind: builder.add_text_field("kind", STRING | STORED),
        space: builder.add_u64_field("space", INDEXED | STORED),
        title: builder.add_text_field("title", text(true)),
        summary: builder.add_text_field("summary", text(true)),
        body: builder.add_text_field("body", text(true)),
        people: builder.add_text_field("people", text(false)),
        tags: builder.add_text_field("tags", text(false)),
        facets: builder.add_facet_field("facets", FacetOptions::default()),
        access: builder.add_text_field("access", STRING),
        date: builder.add_i64_field("date", FAST | STORED),
    };
    (builder.build(), fields)
}

/// A facet of the search page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacetKind {
    Level,
    Subject,
    Skill,
    Territory,
    Video,
    Year,
}

pub const FACET_KINDS: [FacetKind; 6] = [
    FacetKind::Level,
    FacetKind::Subject,
    FacetKind::Skill,
    FacetKind::Territory,
    FacetKind::Video,
    FacetKind::Year,
];

impl FacetKind {
    /// The root of the facet in the index, and the name of its query parameter.
    pub fn code(self) -> &'static str {
        match self {
            Self::Level => "level",
            Self::Subject => "subject",
            Self::Skill => "skill",
            Self::Territory => "territory",
            Self::Video => "video",
            Self::Year => "year",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        FACET_KINDS.into_iter().find(|k| k.code() == code)
    }

    pub(crate) fn facet(self, value: &str) -> Facet {
        Facet::from_path([self.code(), value])
    }
}

/// A facet value the results must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub kind: FacetKind,
    pub value: String,
}

/// Who is searching: results are only what they may read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Viewer {
    pub person: Option<i64>,
    pub territories: Vec<i64>,
    /// The spaces they are a member of.
    pub spaces: Vec<i64>,
}

/// What kind of document is searched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scope {
    /// The practice library.
    #[default]
    Practices,
    /// Forum topics, of one space or of all.
    Topics { space: Option<i64> },
    /// Practices and topics together.
    All,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: String,
    pub filters: Vec<Filter>,
    pub offset: usize,
    pub limit: usize,
    pub scope: Scope,
}

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Practice,
    /// A forum topic of the space `space`.
    Topic {
        space: i64,
    },
}

impl DocumentKind {
    /// `practice` or `topic`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Practice => PRACTICE,
            Self::Topic { .. } => TOPIC,
        }
    }
}

/// The kinds of documents, as the change log names them.
pub(crate) const PRACTICE: &str = store::practices::DOCUMENT_KIND;
pub(crate) const TOPIC: &str = store::spaces::forum::DOCUMENT_KIND;

/// The index key of a document.
pub(crate) fn key(kind: &str, id: i64) -> String {
    format!("{kind}:{id}")
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: DocumentKind,
    pub id: i64,
    pub title: String,
    pub summary: String,
    /// The title with the words found in `<mark>`, HTML-escaped.
    pub title_html: Option<String>,
    /// A passage of the text with the words found in `<mark>`, HTML-escaped.
    pub snippet_html: Option<String>,
    /// Publication date (or last change, for drafts), seconds since the epoch.
    pub date: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub kind: FacetKind,
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Vec<FacetCount>,
}

/// The index document of a practice.
pub(crate) fn document(f: &Fields, p: &PracticeDocument) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.id, p.id as u64);
    doc.add_text(f.key, key(PRACTICE, p.id));
    doc.add_text(f.kind, PRACTICE);
    doc.add_text(f.title, &p.title);
    doc.add_text(f.summary, &p.summary);
    let mut body = markdown::to_text(&p.body_markdown);
    body.push('\n');
    body.push_str(&p.objectives);
    doc.add_text(f.body, &body);
    for name in &p.author_names {
        doc.add_text(f.people, name);
    }
    for (vocabulary, code) in &p.tags {
        let tag = domain::practices::Tag::parse(vocabulary, code);
        doc.add_text(f.tags, tag.as_ref().map_or(code.as_str(), |t| t.label()));
        let kind = match vocabulary.as_str() {
            "level" => FacetKind::Level,
            "subject" => FacetKind::Subject,
            "skill" => FacetKind::Skill,
            _ => continue,
        };
        doc.add_facet(f.facets, kind.facet(code));
    }
    if let Some(territory) = p.territory_id {
        doc.add_facet(f.facets, FacetKind::Territory.facet(&territory.to_string()));
    }
    if p.has_video {
        doc.add_facet(f.facets, FacetKind::Video.facet("oui"));
    }
    let date = p.published_at.unwrap_or(p.updated_at);
    if let Some(year) = year_of(date) {
        doc.add_facet(f.facets, FacetKind::Year.facet(&year.to_string()));
    }
    doc.add_i64(f.date, date);
    for author in &p.authors {
        doc.add_text(f.access, format!("author:{author}"));
    }
    if p.status == "published" {
        match p.visibility.as_str() {
            "public" => doc.add_text(f.access, "public"),
            "platform" => doc.add_text(f.access, "platform"),
            "territory" => {
                if let Some(t) = p.territory_id {
                    doc.add_text(f.access, format!("territory:{t}"));
                }
            }
            _ => {}
        }
    }
    doc
}

pub(crate) fn year_of(timestamp: i64) -> Option<i32> {
    time::OffsetDateTime::from_unix_timestamp(timestamp)
        .ok()
        .map(|d| d.year())
}

/// What the viewer may find, as a query on `access`.
fn access_query(f: &Fields, viewer: &Viewer) -> Option<Box<dyn Query>> {
    let mut keys = vec!["public".to_owned()];
    if let Some(person) = viewer.person {
        keys.push("platform".to_owned());
        keys.push(format!("author:{person}"));
        keys.extend(viewer.territories.iter().map(|t| format!("territory:{t}")));
        keys.extend(viewer.spaces.iter().map(|s| format!("space:{s}")));
    }
    let clauses = keys
        .into_iter()
        .map(|k| {
            let query: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(f.access, &k),
                IndexRecordOption::Basic,
            ));
            (Occur::Should, query)
        })
        .collect();
    Some(Box::new(BooleanQuery::new(clauses)))
}

pub(crate) fn search(
    searcher: &Searcher,
    f: &Fields,
    parser: &QueryParser,
    query: &SearchQuery,
    viewer: &Viewer,
) -> tantivy::Result<Results> {
    let text = query.text.trim();
    let text_query: Option<Box<dyn Query>> = if text.is_empty() {
        None
    } else {
        Some(parse(parser, text))
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(q) = &text_query {
        clauses.push((Occur::Must, q.box_clone()));
    }
    if let Some(access) = access_query(f, viewer) {
        clauses.push((Occur::Must, access));
    }
    let term = |field, text: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::Basic,
        ))
    };
    match query.scope {
        Scope::Practices => clauses.push((Occur::Must, term(f.kind, PRACTICE))),
        Scope::Topics { space } => {
            clauses.push((Occur::Must, term(f.kind, TOPIC)));
            if let Some(space) = space {
                clauses.push((
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_u64(f.space, space as u64),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        }
        Scope::All => {}
    }
    for kind in FACET_KINDS {
        let values: Vec<Box<dyn Query>> = query
            .filters
            .iter()
            .filter(|filter| filter.kind == kind)
            .map(|filter| {
                Box::new(TermQuery::new(
                    Term::from_facet(f.facets, &kind.facet(&filter.value)),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>
            })
            .collect();
        if !values.is_empty() {
            let any = values.into_iter().map(|q| (Occur::Should, q)).collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
    }
    let full: Box<dyn Query> = if clauses.is_empty() {
        Box::new(AllQuery)
    } else {
        if text_query.is_none() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Box::new(BooleanQuery::new(clauses))
    };
    let mut facets = FacetCollector::for_field("facets");
    for kind in FACET_KINDS {
        facets.add_facet(Facet::from_path([kind.code()]));
    }
    let limit = query.limit.clamp(1, 100);
    let top = TopDocs::with_limit(limit).and_offset(query.offset);
    let (addresses, total, facet_counts) = if text_query.is_some() {
        let (scored, total, facet_counts) =
            searcher.search(&full, &(top.order_by_score(), Count, facets))?;
        (
            scored.into_iter().map(|(_, a)| a).collect::<Vec<_>>(),
            total,
            facet_counts,
        )
    } else {
        let (dated, total, facet_counts) = searcher.search(
            &full,
            &(
                top.order_by_fast_field::<i64>("date", Order::Desc),
                Count,
                facets,
            ),
        )?;
        (
            dated.into_iter().map(|(_, a)| a).collect(),
            total,
            facet_counts,
        )
    };
    let generators = match &text_query {
        Some(q) => {
            let mut title = SnippetGenerator::create(searcher, &**q, f.title)?;
            title.set_max_num_chars(400);
            let mut body = SnippetGenerator::create(searcher, &**q, f.body)?;
            body.set_max_num_chars(240);
            Some((title, body))
        }
        None => None,
    };
    let mut hits = Vec::with_capacity(addresses.len());
    for address in addresses {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text_of = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let (title_html, snippet_html) = match &generators {
            Some((title, body)) => (
                highlighted(title.snippet_from_doc(&doc)),
                highlighted(body.snippet_from_doc(&doc)),
            ),
            None => (None, None),
        };
        let kind = match doc.get_first(f.kind).and_then(|v| v.as_str()) {
            Some(TOPIC) => DocumentKind::Topic {
                space: doc
                    .get_first(f.space)
                    .and_then(|v| v.as_u64())
                    .unwrap_or_default() as i64,
            },
            _ => DocumentKind::Practice,
        };
        hits.push(Hit {
            kind,
            id: doc
                .get_first(f.id)
                .and_then(|v| v.as_u64())
                .unwrap_or_default() as i64,
            title: text_of(f.title),
            summary: text_of(f.summary),
            title_html,
            snippet_html,
            date: doc
                .get_first(f.date)
                .and_then(|v| v.as_i64())
                .unwrap_or_default(),
        });
    }
    let mut counts = Vec::new();
    for kind in FACET_KINDS {
        for (facet, count) in facet_counts.get(Facet::from_path([kind.code()])) {
            if let Some(value) = facet.to_path().last() {
                counts.push(FacetCount {
                    kind,
                    value: (*value).to_owned(),
                    count,
                });
            }
        }
    }
    Ok(Results {
        total,
        hits,
        facets: counts,
    })
}

/// The query of what a person typed: words (all must match) and "quoted phrases"; the
/// query language's operators are read as plain words, so no input is ever an error.
fn parse(parser: &QueryParser, text: &str) -> Box<dyn Query> {
    let phrases = text.matches('"').count().is_multiple_of(2);
    let words: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || (phrases && c == '"') {
                c
            } else {
                ' '
            }
        })
        .collect();
    parser.parse_query_lenient(&words.to_lowercase()).0
}

fn highlighted(mut snippet: tantivy::snippet::Snippet) -> Option<String> {
    if snippet.is_empty() {
        return None;
    }
    snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
    Some(snippet.to_html())
}
