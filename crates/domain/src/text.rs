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
    fn slugs() {
        assert_eq!(slugify("Val-de-Reuil – Louviers"), "val-de-reuil-louviers");
    }
}
