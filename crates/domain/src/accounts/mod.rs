//! People and their accounts: functions, e-mail addresses, names, passwords.

pub mod audit;
pub mod exceptional;
mod function;
pub mod password;
pub mod privacy;
pub mod sso;

pub use function::Function;

/// An e-mail address, trimmed and lower-cased; a light shape check (the real check is the
/// mail that reaches it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("l'adresse électronique « {0} » n'est pas valide")]
    Email(String),
    #[error("le nom doit compter entre 2 et 120 caractères")]
    Name,
    #[error("le mot de passe doit compter au moins {MIN_PASSWORD_LEN} caractères")]
    PasswordTooShort,
    #[error("le mot de passe ne doit pas dépasser {MAX_PASSWORD_LEN} caractères")]
    PasswordTooLong,
    #[error("fonction « {0} » inconnue")]
    Function(String),
}

impl Email {
    pub fn parse(input: &str) -> Result<Self, AccountError> {
        let email = input.trim().to_lowercase();
        let valid = email.len() <= 254
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            })
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if valid {
            Ok(Self(email))
        } else {
            Err(AccountError::Email(input.trim().to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's displayed name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, AccountError> {
        let name = crate::text::one_line(input);
        let len = name.chars().count();
        if (2..=120).contains(&len) && !name.chars().any(char::is_control) {
            Ok(Self(name))
        } else {
            Err(AccountError::Name)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The address of the demo account of a function, or of the administrator (demo mode only).
pub fn demo_email(function: Option<Function>) -> String {
    format!(
        "{}@demo.territoire.fr",
        function.map_or("admin", Function::code)
    )
}

/// The end of an invited account: the date chosen, from tomorrow to three years ahead; by
/// default the end of the school year (31 August).
pub fn invited_account_end(text: &str, today: time::Date) -> Result<time::Date, String> {
    if text.trim().is_empty() {
        return Ok(school_year_end(today));
    }
    let date = crate::practices::consent::parse_date(text, "la date de fin du compte")?;
    let latest = today.replace_year(today.year() + 3).unwrap_or(today);
    if date <= today {
        Err("la date de fin du compte doit être postérieure à aujourd'hui".to_owned())
    } else if date > latest {
        Err("un compte invité dure au plus trois ans".to_owned())
    } else {
        Ok(date)
    }
}

/// The 31 August that ends the current school year.
pub fn school_year_end(today: time::Date) -> time::Date {
    let year = if today.month() as u8 >= 9 {
        today.year() + 1
    } else {
        today.year()
    };
    time::Date::from_calendar_date(year, time::Month::August, 31).unwrap_or(today)
}

pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 256;

/// Checks a new password (length only, as ANSSI advises for long passphrases).
pub fn check_new_password(password: &str) -> Result<(), AccountError> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        Err(AccountError::PasswordTooShort)
    } else if len > MAX_PASSWORD_LEN {
        Err(AccountError::PasswordTooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Marie.Curie@AC-Lille.fr ").map(|e| e.to_string()),
            Ok("marie.curie@ac-lille.fr".to_owned())
        );
        for bad in [
            "",
            "marie",
            "@ac-lille.fr",
            "marie@",
            "marie@lille",
            "ma rie@ac-lille.fr",
            "a@b@c.fr",
            "a@.fr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn invited_accounts_end_within_three_years() {
        use time::macros::date;
        let today = date!(2026 - 11 - 23);
        assert_eq!(invited_account_end("", today), Ok(date!(2027 - 08 - 31)));
        assert_eq!(
            school_year_end(date!(2027 - 03 - 01)),
            date!(2027 - 08 - 31)
        );
        assert_eq!(
            invited_account_end("2027-06-30", today),
            Ok(date!(2027 - 06 - 30))
        );
        assert!(invited_account_end("2026-11-23", today).is_err(), "today");
        assert!(invited_account_end("2030-01-01", today).is_err(), "too far");
        assert!(
            invited_account_end("30/06/2027", today).is_err(),
            "not a date"
        );
        assert!(Function::Partenaire.invitable() && !Function::Ien.invitable());
        assert!(Function::Enseignant1d.self_service() && !Function::Ien.self_service());
    }

    #[test]
    fn names_and_passwords() {
        assert_eq!(
            PersonName::parse("  Marie   Curie ").map(|n| n.as_str().to_owned()),
            Ok("Marie Curie".to_owned())
        );
        assert_eq!(PersonName::parse("M"), Err(AccountError::Name));
        assert_eq!(
            check_new_password("court"),
            Err(AccountError::PasswordTooShort)
        );
        assert_eq!(
            check_new_password(&"x".repeat(300)),
            Err(AccountError::PasswordTooLong)
        );
        assert_eq!(check_new_password("une longue phrase de passe"), Ok(()));
    }
}
