//! Types and rules of Territoire. No I/O: everything here is pure and unit-tested.

pub mod accounts;
pub mod calendar;
pub mod directory;
pub mod ids;
pub mod indicators;
pub mod markdown;
pub mod observatories;
pub mod policy;
pub mod practices;
pub mod spaces;
pub mod territories;
pub mod text;
pub mod training;
