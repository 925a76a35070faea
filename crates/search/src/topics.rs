//! Forum topics in the index: one document per topic, with its visible messages, found by
//! the members of its space (and by everyone the space's visibility lets in).

use domain::markdown;
use store::search_feed::TopicDocument;
use tantivy::TantivyDocument;

use crate::practices::{FacetKind, Fields, TOPIC, key};

/// Characters of the first message kept as the summary shown in results.
const SUMMARY_CHARS: usize = 280;

/// The index document of a topic; `None` for a hidden topic (found by nobody).
pub(crate) fn document(f: &Fields, t: &TopicDocument) -> Option<TantivyDocument> {
    if t.hidden {
        return None;
    }
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.id, t.id as u64);
    doc.add_text(f.key, key(TOPIC, t.id));
    doc.add_text(f.kind, TOPIC);
    doc.add_u64(f.space, t.space_id as u64);
    doc.add_text(f.title, &t.title);
    let texts: Vec<String> = t.messages.iter().map(|m| markdown::to_text(m)).collect();
    let first = texts.first().map(String::as_str).unwrap_or_default();
    let mut summary: String = first.chars().take(SUMMARY_CHARS).collect();
    if first.chars().count() > SUMMARY_CHARS {
        summary.push('…');
    }
    doc.add_text(f.summary, format!("{} — {summary}", t.space_name));
    doc.add_text(f.body, texts.join("\n"));
    for name in &t.author_names {
        doc.add_text(f.people, name);
    }
    if let Some(territory) = t.territory_id {
        doc.add_facet(f.facets, FacetKind::Territory.facet(&territory.to_string()));
    }
    if let Some(year) = crate::practices::year_of(t.last_post_at) {
        doc.add_facet(f.facets, FacetKind::Year.facet(&year.to_string()));
    }
    doc.add_i64(f.date, t.last_post_at);
    doc.add_text(f.access, format!("space:{}", t.space_id));
    match (t.visibility.as_str(), t.territory_id) {
        ("platform", _) => doc.add_text(f.access, "platform"),
        ("territory", Some(territory)) => doc.add_text(f.access, format!("territory:{territory}")),
        _ => {}
    }
    Some(doc)
}
