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

fn unsafe_html(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    out
}

/// The HTML of a Markdown text, safe to insert in a page (no image at all).
pub fn to_html(markdown: &str) -> String {
    CLEANER.clean(&unsafe_html(markdown)).to_string()
}

/// The HTML of a Markdown text with its images and videos from the platform's own files.
pub fn to_html_with_media(markdown: &str) -> String {
    MEDIA_CLEANER.clean(&unsafe_html(markdown)).to_string()
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
}
