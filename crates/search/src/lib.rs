//! French full-text search. Each node keeps its own tantivy index in its data folder and
//! follows the database's change log (`search_changes`), so every node converges on the same
//! content whatever the backend; `territoire reindex` rebuilds it from the database.

mod french;
mod index;
mod practices;

pub use index::{SearchError, SearchIndex};
pub use practices::{FacetCount, FacetKind, Filter, Hit, Results, SearchQuery, Viewer};
