//! The map of initiatives, the strategic project and its indicators (seed 000: « une
//! cartographie des initiatives », « analyser l'évolution du déploiement » ; seed 003).

pub mod map;
pub mod month;

pub use month::Month;
