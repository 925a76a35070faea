//! What the academic identity provider's claims say of a person beyond the standard ones:
//! their function and their establishments.

use super::Function;
use crate::directory::Uai;

/// A function claim: one of the platform's codes (`enseignant-2d`, `ien`…), in any case.
pub fn function(value: &serde_json::Value) -> Option<Function> {
    let first = match value {
        serde_json::Value::Array(values) => values.iter().find_map(serde_json::Value::as_str),
        other => other.as_str(),
    }?;
    Function::parse(&first.trim().to_lowercase()).ok()
}

/// An establishments claim: a UAI, or a list of them, each possibly followed by `$…` as in
/// the academic directories (`0620001P$UAJ$PU$ENS…`); what is not a UAI is left out.
pub fn uais(value: &serde_json::Value) -> Vec<Uai> {
    let texts: Vec<&str> = match value {
        serde_json::Value::Array(values) => values
            .iter()
            .filter_map(serde_json::Value::as_str)
            .collect(),
        serde_json::Value::String(text) => text.split([',', ' ']).collect(),
        _ => Vec::new(),
    };
    let mut out: Vec<Uai> = texts
        .into_iter()
        .filter_map(|t| Uai::parse(t.split('$').next().unwrap_or_default().trim()).ok())
        .collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn functions_from_claims() {
        assert_eq!(function(&json!("IEN")), Some(Function::Ien));
        assert_eq!(
            function(&json!(["enseignant-2d", "cpe"])),
            Some(Function::Enseignant2d)
        );
        assert_eq!(function(&json!("recteur")), None);
        assert_eq!(function(&json!(3)), None);
    }

    #[test]
    fn establishments_from_claims() {
        let list = uais(&json!([
            "0620001P$UAJ$PU$ENS$0620001P",
            "pas un UAI",
            "0590001x"
        ]));
        let codes: Vec<&str> = list.iter().map(Uai::as_str).collect();
        assert_eq!(codes, ["0620001P", "0590001X"]);
        assert_eq!(uais(&json!("0620001P")).len(), 1);
        assert!(uais(&json!(null)).is_empty());
    }
}
