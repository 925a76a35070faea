//! French full-text search of the practices and the forum topics. Each node keeps its own
//! tantivy index in its data folder and follows the database's change log (`search_changes`),
//! so every node converges on the same content whatever the backend; `territoire reindex`
//! rebuilds it from the database.

mod french;
mod index;
mod practices;
mod topics;

pub use index::{SearchError, SearchIndex};
pub use practices::{
    DocumentKind, FacetCount, FacetKind, Filter, Hit, Results, Scope, SearchQuery, Viewer,
};
