//! Names of files and folders: kept exactly as typed (accents, spaces, punctuation), never a
//! way out of their folder.

/// The name of a file or folder in a shared folder.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EntryName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("le nom est vide")]
    Empty,
    #[error("le nom « {0} » est réservé")]
    Reserved(String),
    #[error(
        "un nom ne peut contenir ni « / », ni « \\ », ni caractère de contrôle ou d'inversion du sens d'écriture"
    )]
    Forbidden,
    #[error("le nom est trop long (255 octets au plus)")]
    TooLong,
}

impl EntryName {
    /// The most a name may take, in bytes of UTF-8, as on common file systems.
    pub const MAX_BYTES: usize = 255;

    pub fn parse(name: &str) -> Result<Self, NameError> {
        if name.trim().is_empty() {
            return Err(NameError::Empty);
        }
        if name == "." || name == ".." {
            return Err(NameError::Reserved(name.to_owned()));
        }
        if name.chars().any(|c| c == '/' || c == '\\')
            || crate::text::forbidden_char_in_line(name).is_some()
        {
            return Err(NameError::Forbidden);
        }
        if name.len() > Self::MAX_BYTES {
            return Err(NameError::TooLong);
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name a restored or copied entry takes when its own is taken: `rapport (2).odt`.
    pub fn numbered(&self, n: u32) -> Self {
        let (stem, extension) = match self.0.rsplit_once('.') {
            Some((stem, extension)) if !stem.is_empty() => (stem, Some(extension)),
            _ => (self.0.as_str(), None),
        };
        Self(match extension {
            Some(extension) => format!("{stem} ({n}).{extension}"),
            None => format!("{stem} ({n})"),
        })
    }
}

impl std::fmt::Display for EntryName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The names of a path inside a space (`/Compte rendus/réunion 1.odt`), each checked. The root
/// is the empty list.
pub fn parse_path(path: &str) -> Result<Vec<EntryName>, NameError> {
    path.split('/')
        .filter(|segment| !segment.is_empty())
        .map(EntryName::parse)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_names_as_typed() -> Result<(), NameError> {
        for name in [
            "Compte rendu — réunion n°3 (version finale).odt",
            " espace devant",
            "ÉLÈVES & parents ; 100 % ?",
            "日本語.txt",
            ".cache",
            "...",
        ] {
            assert_eq!(EntryName::parse(name)?.as_str(), name);
        }
        Ok(())
    }

    #[test]
    fn refuses_ways_out() {
        assert_eq!(
            EntryName::parse(".."),
            Err(NameError::Reserved("..".into()))
        );
        assert_eq!(EntryName::parse("."), Err(NameError::Reserved(".".into())));
        assert_eq!(EntryName::parse("a/b"), Err(NameError::Forbidden));
        assert_eq!(
            EntryName::parse("..\\..\\win.ini"),
            Err(NameError::Forbidden)
        );
        assert_eq!(EntryName::parse("a\0b"), Err(NameError::Forbidden));
        assert_eq!(EntryName::parse("a\nb"), Err(NameError::Forbidden));
        assert_eq!(EntryName::parse("   "), Err(NameError::Empty));
        assert_eq!(EntryName::parse(&"é".repeat(128)), Err(NameError::TooLong));
        assert!(parse_path("/a/../b").is_err());
    }

    #[test]
    fn numbers_names() -> Result<(), NameError> {
        assert_eq!(
            EntryName::parse("rapport.odt")?.numbered(2).as_str(),
            "rapport (2).odt"
        );
        assert_eq!(
            EntryName::parse("Photos")?.numbered(3).as_str(),
            "Photos (3)"
        );
        assert_eq!(
            EntryName::parse(".profile")?.numbered(2).as_str(),
            ".profile (2)"
        );
        assert_eq!(
            parse_path("/Comptes rendus//réunion 1.odt")?
                .iter()
                .map(EntryName::as_str)
                .collect::<Vec<_>>(),
            ["Comptes rendus", "réunion 1.odt"]
        );
        Ok(())
    }
}
