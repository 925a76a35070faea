//! The database of Territoire: SQLite (embedded default) or PostgreSQL (at scale), behind one
//! API. Queries are written once with `$n` placeholders, which both dialects accept; where
//! the dialects truly differ, the difference sits in `db.rs`.

pub mod accounts;
pub mod backup;
pub mod bus;
mod db;
pub mod directory;
pub mod indicators;
pub mod jobs;
pub mod observatories;
pub mod practices;
pub mod search_feed;
pub mod spaces;
pub mod territories;
pub mod training;

pub use db::{Backend, Db, StoreError, now};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
