//! Collaborative pads of a space: checked titles and snapshot names, and the pad's text turned
//! into the documents people download (Markdown, HTML, OpenDocument text).

use std::io::Write;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::line;
use crate::practices::FieldError;

/// The name of the `Y.Text` that holds a pad's Markdown in its document (what a stock Yjs
/// client edits).
pub const TEXT_NAME: &str = "content";

/// A pad's title, checked.
pub fn parse_pad_title(title: &str) -> Result<String, FieldError> {
    line("title", "Le titre du pad", title, 2, 120)
}

/// A snapshot's name, checked.
pub fn parse_snapshot_name(name: &str) -> Result<String, FieldError> {
    line("name", "Le nom de la version", name, 1, 80)
}

/// The formats a pad is exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Markdown,
    Html,
    Odt,
}

impl ExportFormat {
    /// From the extension in an export's address (`md`, `html`, `odt`).
    pub fn from_extension(extension: &str) -> Option<Self> {
        match extension {
            "md" => Some(Self::Markdown),
            "html" => Some(Self::Html),
            "odt" => Some(Self::Odt),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Markdown => "md",
            Self::Html => "html",
            Self::Odt => "odt",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Markdown => "text/markdown; charset=utf-8",
            Self::Html => "text/html; charset=utf-8",
            Self::Odt => "application/vnd.oasis.opendocument.text",
        }
    }
}

/// A pad as a standalone HTML page (sanitised Markdown inside a minimal French document).
pub fn to_html_document(title: &str, markdown: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n<body>\n<h1>{}</h1>\n{}</body>\n</html>\n",
        xml_escape(title),
        xml_escape(title),
        crate::markdown::to_html(markdown)
    )
}

/// A pad as an OpenDocument text (`.odt`): headings, paragraphs, lists, quotes, code, bold,
/// italics and links are kept; what LibreOffice and Word open.
pub fn to_odt(title: &str, markdown: &str) -> std::io::Result<Vec<u8>> {
    let content = odt_content(title, markdown);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    // The mimetype comes first, uncompressed: that is how a reader recognises the format.
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/vnd.oasis.opendocument.text")?;
    zip.start_file("META-INF/manifest.xml", deflated)?;
    zip.write_all(MANIFEST.as_bytes())?;
    zip.start_file("styles.xml", deflated)?;
    zip.write_all(STYLES.as_bytes())?;
    zip.start_file("content.xml", deflated)?;
    zip.write_all(content.as_bytes())?;
    Ok(zip.finish()?.into_inner())
}

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"#;

const NAMESPACES: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3""#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3">
 <office:styles>
  <style:style style:name="Standard" style:family="paragraph"><style:text-properties fo:font-size="11pt" fo:language="fr" fo:country="FR"/></style:style>
  <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard"><style:text-properties fo:font-size="20pt" fo:font-weight="bold"/></style:style>
  <style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.2cm"/><style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="1"><style:text-properties fo:font-size="16pt"/></style:style>
  <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="2"><style:text-properties fo:font-size="14pt"/></style:style>
  <style:style style:name="Heading_20_3" style:display-name="Heading 3" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="3"><style:text-properties fo:font-size="12pt"/></style:style>
  <style:style style:name="Quotations" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-left="1cm"/><style:text-properties fo:font-style="italic"/></style:style>
  <style:style style:name="Preformatted_20_Text" style:display-name="Preformatted Text" style:family="paragraph" style:parent-style-name="Standard"><style:text-properties style:font-name="Liberation Mono" fo:font-family="'Liberation Mono'" fo:font-size="10pt"/></style:style>
 </office:styles>
</office:document-styles>
"#;

const AUTOMATIC_STYLES: &str = r#" <office:automatic-styles>
  <style:style style:name="Strong" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="Emphasis" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>
  <style:style style:name="Code" style:family="text"><style:text-properties style:font-name="Liberation Mono" fo:font-family="'Liberation Mono'"/></style:style>
 </office:automatic-styles>
"#;

/// The `content.xml` of a pad: its title, then its Markdown, block by block.
fn odt_content(title: &str, markdown: &str) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content {NAMESPACES}>\n{AUTOMATIC_STYLES} <office:body>\n  <office:text>\n<text:p text:style-name=\"Title\">{}</text:p>\n",
        xml_escape(title)
    );
    // Whether a paragraph is open, so that text outside one (a tight list item) gets one.
    let mut open = false;
    let mut quote = 0usize;
    let paragraph_style = |quote: usize| if quote > 0 { "Quotations" } else { "Standard" };
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    _ => 3,
                };
                out.push_str(&format!(
                    "<text:h text:style-name=\"Heading_20_{level}\" text:outline-level=\"{level}\">"
                ));
                open = true;
            }
            Event::End(TagEnd::Heading(_)) => {
                out.push_str("</text:h>\n");
                open = false;
            }
            Event::Start(Tag::Paragraph) => {
                out.push_str(&format!(
                    "<text:p text:style-name=\"{}\">",
                    paragraph_style(quote)
                ));
                open = true;
            }
            Event::End(TagEnd::Paragraph) => {
                out.push_str("</text:p>\n");
                open = false;
            }
            Event::Start(Tag::BlockQuote(_)) => quote += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote = quote.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => {
                out.push_str("<text:p text:style-name=\"Preformatted_20_Text\">");
                open = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                out.push_str("</text:p>\n");
                open = false;
            }
            Event::Start(Tag::List(_)) => out.push_str("<text:list>\n"),
            Event::End(TagEnd::List(_)) => out.push_str("</text:list>\n"),
            Event::Start(Tag::Item) => out.push_str("<text:list-item>"),
            Event::End(TagEnd::Item) => {
                if open {
                    out.push_str("</text:p>");
                    open = false;
                }
                out.push_str("</text:list-item>\n");
            }
            Event::Start(Tag::Strong) => inline(
                &mut out,
                &mut open,
                "<text:span text:style-name=\"Strong\">",
            ),
            Event::Start(Tag::Emphasis) => inline(
                &mut out,
                &mut open,
                "<text:span text:style-name=\"Emphasis\">",
            ),
            Event::End(TagEnd::Strong | TagEnd::Emphasis) => out.push_str("</text:span>"),
            Event::Start(Tag::Link { dest_url, .. }) => inline(
                &mut out,
                &mut open,
                &format!(
                    "<text:a xlink:type=\"simple\" xlink:href=\"{}\">",
                    xml_escape(&dest_url)
                ),
            ),
            Event::End(TagEnd::Link) => out.push_str("</text:a>"),
            Event::Code(code) => inline(
                &mut out,
                &mut open,
                &format!(
                    "<text:span text:style-name=\"Code\">{}</text:span>",
                    xml_escape(&code)
                ),
            ),
            Event::Text(text) => {
                let mut lines = text.split('\n').peekable();
                let mut first = true;
                while let Some(line) = lines.next() {
                    // A code block's last line ends with a newline: no break after it.
                    if line.is_empty() && lines.peek().is_none() {
                        break;
                    }
                    if !first {
                        out.push_str("<text:line-break/>");
                    }
                    first = false;
                    inline(&mut out, &mut open, &xml_escape(line));
                }
            }
            // What looks like HTML is text typed in the pad: shown as typed.
            Event::InlineHtml(html) => inline(&mut out, &mut open, &xml_escape(&html)),
            Event::Html(html) => {
                inline(&mut out, &mut open, &xml_escape(html.trim_end()));
                out.push_str("</text:p>\n");
                open = false;
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("<text:line-break/>"),
            Event::Rule => out.push_str("<text:p text:style-name=\"Standard\">―</text:p>\n"),
            _ => {}
        }
    }
    out.push_str("  </office:text>\n </office:body>\n</office:document-content>\n");
    out
}

/// Inline content, inside a paragraph (one is opened for a tight list item's text).
fn inline(out: &mut String, open: &mut bool, text: &str) {
    if !*open {
        out.push_str("<text:p text:style-name=\"Standard\">");
        *open = true;
    }
    out.push_str(text);
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn entry(odt: &[u8], name: &str) -> String {
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(odt)).unwrap_or_else(|e| panic!("{e}"));
        let mut text = String::new();
        archive
            .by_name(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .read_to_string(&mut text)
            .unwrap_or_else(|e| panic!("{e}"));
        text
    }

    #[test]
    fn an_odt_starts_with_its_uncompressed_mimetype() {
        let odt = to_odt("Compte rendu", "Bonjour").unwrap_or_else(|e| panic!("{e}"));
        // Bytes 30.. of the first local header hold the first file's name, then its content.
        assert_eq!(&odt[30..38], b"mimetype");
        assert_eq!(&odt[38..77], b"application/vnd.oasis.opendocument.text");
    }

    #[test]
    fn the_odt_keeps_the_structure_and_escapes_the_text() {
        let markdown = "# Conseil école-collège\n\nOrdre du **jour** & <suite> *demain* [lien](https://eduscol.education.fr)\n\n- lecture\n- calcul\n\n> citée\n\n```\nligne 1\nligne 2\n```\n";
        let odt = to_odt("Réunion du 3 mars", markdown).unwrap_or_else(|e| panic!("{e}"));
        let content = entry(&odt, "content.xml");
        assert!(content.contains("<text:p text:style-name=\"Title\">Réunion du 3 mars</text:p>"));
        assert!(content.contains("text:outline-level=\"1\">Conseil école-collège</text:h>"));
        assert!(content.contains(
            "<text:span text:style-name=\"Strong\">jour</text:span> &amp; &lt;suite&gt;"
        ));
        assert!(content.contains("xlink:href=\"https://eduscol.education.fr\">lien</text:a>"));
        assert!(content.contains(
            "<text:list-item><text:p text:style-name=\"Standard\">lecture</text:p></text:list-item>"
        ));
        assert!(content.contains("<text:p text:style-name=\"Quotations\">citée</text:p>"));
        assert!(content.contains("ligne 1<text:line-break/>ligne 2</text:p>"));
        assert!(entry(&odt, "META-INF/manifest.xml").contains("content.xml"));
    }

    #[test]
    fn the_html_export_is_sanitised() {
        let html = to_html_document("<Pad>", "Texte <script>alert(1)</script> **gras**");
        assert!(html.contains("<title>&lt;Pad&gt;</title>"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("<strong>gras</strong>"));
        assert!(html.contains("lang=\"fr\""));
    }

    #[test]
    fn titles_and_formats() {
        assert!(parse_pad_title("x").is_err());
        assert!(parse_snapshot_name("").is_err());
        assert_eq!(ExportFormat::from_extension("odt"), Some(ExportFormat::Odt));
        assert_eq!(ExportFormat::from_extension("pdf"), None);
    }
}
