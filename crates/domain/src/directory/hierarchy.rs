//! The hierarchy relation of the French school system. Peer visits rely on it: a binôme of
//! observers must have no hierarchical link with the observed teachers.
//!
//! - an IEN is the superior of the teachers (and école directors) of the écoles of their
//!   circonscription;
//! - a PERDIR is the superior of the staff of their collège, lycée or EREA;
//! - an IA-IPR is the superior of the teachers of their subject in their académie;
//! - a directeur d'école is *not* the superior of the teachers of their école.

use crate::accounts::Function;
use crate::directory::{EstablishmentKind, Uai};

/// Where a person works: one establishment, with what the hierarchy needs to know of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub uai: Uai,
    pub kind: EstablishmentKind,
    pub circonscription: Option<String>,
    pub academie: Option<String>,
}

/// What the hierarchy needs to know of a person.
#[derive(Debug, Clone, PartialEq)]
pub struct Staff {
    pub function: Function,
    pub assignments: Vec<Assignment>,
    /// The circonscription an IEN leads.
    pub circonscription: Option<String>,
    /// The académie of an IA-IPR.
    pub academie: Option<String>,
    /// Subjects taught (teachers) or inspected (IA-IPR); compared folded.
    pub subjects: Vec<String>,
}

/// Whether `superior` is, in the French school system, a hierarchical superior of `person`.
pub fn is_superior(superior: &Staff, person: &Staff) -> bool {
    match superior.function {
        Function::Ien => {
            let Some(circo) = superior.circonscription.as_deref() else {
                return false;
            };
            matches!(
                person.function,
                Function::Enseignant1d | Function::DirecteurEcole
            ) && person
                .assignments
                .iter()
                .any(|a| a.kind.is_first_degree() && a.circonscription.as_deref() == Some(circo))
        }
        Function::Perdir => {
            let staff_of_school = matches!(
                person.function,
                Function::Enseignant2d | Function::Cpe | Function::Psyen
            );
            staff_of_school
                && superior
                    .assignments
                    .iter()
                    .filter(|a| a.kind.is_second_degree())
                    .any(|mine| {
                        person
                            .assignments
                            .iter()
                            .any(|theirs| theirs.uai == mine.uai)
                    })
        }
        Function::IaIpr => {
            let Some(academie) = superior.academie.as_deref() else {
                return false;
            };
            person.function == Function::Enseignant2d
                && person.subjects.iter().any(|s| {
                    let s = crate::text::fold(s);
                    superior.subjects.iter().any(|m| crate::text::fold(m) == s)
                })
                && person
                    .assignments
                    .iter()
                    .any(|a| a.kind.is_second_degree() && a.academie.as_deref() == Some(academie))
        }
        _ => false,
    }
}

/// Whether either person is the other's superior: such a pair may not observe each other.
pub fn hierarchical_link(a: &Staff, b: &Staff) -> bool {
    is_superior(a, b) || is_superior(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(uai: &str, kind: EstablishmentKind, circo: Option<&str>, academie: &str) -> Assignment {
        Assignment {
            uai: Uai::parse(uai).unwrap_or_else(|_| Uai::from_number(0)),
            kind,
            circonscription: circo.map(str::to_owned),
            academie: Some(academie.to_owned()),
        }
    }

    fn staff(function: Function, assignments: Vec<Assignment>) -> Staff {
        Staff {
            function,
            assignments,
            circonscription: None,
            academie: None,
            subjects: vec![],
        }
    }

    fn ecole_arras() -> Assignment {
        at("0620001A", EstablishmentKind::Ecole, Some("0620095E"), "09")
    }

    fn college_arras() -> Assignment {
        at("0620100B", EstablishmentKind::College, None, "09")
    }

    #[test]
    fn ien_leads_the_teachers_of_the_ecoles_of_their_circonscription() {
        let ien = Staff {
            circonscription: Some("0620095E".into()),
            ..staff(Function::Ien, vec![])
        };
        let teacher = staff(Function::Enseignant1d, vec![ecole_arras()]);
        let director = staff(Function::DirecteurEcole, vec![ecole_arras()]);
        let elsewhere = staff(
            Function::Enseignant1d,
            vec![at(
                "0620002B",
                EstablishmentKind::Ecole,
                Some("0620096F"),
                "09",
            )],
        );
        assert!(is_superior(&ien, &teacher));
        assert!(is_superior(&ien, &director));
        assert!(!is_superior(&ien, &elsewhere));
        assert!(!is_superior(&teacher, &ien));
        let college_teacher = staff(Function::Enseignant2d, vec![college_arras()]);
        assert!(!is_superior(&ien, &college_teacher));
    }

    #[test]
    fn directeur_d_ecole_is_not_a_superior() {
        let director = staff(Function::DirecteurEcole, vec![ecole_arras()]);
        let teacher = staff(Function::Enseignant1d, vec![ecole_arras()]);
        assert!(!is_superior(&director, &teacher));
        assert!(!hierarchical_link(&director, &teacher));
    }

    #[test]
    fn perdir_leads_the_staff_of_their_college_only() {
        let principal = staff(Function::Perdir, vec![college_arras()]);
        let teacher = staff(Function::Enseignant2d, vec![college_arras()]);
        let cpe = staff(Function::Cpe, vec![college_arras()]);
        let other = staff(
            Function::Enseignant2d,
            vec![at("0620101C", EstablishmentKind::Lycee, None, "09")],
        );
        assert!(is_superior(&principal, &teacher));
        assert!(is_superior(&principal, &cpe));
        assert!(!is_superior(&principal, &other));
        assert!(hierarchical_link(&teacher, &principal));
    }

    #[test]
    fn ia_ipr_leads_the_teachers_of_their_subject_in_their_academie() {
        let ipr = Staff {
            academie: Some("09".into()),
            subjects: vec!["mathematiques".into()],
            ..staff(Function::IaIpr, vec![])
        };
        let maths = Staff {
            subjects: vec!["Mathématiques".into()],
            ..staff(Function::Enseignant2d, vec![college_arras()])
        };
        let lettres = Staff {
            subjects: vec!["Lettres".into()],
            ..staff(Function::Enseignant2d, vec![college_arras()])
        };
        let maths_elsewhere = Staff {
            subjects: vec!["Mathématiques".into()],
            ..staff(
                Function::Enseignant2d,
                vec![at("0630100B", EstablishmentKind::College, None, "06")],
            )
        };
        assert!(is_superior(&ipr, &maths));
        assert!(!is_superior(&ipr, &lettres));
        assert!(!is_superior(&ipr, &maths_elsewhere));
    }

    #[test]
    fn peers_have_no_link() {
        let a = staff(Function::Enseignant1d, vec![ecole_arras()]);
        let b = staff(Function::Enseignant1d, vec![ecole_arras()]);
        let cpc = staff(Function::Cpc, vec![]);
        assert!(!hierarchical_link(&a, &b));
        assert!(!hierarchical_link(&a, &cpc));
    }
}
