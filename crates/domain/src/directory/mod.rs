//! The school system: geography, establishments and the hierarchy between people.

pub mod annuaire;
pub mod geo;
pub mod hierarchy;
mod kind;
mod uai;

pub use kind::{EducationPrioritaire, EstablishmentKind};
pub use uai::{Uai, UaiError};
