//! The map of initiatives, the strategic project and its indicators.

pub mod dashboard;
pub mod map;
pub mod network;
pub mod project;
