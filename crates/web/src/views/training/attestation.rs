//! Attestations as PDF (one A4 page, Helvetica, which every reader has: nothing embedded):
//! of attendance at a module's sessions, of a training path completed.

use domain::territories::events::span_fr;
use domain::training::modules::duration_fr;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use store::training::modules::{Attendance, Module};
use store::training::paths::Path;

/// What an attestation says: its title, then paragraphs (a line each, wrapped), then items.
pub struct Document {
    pub title: String,
    pub paragraphs: Vec<String>,
    pub items: Vec<String>,
    pub closing: Vec<String>,
}

/// The attestation of attendance at the sessions of `module` that `attended` lists.
pub fn of_module(module: &Module, attended: &Attendance, at: i64) -> Vec<u8> {
    let total: i64 = attended
        .sessions
        .iter()
        .map(|s| s.ends_at - s.starts_at)
        .sum();
    let function = domain::accounts::Function::parse(&attended.function)
        .map(|f| format!(" ({})", f.label()))
        .unwrap_or_default();
    render(&Document {
        title: "Attestation de présence".to_owned(),
        paragraphs: vec![format!(
            "Il est attesté que {}{function} a suivi le module de formation « {} », {} ({}), aux sessions suivantes :",
            attended.name,
            module.title,
            module.plan.label().to_lowercase(),
            module.public.label()
        )],
        items: attended
            .sessions
            .iter()
            .map(|s| {
                let remote = if s.video_url.is_empty() {
                    ""
                } else {
                    "à distance"
                };
                let place = [s.place.as_str(), remote]
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("{} — {place}", span_fr(s.starts_at, s.ends_at))
            })
            .collect(),
        closing: vec![
            format!("Durée totale de présence : {}.", duration_fr(total)),
            format!("Fait le {}.", crate::views::date_fr(at)),
        ],
    })
}

/// The attestation of a training path completed (`span`: started, completed).
pub fn of_path(path: &Path, name: &str, function: &str, span: (i64, i64), at: i64) -> Vec<u8> {
    let function = domain::accounts::Function::parse(function)
        .map(|f| format!(" ({})", f.label()))
        .unwrap_or_default();
    render(&Document {
        title: "Attestation de formation".to_owned(),
        paragraphs: vec![format!(
            "Il est attesté que {name}{function} a suivi en autonomie le parcours de formation « {} », commencé le {} et achevé le {}, en {} étapes d'une durée estimée de {} :",
            path.title,
            crate::views::date_fr(span.0),
            crate::views::date_fr(span.1),
            path.steps.len(),
            duration_fr(path.minutes() * 60)
        )],
        items: path
            .steps
            .iter()
            .map(|s| format!("{} — {}", s.kind.label(), s.title))
            .collect(),
        closing: vec![format!("Fait le {}.", crate::views::date_fr(at))],
    })
}

/// Characters per line of body text (11 pt Helvetica on 495 pt).
const LINE: usize = 88;

/// Words of `text` in lines of `width` characters at most.
fn wrap(text: &str, width: usize) -> Vec<String> {
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
fn win_ansi(text: &str) -> Vec<u8> {
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

/// One A4 page with the marks of the Republic, the title and the text.
pub fn render(doc: &Document) -> Vec<u8> {
    let (catalog, tree, page, content_id, info) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
    );
    let (regular, bold) = (Ref::new(6), Ref::new(7));
    let (f1, f2) = (Name(b"F1"), Name(b"F2"));
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.media_box(Rect::new(0.0, 0.0, 595.0, 842.0));
    p.parent(tree);
    p.contents(content_id);
    let mut resources = p.resources();
    resources.fonts().pair(f1, regular).pair(f2, bold);
    resources.finish();
    p.finish();
    for (id, name) in [(regular, &b"Helvetica"[..]), (bold, &b"Helvetica-Bold"[..])] {
        pdf.type1_font(id)
            .base_font(Name(name))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.document_info(info)
        .title(TextStr(&doc.title))
        .producer(TextStr("Territoire"));

    let mut c = Content::new();
    let mut y = 780.0;
    let line = |c: &mut Content, font: Name, size: f32, text: &str, y: &mut f32, gap: f32| {
        c.begin_text();
        c.set_font(font, size);
        c.next_line(50.0, *y);
        c.show(Str(&win_ansi(text)));
        c.end_text();
        *y -= gap;
    };
    line(&mut c, f2, 12.0, "RÉPUBLIQUE FRANÇAISE", &mut y, 14.0);
    line(
        &mut c,
        f1,
        9.0,
        "Liberté, Égalité, Fraternité",
        &mut y,
        24.0,
    );
    line(
        &mut c,
        f1,
        10.0,
        "Territoire — plateforme des territoires apprenants",
        &mut y,
        60.0,
    );
    line(&mut c, f2, 20.0, &doc.title, &mut y, 40.0);
    for paragraph in &doc.paragraphs {
        for l in wrap(paragraph, LINE) {
            line(&mut c, f1, 11.0, &l, &mut y, 15.0);
        }
        y -= 8.0;
    }
    for item in &doc.items {
        for (n, l) in wrap(item, LINE - 4).into_iter().enumerate() {
            let text = if n == 0 {
                format!("•  {l}")
            } else {
                format!("    {l}")
            };
            line(&mut c, f1, 11.0, &text, &mut y, 15.0);
        }
    }
    y -= 12.0;
    for closing in &doc.closing {
        for l in wrap(closing, LINE) {
            line(&mut c, f1, 11.0, &l, &mut y, 15.0);
        }
    }
    pdf.stream(content_id, &c.finish());
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
