//! The use cases' layer (DESIGN §3), area by area: what pages, the API, jobs and views share
//! without importing one another. It holds, for now, the typed inputs and results that views
//! and jobs used to take from the handlers (which made the import graph of `web` cyclic);
//! the use cases themselves move here area by area (issue 25).

pub mod accounts;
pub mod directory;
pub mod indicators;
pub mod observatories;
pub mod spaces;
pub mod territories;
