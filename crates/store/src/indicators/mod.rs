//! The map of initiatives, the strategic project and its indicators.

pub mod map;
pub mod practices;
pub mod project;
pub mod series;
