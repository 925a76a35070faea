//! The analyser of French text: words split, lower-cased, accents folded (people often type
//! without them), then stemmed (Snowball French), so that « évaluation » finds « évaluer » and « élèves » finds « eleve ».

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

pub const ANALYZER: &str = "fr";

pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::French))
        .filter(FinalE)
        .build()
}

/// Drops a final « e » the stemmer left: without accents, « inversee » stems to « inverse »
/// where « inverser » and « inversée » give « invers ».
#[derive(Clone)]
struct FinalE;

impl TokenFilter for FinalE {
    type Tokenizer<T: Tokenizer> = FinalEFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FinalEFilter<T> {
        FinalEFilter(tokenizer)
    }
}

#[derive(Clone)]
struct FinalEFilter<T>(T);

impl<T: Tokenizer> Tokenizer for FinalEFilter<T> {
    type TokenStream<'a> = FinalEStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FinalEStream(self.0.token_stream(text))
    }
}

struct FinalEStream<S>(S);

impl<S: TokenStream> TokenStream for FinalEStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        let text = &mut self.0.token_mut().text;
        if text.len() > 3 && text.ends_with('e') {
            text.pop();
        }
        true
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
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
        for (a, b) in [
            ("inversée", "inversee"),
            ("inversée", "inverser"),
            ("réussite", "reussite"),
            ("compétences", "competence"),
            ("évaluées", "evaluation"),
            ("coopération", "cooperer"),
            ("élève", "eleves"),
        ] {
            assert_eq!(tokens(a), tokens(b), "{a} / {b}");
        }
    }
}
