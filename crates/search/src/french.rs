//! The analyser of French text: words split, lower-cased, stemmed (Snowball French), then
//! accents folded, so that « évaluation » finds « évaluer » and « élèves » finds « eleve ».

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};

pub const ANALYZER: &str = "fr";

pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::French))
        .filter(AsciiFoldingFilter)
        .build()
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::TokenStream;

    fn tokens(text: &str) -> Vec<String> {
        let mut analyzer = super::analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    #[test]
    fn stems_and_folds() {
        assert_eq!(tokens("évaluation"), tokens("évaluer"));
        assert_eq!(tokens("élèves"), tokens("eleve"));
        assert_eq!(tokens("Élève"), tokens("eleves"));
        assert_eq!(tokens("coopératifs"), tokens("coopérative"));
        assert_ne!(tokens("lecture"), tokens("calcul"));
    }
}
