//! Markdown written by people (practices, blog posts, forum messages), rendered to HTML and
//! sanitised on the server: what they write can never carry a script, an event handler or a
//! `javascript:` link.

use std::collections::HashSet;
use std::sync::LazyLock;

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .rm_tags(&["img"]);
    builder
});

/// The same, with images and videos kept when they come from the platform itself (a path such
/// as `/espaces/3/fichiers/12/contenu`): never a request to another site from a reader's page.
static MEDIA_CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .add_tags(&["video"])
        .add_tag_attributes("video", &["src", "controls", "preload", "title"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("img" | "video", "src") if !is_local(value) => None,
            _ => Some(value.into()),
        });
    builder
});

/// A path on this platform (`/…` but not `//host/…`).
fn is_local(url: &str) -> bool {
    url.starts_with('/') && !url.starts_with("//") && !url.contains('\\')
}

/// How deep Markdown blocks and spans may nest (quotes in quotes, lists in lists, emphasis
/// in emphasis…). Deeper ones are flattened: their text stays, their extra levels go. Without
/// a bound, 49,000 `>` made a page that took 40 s to sanitise.
pub const MAX_NESTING: usize = 16;

/// How many elements (paragraphs, headings, cells, emphases…) a text may make; past them,
/// the rest is plain text. The sanitiser spends some microseconds on each: 25,000 headings
/// took 60 ms.
pub const MAX_ELEMENTS: usize = 10_000;

/// How many footnotes (references and definitions) a text may carry; past them, references
/// stay as typed and definitions as plain paragraphs.
pub const MAX_FOOTNOTES: usize = 100;

/// How many raw HTML tags a text may carry; past them, the rest is shown as text. The
/// sanitiser's work grows with the square of the depth of what it is given.
pub const MAX_RAW_HTML: usize = 64;

fn unsafe_html(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, html};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    // Whether each open tag was kept, and how many are kept and open.
    let mut open: Vec<bool> = Vec::new();
    let mut depth = 0usize;
    let mut raw = 0usize;
    let mut footnotes = 0usize;
    let mut elements = 0usize;
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        Event::FootnoteReference(label) => {
            footnotes += 1;
            Some(if footnotes > MAX_FOOTNOTES {
                Event::Text(format!("[^{label}]").into())
            } else {
                Event::FootnoteReference(label)
            })
        }
        Event::Start(tag) => {
            let note = matches!(tag, pulldown_cmark::Tag::FootnoteDefinition(_));
            footnotes += usize::from(note);
            let keep = depth < MAX_NESTING
                && elements < MAX_ELEMENTS
                && !(note && footnotes > MAX_FOOTNOTES);
            elements += usize::from(keep);
            open.push(keep);
            keep.then(|| {
                depth += 1;
                Event::Start(tag)
            })
        }
        Event::End(tag) => open.pop().unwrap_or(false).then(|| {
            depth = depth.saturating_sub(1);
            Event::End(tag)
        }),
        Event::Html(text) => Some(raw_html(text, &mut raw, Event::Html)),
        Event::InlineHtml(text) => Some(raw_html(text, &mut raw, Event::InlineHtml)),
        other => Some(other),
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Raw HTML while the text's budget of tags lasts, shown as text after it.
fn raw_html<'a>(
    text: pulldown_cmark::CowStr<'a>,
    tags: &mut usize,
    keep: fn(pulldown_cmark::CowStr<'a>) -> pulldown_cmark::Event<'a>,
) -> pulldown_cmark::Event<'a> {
    *tags += text.matches('<').count();
    if *tags > MAX_RAW_HTML {
        pulldown_cmark::Event::Text(text)
    } else {
        keep(text)
    }
}

/// The HTML of a Markdown text, safe to insert in a page (no image at all).
pub fn to_html(markdown: &str) -> String {
    RENDERED.get_or_render(false, markdown, || {
        CLEANER.clean(&unsafe_html(markdown)).to_string()
    })
}

/// The HTML of a Markdown text with its images and videos from the platform's own files.
pub fn to_html_with_media(markdown: &str) -> String {
    RENDERED.get_or_render(true, markdown, || {
        MEDIA_CLEANER.clean(&unsafe_html(markdown)).to_string()
    })
}

/// Texts shorter than this render faster than a look-up: they are not kept.
const CACHED_FROM: usize = 2 * 1024;
/// The most HTML kept, in bytes; the oldest renderings go first.
const CACHE_BYTES: usize = 64 * 1024 * 1024;

/// Long texts are rendered once and kept: a page read a thousand times is not sanitised a
/// thousand times. Keyed by 128 bits of two hashes with this process's random keys, so that
/// nobody can write two texts that share a key.
static RENDERED: LazyLock<Rendered> = LazyLock::new(Rendered::default);

#[derive(Default)]
struct Rendered {
    keys: (std::hash::RandomState, std::hash::RandomState),
    kept: std::sync::Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    html: std::collections::HashMap<(u64, u64), std::sync::Arc<str>>,
    order: std::collections::VecDeque<(u64, u64)>,
    bytes: usize,
}

impl Rendered {
    fn get_or_render(
        &self,
        media: bool,
        markdown: &str,
        render: impl FnOnce() -> String,
    ) -> String {
        use std::hash::BuildHasher;
        if markdown.len() < CACHED_FROM {
            return render();
        }
        let key = (
            self.keys.0.hash_one((media, markdown)),
            self.keys.1.hash_one((media, markdown)),
        );
        let lock = || {
            self.kept
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(html) = lock().html.get(&key) {
            return html.to_string();
        }
        let html = render();
        let mut kept = lock();
        if kept.html.insert(key, html.as_str().into()).is_none() {
            kept.order.push_back(key);
            kept.bytes += html.len();
        }
        while kept.bytes > CACHE_BYTES {
            let Some(oldest) = kept.order.pop_front() else {
                break;
            };
            if let Some(gone) = kept.html.remove(&oldest) {
                kept.bytes -= gone.len();
            }
        }
        html
    }
}

/// The text of a Markdown document without its markup, for search and summaries.
pub fn to_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown() {
        let html = to_html("# Titre\n\nUn **atelier** d'écriture :\n\n- lire\n- écrire");
        assert!(html.contains("<h1>Titre</h1>"), "{html}");
        assert!(html.contains("<strong>atelier</strong>"));
        assert!(html.contains("<li>écrire</li>"));
    }

    #[test]
    fn strips_scripts_and_handlers() {
        let html = to_html(
            "Bonjour <script>alert('x')</script><b onclick=\"steal()\">gras</b>\n\n<iframe src=\"https://evil.example\"></iframe>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("alert"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("iframe"), "{html}");
        assert!(html.contains("<b>gras</b>"), "{html}");
    }

    #[test]
    fn refuses_javascript_links() {
        let html = to_html("[clic](javascript:alert(1)) et <a href=\"JaVaScRiPt:alert(2)\">là</a>");
        assert!(!html.to_lowercase().contains("javascript"), "{html}");
        let html = to_html("[site](https://eduscol.education.fr)");
        assert!(
            html.contains("href=\"https://eduscol.education.fr\""),
            "{html}"
        );
        assert!(html.contains("rel=\"noopener noreferrer nofollow\""));
    }

    #[test]
    fn keeps_local_media_only() {
        let html = to_html_with_media(
            "![plan](/espaces/1/fichiers/2/contenu) ![pisteur](https://evil.example/p.gif) ![x](//evil.example/p.gif)\n\n<video controls src=\"/espaces/1/fichiers/3/contenu\" onplay=\"steal()\"></video>",
        );
        assert!(
            html.contains("src=\"/espaces/1/fichiers/2/contenu\""),
            "{html}"
        );
        assert!(!html.contains("evil.example"), "{html}");
        assert!(
            html.contains("<video controls=\"\" src=\"/espaces/1/fichiers/3/contenu\">"),
            "{html}"
        );
        assert!(!html.contains("onplay"), "{html}");
        assert!(!to_html("![plan](/espaces/1/fichiers/2/contenu)").contains("<img"));
    }

    #[test]
    fn plain_text() {
        assert_eq!(
            to_text("# Titre\n\nUn **atelier**")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["Titre", "Un", "atelier"]
        );
    }

    /// Inputs built to make a parser or a sanitiser work for the square of their size, at the
    /// size of a practice: each renders, its nesting flattened past the bound. (Their time is
    /// measured by `bench/src/bin/markdown-worst.rs`, not here.)
    #[test]
    fn hostile_nesting_is_flattened() {
        let size = crate::practices::MAX_BODY;
        let quotes = to_html(&">".repeat(size));
        assert!(
            quotes.matches("<blockquote>").count() <= MAX_NESTING,
            "{}",
            quotes.len()
        );
        let mut list = String::new();
        for depth in 0..2_000 {
            list.push_str(&"  ".repeat(depth));
            list.push_str("- a\n");
        }
        let html = to_html(&list);
        assert!(html.matches("<ul>").count() <= MAX_NESTING);
        assert!(html.matches("<li>").count() <= MAX_NESTING);
        assert_eq!(html.matches("a").count(), 2_000, "every item's text stays");
        // Raw HTML past its budget is shown as text, not parsed.
        let divs = to_html(&"<div>".repeat(size / 5));
        assert!(
            divs.matches("<div>").count() <= MAX_RAW_HTML,
            "{}",
            &divs[..200]
        );
        assert!(divs.contains("&lt;div&gt;"));
        // Footnotes past their budget stay as typed.
        let notes = to_html(&"[^a]: [^a]\n".repeat(size / 11));
        assert!(notes.matches("footnote-definition").count() <= MAX_FOOTNOTES * 2);
        // What stays within the bounds is untouched.
        let fine = "> cité\n> > dans une citation\n\n- un\n  - deux\n";
        assert_eq!(to_html(fine).matches("<blockquote>").count(), 2);
    }

    #[test]
    fn long_texts_render_once_and_the_same() {
        let text = format!("# Titre\n\n{}", "Un paragraphe d'écriture.\n\n".repeat(200));
        let first = to_html(&text);
        assert_eq!(to_html(&text), first);
        assert_ne!(to_html_with_media(&text), String::new());
        let other = text.replace("Titre", "Autre");
        assert!(to_html(&other).contains("<h1>Autre</h1>"));
    }
}
