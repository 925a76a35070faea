//! The map of initiatives, the strategic project and its indicators (seed 000: « une
//! cartographie des initiatives », « analyser l'évolution du déploiement » ; seed 003).

pub mod dashboard;
pub mod map;
pub mod metrics;
pub mod month;
pub mod network;
pub mod project;

pub use month::Month;
