//! Markdown of practices, rendered to HTML and sanitised on the server: what the authors
//! write can never carry a script, an event handler or a `javascript:` link.

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

/// The HTML of a Markdown text, safe to insert in a page.
pub fn to_html(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    CLEANER.clean(&unsafe_html).to_string()
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
    fn plain_text() {
        assert_eq!(
            to_text("# Titre\n\nUn **atelier**")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["Titre", "Un", "atelier"]
        );
    }
}
