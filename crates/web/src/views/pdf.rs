//! PDF documents (A4, Helvetica, which every reader has: nothing embedded): a title under
//! the marks of the Republic, paragraphs, items and closing lines, on as many pages as
//! they take. Attestations and the indicators' report are written with it.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// What a document says: its title, then paragraphs (a line each, wrapped), then items.
pub struct Document {
    pub title: String,
    pub paragraphs: Vec<String>,
    pub items: Vec<String>,
    pub closing: Vec<String>,
}

/// Characters per line of body text (11 pt Helvetica on 495 pt).
const LINE: usize = 88;

/// Words of `text` in lines of `width` characters at most.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` in WinAnsiEncoding (the encoding of the standard fonts): French letters, quotes
/// and dashes; anything else becomes « ? ».
pub fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' => c as u8,
            '\u{a0}'..='\u{ff}' => u8::try_from(u32::from(c)).unwrap_or(b'?'),
            '\u{202f}' => 0xa0,
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            'Œ' => 0x8c,
            'œ' => 0x9c,
            'Ÿ' => 0x9f,
            _ => b'?',
        })
        .collect()
}

/// A line of the document: its font (bold or not), size, text, and the space after it.
struct Line {
    bold: bool,
    size: f32,
    text: String,
    gap: f32,
}

/// The lowest a line may sit before the next page.
const BOTTOM: f32 = 60.0;

/// The document in A4 pages, the marks of the Republic and the title on the first.
pub fn render(doc: &Document) -> Vec<u8> {
    let mut lines = vec![
        Line {
            bold: true,
            size: 12.0,
            text: "RÉPUBLIQUE FRANÇAISE".to_owned(),
            gap: 14.0,
        },
        Line {
            bold: false,
            size: 9.0,
            text: "Liberté, Égalité, Fraternité".to_owned(),
            gap: 24.0,
        },
        Line {
            bold: false,
            size: 10.0,
            text: "Territoire — plateforme des territoires apprenants".to_owned(),
            gap: 60.0,
        },
        Line {
            bold: true,
            size: 20.0,
            text: doc.title.clone(),
            gap: 40.0,
        },
    ];
    let body = |text: String| Line {
        bold: false,
        size: 11.0,
        text,
        gap: 15.0,
    };
    for paragraph in &doc.paragraphs {
        lines.extend(wrap(paragraph, LINE).into_iter().map(body));
        if let Some(last) = lines.last_mut() {
            last.gap += 8.0;
        }
    }
    for item in &doc.items {
        for (n, l) in wrap(item, LINE - 4).into_iter().enumerate() {
            lines.push(body(if n == 0 {
                format!("•  {l}")
            } else {
                format!("    {l}")
            }));
        }
    }
    if let Some(last) = lines.last_mut() {
        last.gap += 12.0;
    }
    for closing in &doc.closing {
        lines.extend(wrap(closing, LINE).into_iter().map(body));
    }

    // Lines to pages.
    let mut pages: Vec<Content> = Vec::new();
    let mut c = Content::new();
    let mut y = 780.0;
    let (f1, f2) = (Name(b"F1"), Name(b"F2"));
    for line in &lines {
        if y < BOTTOM {
            pages.push(std::mem::replace(&mut c, Content::new()));
            y = 780.0;
        }
        c.begin_text();
        c.set_font(if line.bold { f2 } else { f1 }, line.size);
        c.next_line(50.0, y);
        c.show(Str(&win_ansi(&line.text)));
        c.end_text();
        y -= line.gap;
    }
    pages.push(c);

    let (catalog, tree, info, regular, bold) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
    );
    let page_ids: Vec<(Ref, Ref)> = (0..pages.len() as i32)
        .map(|i| (Ref::new(6 + 2 * i), Ref::new(7 + 2 * i)))
        .collect();
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().map(|(page, _)| *page))
        .count(page_ids.len() as i32);
    for ((page, content_id), content) in page_ids.iter().zip(pages) {
        let mut p = pdf.page(*page);
        p.media_box(Rect::new(0.0, 0.0, 595.0, 842.0));
        p.parent(tree);
        p.contents(*content_id);
        let mut resources = p.resources();
        resources.fonts().pair(f1, regular).pair(f2, bold);
        resources.finish();
        p.finish();
        pdf.stream(*content_id, &content.finish());
    }
    for (id, name) in [(regular, &b"Helvetica"[..]), (bold, &b"Helvetica-Bold"[..])] {
        pdf.type1_font(id)
            .base_font(Name(name))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.document_info(info)
        .title(TextStr(&doc.title))
        .producer(TextStr("Territoire"));
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_text_is_written_in_the_fonts_encoding() {
        assert_eq!(win_ansi("Été « œuvre »"), b"\xc9t\xe9 \xab \x9cuvre \xbb");
        assert_eq!(win_ansi("日"), b"?");
    }

    #[test]
    fn long_lines_are_wrapped_on_words() {
        let lines = wrap("un deux trois quatre cinq", 10);
        assert_eq!(lines, ["un deux", "trois", "quatre", "cinq"]);
    }

    #[test]
    fn a_long_document_takes_several_pages() {
        let bytes = render(&Document {
            title: "Rapport".to_owned(),
            paragraphs: vec![],
            items: (0..120).map(|i| format!("ligne {i}")).collect(),
            closing: vec!["Fin du rapport.".to_owned()],
        });
        let raw = String::from_utf8_lossy(&bytes);
        assert!(
            raw.contains("/Count 3"),
            "120 lines and the heading on three pages"
        );
        let text = testkit::pdf_text(&bytes);
        assert!(
            text.contains("ligne 119") && text.contains("Fin du rapport."),
            "{text}"
        );
    }

    #[test]
    fn an_attestation_is_a_pdf_with_its_text() {
        let bytes = render(&Document {
            title: "Attestation de présence".to_owned(),
            paragraphs: vec!["Il est attesté que Camille Martin a suivi le module.".to_owned()],
            items: vec!["le 3 mars 2027 de 9 h 00 à 12 h 00".to_owned()],
            closing: vec!["Durée totale de présence : 3 h.".to_owned()],
        });
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(String::from_utf8_lossy(&bytes).contains("/WinAnsiEncoding"));
        let text = testkit::pdf_text(&bytes);
        assert!(text.contains("RÉPUBLIQUE FRANÇAISE"), "{text}");
        assert!(
            text.contains("Il est attesté que Camille Martin a suivi le module."),
            "{text}"
        );
        assert!(
            text.contains("•  le 3 mars 2027 de 9 h 00 à 12 h 00"),
            "{text}"
        );
    }
}
