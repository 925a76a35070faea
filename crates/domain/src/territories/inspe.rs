//! The INSPE partnership (seed 002): M1 MEEF students are placed with host teachers of the
//! networks, first for observation days, then for *journées de mise en responsabilité*. On
//! those days « les titulaires sont libérés de leur classe » — the platform offers that freed
//! time to their peers for cross-observations.

use super::launch::{day, field};
use crate::accounts::Function;
use crate::practices::FieldError;

/// What a student does on a day with their host teacher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// The student observes the host's class.
    Observation,
    /// The student takes the class: the host is freed.
    Responsibility,
}

impl DayKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Observation => "observation",
            Self::Responsibility => "responsabilite",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code.trim() {
            "observation" => Some(Self::Observation),
            "responsabilite" => Some(Self::Responsibility),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Observation => "Journée d'observation",
            Self::Responsibility => "Journée de mise en responsabilité",
        }
    }

    /// Whether the host teacher is freed of their class that day.
    pub fn frees_the_host(self) -> bool {
        self == Self::Responsibility
    }
}

/// A day of a student with a host teacher, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub kind: DayKind,
    /// Days since 1970-01-01.
    pub day: i64,
}

impl Placement {
    pub fn parse(kind: &str, on: &str) -> Result<Self, FieldError> {
        let kind = DayKind::parse(kind).ok_or_else(|| {
            field(
                "kind",
                format!("type de journée inconnu : « {} »", kind.trim()),
            )
        })?;
        let day = day(on, "day")?.ok_or_else(|| field("day", "indiquez la date de la journée"))?;
        Ok(Self { kind, day })
    }
}

/// Whether a person of this function may be placed as a student.
pub fn is_student(function: Option<Function>) -> bool {
    function == Some(Function::EtudiantMeef)
}

/// Whether a person of this function teaches a class that a student can join.
pub fn is_host(function: Option<Function>) -> bool {
    matches!(
        function,
        Some(Function::Enseignant1d | Function::Enseignant2d | Function::DirecteurEcole)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_of_observation_then_of_responsibility() {
        let p = Placement::parse("responsabilite", "2027-03-11");
        assert_eq!(
            p,
            Ok(Placement {
                kind: DayKind::Responsibility,
                day: 20_888
            })
        );
        assert!(DayKind::Responsibility.frees_the_host());
        assert!(!DayKind::Observation.frees_the_host());
        assert_eq!(
            Placement::parse("stage", "2027-03-11").map_err(|e| e.field),
            Err("kind")
        );
        assert_eq!(
            Placement::parse("observation", "").map_err(|e| e.field),
            Err("day")
        );
        assert!(is_student(Some(Function::EtudiantMeef)));
        assert!(!is_student(Some(Function::Enseignant1d)));
        assert!(is_host(Some(Function::Enseignant1d)));
        assert!(!is_host(Some(Function::EtudiantMeef)));
        assert!(!is_host(None));
    }
}
