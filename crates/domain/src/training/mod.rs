//! Training (seed 000: « d'une logique de l'offre à une logique de la demande » ; seed 002:
//! personalised paths): the needs people express or visits bring out, and their demand
//! aggregated without names for the training office, the modules that answer it.

pub mod demand;
pub mod modules;
pub mod paths;

/// A place in the training staff, given by administrators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffKind {
    /// The training office (formation continue du 1er degré, DAFOP / EAFC): reads the
    /// demand, writes the plan's modules.
    Office,
    /// A trainer: composes training paths, runs the modules they are named on.
    Trainer,
}

impl StaffKind {
    pub const ALL: [Self; 2] = [Self::Office, Self::Trainer];

    pub fn code(self) -> &'static str {
        match self {
            Self::Office => "office",
            Self::Trainer => "trainer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Office => "Bureau de la formation",
            Self::Trainer => "Formateur",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}
