use std::fmt;

/// The *Unité administrative immatriculée* code of an establishment: 7 digits and a letter,
/// as `0620001A`. Parsing trims and upper-cases.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Uai(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UaiError {
    #[error(
        "le code UAI « {0} » n'est pas valide : il faut 7 chiffres suivis d'une lettre (ex. 0620001P)"
    )]
    Shape(String),
    #[error(
        "le code UAI « {uai} » n'est pas valide : la lettre de contrôle de {digits} est {expected}"
    )]
    CheckLetter {
        uai: String,
        digits: String,
        expected: char,
    },
}

/// Letters used as the UAI check letter (I, O and Q are left out).
const CHECK_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

impl Uai {
    pub fn parse(input: &str) -> Result<Self, UaiError> {
        let code = input.trim().to_ascii_uppercase();
        let bytes = code.as_bytes();
        let shaped = bytes.len() == 8
            && bytes[..7].iter().all(u8::is_ascii_digit)
            && bytes[7].is_ascii_uppercase();
        if shaped {
            Ok(Self(code))
        } else {
            Err(UaiError::Shape(input.trim().to_owned()))
        }
    }

    /// A UAI whose check letter is the one its seven digits give (their number modulo 23, read
    /// in `ABCDEFGHJKLMNPRSTUVWXYZ`), as the official directory's are: `0620003Z` is refused,
    /// `0620003S` is not.
    pub fn parse_checked(input: &str) -> Result<Self, UaiError> {
        let uai = Self::parse(input)?;
        let digits = &uai.0[..7];
        let number: u32 = digits
            .parse()
            .map_err(|_| UaiError::Shape(input.trim().to_owned()))?;
        let expected = Self::from_number(number);
        if expected == uai {
            Ok(uai)
        } else {
            Err(UaiError::CheckLetter {
                uai: uai.0.clone(),
                digits: digits.to_owned(),
                expected: char::from(expected.0.as_bytes()[7]),
            })
        }
    }

    /// Builds a UAI from its 7-digit number with the official check letter (number mod 23),
    /// as the demo generator needs.
    pub fn from_number(number: u32) -> Self {
        let number = number % 10_000_000;
        let letter = CHECK_LETTERS[(number % 23) as usize] as char;
        Self(format!("{number:07}{letter}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Uai {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_seven_digits_and_a_letter() {
        assert_eq!(
            Uai::parse("0620001A").map(|u| u.to_string()),
            Ok("0620001A".to_owned())
        );
        assert_eq!(
            Uai::parse(" 0631234z ").map(|u| u.to_string()),
            Ok("0631234Z".to_owned())
        );
    }

    #[test]
    fn rejects_other_shapes() {
        for bad in [
            "",
            "062001A",
            "06200012A",
            "0620001",
            "062000AA",
            "A6200011",
            "0620001É",
            "0620001-",
        ] {
            assert!(Uai::parse(bad).is_err(), "{bad} should be refused");
        }
        let message = Uai::parse("12")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.contains("« 12 »") && message.contains("7 chiffres"));
    }

    #[test]
    fn generated_codes_parse_and_carry_the_check_letter() {
        let uai = Uai::from_number(620_001);
        assert_eq!(uai.as_str(), "0620001P");
        assert!(Uai::parse(uai.as_str()).is_ok());
    }

    #[test]
    fn the_check_letter_follows_the_digits() {
        assert_eq!(
            Uai::parse_checked("0620001p").map(|u| u.to_string()),
            Ok("0620001P".to_owned())
        );
        assert_eq!(
            Uai::parse_checked("0620003Z").map_err(|e| e.to_string()),
            Err("le code UAI « 0620003Z » n'est pas valide : la lettre de contrôle de 0620003 est S".to_owned())
        );
        assert!(matches!(
            Uai::parse_checked("062003R"),
            Err(UaiError::Shape(_))
        ));
        for number in [0, 1, 620_001, 9_999_999] {
            let uai = Uai::from_number(number);
            assert_eq!(Uai::parse_checked(uai.as_str()), Ok(uai));
        }
    }
}
