//! The partners of a territory (seeds 000, 001): their contacts, and the conventions that
//! bind them (PEDT, CTEAC, PLEAC…) with their parties, dates, documents and the reminder to
//! renew them before they end.

use super::PARTNER_KINDS;
use super::launch::{bounded, day, field};
use crate::practices::FieldError;
use crate::text::one_line;

/// How long before its end the coordination is reminded to renew a convention, in days.
pub const RENEWAL_NOTICE_DAYS: i64 = 90;

/// Kinds of conventions (seed 001: « conventionnement existant (PEDT, CTEAC, PLEAC...) »).
pub const CONVENTION_KINDS: &[(&str, &str)] = &[
    ("pedt", "Projet éducatif territorial (PEDT)"),
    (
        "cteac",
        "Contrat territorial d'éducation artistique et culturelle (CTEAC)",
    ),
    (
        "pleac",
        "Plan local d'éducation artistique et culturelle (PLEAC)",
    ),
    ("ruralite", "Convention ruralité"),
    ("autre", "Autre convention"),
];

pub fn convention_kind_label(code: &str) -> &'static str {
    CONVENTION_KINDS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Convention", |(_, l)| *l)
}

/// A partner as the coordination types it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPartner {
    pub name: String,
    pub kind: String,
}

impl NewPartner {
    pub fn parse(name: &str, kind: &str) -> Result<Self, FieldError> {
        let name = bounded(&one_line(name), "name", 2..=200, "Le nom du partenaire")?;
        let kind = kind.trim();
        if !PARTNER_KINDS.iter().any(|(c, _)| *c == kind) {
            return Err(field(
                "kind",
                format!("type de partenaire inconnu : « {kind} »"),
            ));
        }
        Ok(Self {
            name,
            kind: kind.to_owned(),
        })
    }
}

/// Someone to reach at a partner: a name, and at least one way to reach them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub role: String,
    pub email: String,
    pub phone: String,
}

impl Contact {
    pub fn parse(name: &str, role: &str, email: &str, phone: &str) -> Result<Self, FieldError> {
        let name = bounded(&one_line(name), "name", 2..=120, "Le nom du contact")?;
        let role = bounded(&one_line(role), "role", 0..=120, "La fonction")?;
        let email = email.trim().to_lowercase();
        if !email.is_empty() && crate::accounts::Email::parse(&email).is_err() {
            return Err(field(
                "email",
                format!("« {email} » n'est pas une adresse électronique"),
            ));
        }
        let phone = one_line(phone);
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !phone.is_empty()
            && (!(10..=15).contains(&digits)
                || !phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || " .+-()".contains(c)))
        {
            return Err(field(
                "phone",
                format!("« {phone} » n'est pas un numéro de téléphone"),
            ));
        }
        if email.is_empty() && phone.is_empty() {
            return Err(field(
                "email",
                "donnez au moins une adresse électronique ou un téléphone",
            ));
        }
        Ok(Self {
            name,
            role,
            email,
            phone,
        })
    }
}

/// A convention as the coordination types it: its parties one a line, its dates
/// (`2026-09-01`), in days since 1970-01-01.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Convention {
    pub kind: String,
    pub title: String,
    pub parties: Vec<String>,
    pub starts_on: i64,
    pub ends_on: i64,
}

impl Convention {
    pub fn parse(
        kind: &str,
        title: &str,
        parties: &str,
        starts_on: &str,
        ends_on: &str,
    ) -> Result<Self, FieldError> {
        let kind = kind.trim();
        if !CONVENTION_KINDS.iter().any(|(c, _)| *c == kind) {
            return Err(field(
                "kind",
                format!("type de convention inconnu : « {kind} »"),
            ));
        }
        let title = bounded(&one_line(title), "title", 3..=200, "L'intitulé")?;
        let parties: Vec<String> = parties
            .lines()
            .map(one_line)
            .filter(|p| !p.is_empty())
            .collect();
        if parties.len() < 2 {
            return Err(field(
                "parties",
                "une convention lie au moins deux parties : une par ligne",
            ));
        }
        if parties.len() > 30 || parties.iter().any(|p| p.chars().count() > 200) {
            return Err(field(
                "parties",
                "30 parties au plus, de 200 caractères chacune au plus",
            ));
        }
        let required = |text: &str, name, what: &str| {
            day(text, name)?.ok_or_else(|| field(name, format!("indiquez la date {what}")))
        };
        let starts_on = required(starts_on, "starts_on", "de début")?;
        let ends_on = required(ends_on, "ends_on", "de fin")?;
        if ends_on <= starts_on {
            return Err(field("ends_on", "la convention finit après avoir commencé"));
        }
        Ok(Self {
            kind: kind.to_owned(),
            title,
            parties,
            starts_on,
            ends_on,
        })
    }
}

/// A new end date for a renewed convention, after its current end.
pub fn parse_renewal(text: &str, ends_on: i64) -> Result<i64, FieldError> {
    let new = day(text, "ends_on")?
        .ok_or_else(|| field("ends_on", "indiquez la nouvelle date de fin"))?;
    if new <= ends_on {
        return Err(field(
            "ends_on",
            "le renouvellement repousse la date de fin de la convention",
        ));
    }
    Ok(new)
}

/// Where a convention stands on `today` (days since 1970-01-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    NotYet,
    Running,
    /// It ends within the renewal notice: days left.
    EndsSoon(i64),
    Ended,
}

impl Standing {
    pub fn of(starts_on: i64, ends_on: i64, today: i64) -> Self {
        if today > ends_on {
            Self::Ended
        } else if ends_on - today <= RENEWAL_NOTICE_DAYS {
            Self::EndsSoon(ends_on - today)
        } else if today < starts_on {
            Self::NotYet
        } else {
            Self::Running
        }
    }

    pub fn label(self) -> String {
        match self {
            Self::NotYet => "À venir".to_owned(),
            Self::Running => "En cours".to_owned(),
            Self::EndsSoon(0) => "Finit aujourd'hui : à renouveler".to_owned(),
            Self::EndsSoon(1) => "Finit demain : à renouveler".to_owned(),
            Self::EndsSoon(n) => format!("Finit dans {n} jours : à renouveler"),
            Self::Ended => "Terminée".to_owned(),
        }
    }
}

/// A document of a convention: PDF or office text, 10 Mo at most.
pub const DOCUMENT_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// The document's name, if it is of a kind the platform keeps for conventions.
pub fn document_name(name: &str) -> Result<String, String> {
    let name = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_lowercase());
    match ext.as_deref() {
        _ if name.is_empty() || name.chars().count() > 200 => Err(
            "choisissez le fichier de la convention (un nom de 200 caractères au plus)".to_owned(),
        ),
        Some("pdf" | "odt" | "docx" | "doc") => Ok(name.to_owned()),
        _ => Err(format!(
            "« {name} » : la convention se joint en PDF, ODT ou DOCX"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions_bind_two_parties_for_a_while() -> Result<(), FieldError> {
        let c = Convention::parse(
            "cteac",
            " CTEAC du  Pas-de-Calais ",
            "DRAC Hauts-de-France\n\nDépartement du Pas-de-Calais\n",
            "2026-09-01",
            "2029-08-31",
        )?;
        assert_eq!(c.title, "CTEAC du Pas-de-Calais");
        assert_eq!(c.parties.len(), 2);
        assert_eq!(c.ends_on - c.starts_on, 1095);
        let refused = |kind, parties, from, to| {
            Convention::parse(kind, "Le PEDT", parties, from, to).map_err(|e| e.field)
        };
        assert_eq!(
            refused("x", "a\nb", "2026-09-01", "2027-09-01"),
            Err("kind")
        );
        assert_eq!(
            refused("pedt", "la ville", "2026-09-01", "2027-09-01"),
            Err("parties")
        );
        assert_eq!(refused("pedt", "a\nb", "", "2027-09-01"), Err("starts_on"));
        assert_eq!(
            refused("pedt", "a\nb", "2026-09-01", "2026-09-01"),
            Err("ends_on")
        );
        assert_eq!(
            refused("pedt", "a\nb", "2026-09-01", "01/09/2027"),
            Err("ends_on")
        );
        assert_eq!(
            parse_renewal("2029-08-31", c.ends_on).map_err(|e| e.field),
            Err("ends_on")
        );
        assert_eq!(parse_renewal("2030-08-31", c.ends_on), Ok(c.ends_on + 365));
        assert_eq!(
            convention_kind_label("pleac"),
            "Plan local d'éducation artistique et culturelle (PLEAC)"
        );
        Ok(())
    }

    #[test]
    fn where_a_convention_stands() {
        assert_eq!(Standing::of(100, 500, 50), Standing::NotYet);
        assert_eq!(Standing::of(100, 500, 200), Standing::Running);
        assert_eq!(Standing::of(100, 500, 410), Standing::EndsSoon(90));
        assert_eq!(
            Standing::of(100, 500, 500).label(),
            "Finit aujourd'hui : à renouveler"
        );
        assert_eq!(Standing::of(100, 500, 501), Standing::Ended);
    }

    #[test]
    fn contacts_partners_and_documents() {
        assert!(Contact::parse("Mme Durand", "Chargée de mission", "", "03 21 00 00 00").is_ok());
        assert_eq!(
            Contact::parse("Mme Durand", "", "", "").map_err(|e| e.field),
            Err("email")
        );
        assert_eq!(
            Contact::parse("Mme Durand", "", "durand", "").map_err(|e| e.field),
            Err("email")
        );
        assert_eq!(
            Contact::parse("Mme Durand", "", "", "12").map_err(|e| e.field),
            Err("phone")
        );
        assert!(NewPartner::parse("Médiathèque", "culture").is_ok());
        assert_eq!(
            NewPartner::parse("Médiathèque", "club").map_err(|e| e.field),
            Err("kind")
        );
        assert_eq!(
            document_name("C:\\docs\\CTEAC 2026.pdf"),
            Ok("CTEAC 2026.pdf".to_owned())
        );
        assert!(document_name("virus.exe").is_err());
        assert!(document_name("").is_err());
    }
}
