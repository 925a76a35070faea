//! French-aware text folding for search: accents removed, lower case, words split.

/// Folds a text for matching: `"École Élémentaire Jean-Jaurès"` → `"ecole elementaire jean jaures"`.
pub fn fold(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for word in ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The distinct search terms of a text, folded, in order of appearance.
pub fn terms(text: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in fold(text).split(' ').filter(|w| !w.is_empty()) {
        if !terms.iter().any(|t| t == word) {
            terms.push(word.to_owned());
        }
    }
    terms
}

/// The exclusive upper bound of the terms that start with `prefix` (terms are ASCII
/// alphanumerics, all below `~`), so that a prefix search is a range on an index.
pub fn prefix_upper_bound(prefix: &str) -> String {
    format!("{prefix}~")
}

/// A URL-safe identifier made of a name: `"Val-de-Reuil – Louviers"` → `"val-de-reuil-louviers"`.
pub fn slugify(text: &str) -> String {
    fold(text).replace(' ', "-")
}

/// A one-line field (a title, a name) as stored: its words joined by single spaces, so that a
/// tab or a line break typed or pasted into it never reaches a page, a list or a file name.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A character no text a person types may hold: control characters other than tab and line
/// breaks (NUL included: PostgreSQL cannot store it, SQLite can, so the same input would fare
/// differently), and the bidirectional overrides and isolates that make `rtl\u{202e}txt.exe`
/// read as `rtlexe.txt`.
pub fn forbidden_char(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

/// The same, in a one-line field (a title, a name), where tabs and line breaks are refused too.
pub fn forbidden_char_in_line(text: &str) -> Option<char> {
    forbidden_char(text).or_else(|| text.chars().find(|c| matches!(c, '\t' | '\n' | '\r')))
}

/// The French reason a one-line field (a title, a name) holding a tab or a line break is
/// refused, where such a field is refused rather than tidied by [`one_line`].
pub fn line_problem(label: &str, text: &str) -> Option<String> {
    text.contains(['\t', '\n', '\r'])
        .then(|| format!("{label} tient sur une ligne : ni tabulation ni retour à la ligne"))
}

/// The French reason a text with a forbidden character is refused, naming what it is.
pub fn char_problem(label: &str, text: &str) -> Option<String> {
    forbidden_char(text).map(|c| {
        format!(
            "{label} contient un caractère invisible interdit ({}) : caractère de contrôle ou \
             d'inversion du sens d'écriture. Retirez-le.",
            describe_char(c)
        )
    })
}

/// How a refused character is named in a message: `U+0000`.
pub fn describe_char(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(
            fold("  École Élémentaire Jean-Jaurès "),
            "ecole elementaire jean jaures"
        );
        assert_eq!(
            fold("Lycée d'Enseignement Général — Œuvre"),
            "lycee d enseignement general oeuvre"
        );
    }

    #[test]
    fn terms_are_distinct() {
        assert_eq!(terms("Arras arras ARRAS école"), vec!["arras", "ecole"]);
        assert!(terms(" -- ").is_empty());
    }

    #[test]
    fn prefix_bound_covers_longer_terms_only() {
        let upper = prefix_upper_bound("jau");
        assert!("jaures" < upper.as_str() && "jaures" >= "jau");
        assert!("jav" > upper.as_str());
    }

    #[test]
    fn one_line_fields_keep_single_spaces() {
        assert_eq!(
            one_line("  Un\ttitre\r\nsur  deux lignes "),
            "Un titre sur deux lignes"
        );
        assert_eq!(one_line("\n\t"), "");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Val-de-Reuil – Louviers"), "val-de-reuil-louviers");
    }

    #[test]
    fn control_and_direction_characters_are_found() {
        for bad in [
            "a\0b",
            "\u{7}",
            "x\u{1b}[31m",
            "\u{7f}",
            "\u{85}",
            "rtl\u{202e}txt.exe",
            "\u{2066}a",
        ] {
            assert!(forbidden_char(bad).is_some(), "{bad:?}");
        }
        for fine in ["Écrire\tà deux\r\nmains", "عربي", "\u{200f}", "emoji 🙂"] {
            assert_eq!(forbidden_char(fine), None, "{fine:?}");
        }
        assert_eq!(forbidden_char_in_line("titre\nsuite"), Some('\n'));
        assert_eq!(forbidden_char_in_line("titre\tsuite"), Some('\t'));
        assert_eq!(forbidden_char_in_line("Un titre"), None);
        assert_eq!(describe_char('\0'), "U+0000");
        assert_eq!(describe_char('\u{202e}'), "U+202E");
    }
}
