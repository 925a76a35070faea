//! Page handlers, one module per area: parse, call the store, render.

pub mod accounts;
pub(crate) mod blobs;
pub mod directory;
pub mod home;
pub mod observatories;
pub mod practices;
pub mod spaces;
pub mod system;
pub mod territories;
