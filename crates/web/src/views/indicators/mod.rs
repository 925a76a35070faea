//! The map of initiatives, the strategic project and the dashboards.

pub mod chart;
pub mod dashboard;
pub mod map;
pub mod network;
pub mod ods;
pub mod project;
