//! Image rights of videos. A video declares who appears in it; a video showing pupils needs a
//! consent record (authorisations for every pupil shown, with a scope and an expiry date), and
//! the practice that carries it can never be seen wider than that scope.

use time::Date;

use super::Visibility;

/// Who can be recognised in a video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Appearance {
    Nobody,
    Adults,
    Pupils,
}

impl Appearance {
    pub fn code(self) -> &'static str {
        match self {
            Self::Nobody => "nobody",
            Self::Adults => "adults",
            Self::Pupils => "pupils",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Nobody, Self::Adults, Self::Pupils]
            .into_iter()
            .find(|a| a.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Nobody => "Personne d'identifiable",
            Self::Adults => "Des adultes (qui ont donné leur accord)",
            Self::Pupils => "Des élèves",
        }
    }
}

/// The authorisations collected for the pupils of one video.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// How many pupils can be recognised.
    pub pupils: u32,
    /// Who keeps the signed forms (e.g. « secrétariat de l'école Jean-Jaurès »).
    pub keeper: String,
    pub collected_on: Date,
    /// The widest audience the families agreed to.
    pub scope: Visibility,
    pub expires_on: Date,
}

/// A consent as typed in the form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ConsentInput {
    #[serde(default)]
    pub pupils: String,
    /// How many of those pupils have a signed "yes".
    #[serde(default)]
    pub authorised: String,
    #[serde(default)]
    pub keeper: String,
    #[serde(default)]
    pub collected_on: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub expires_on: String,
}

const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// A date typed as `AAAA-MM-JJ` (what `<input type="date">` sends).
pub fn parse_date(text: &str, what: &str) -> Result<Date, String> {
    Date::parse(text.trim(), DATE)
        .map_err(|_| format!("{what} « {} » n'est pas une date (AAAA-MM-JJ)", text.trim()))
}

pub fn format_date(date: Date) -> String {
    date.format(DATE).unwrap_or_default()
}

/// `12 mars 2027`.
pub fn french_date(date: Date) -> String {
    format!(
        "{} {} {}",
        date.day(),
        crate::indicators::month::MONTHS_FR[usize::from(u8::from(date.month())) - 1],
        date.year()
    )
}

impl Consent {
    pub fn parse(input: &ConsentInput, today: Date) -> Result<Self, String> {
        let count = |text: &str, what: &str| -> Result<u32, String> {
            text.trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=200).contains(n))
                .ok_or_else(|| format!("{what} doit être un nombre entre 1 et 200"))
        };
        let pupils = count(&input.pupils, "le nombre d'élèves visibles")?;
        let authorised = input.authorised.trim().parse::<u32>().unwrap_or(0);
        if authorised != pupils {
            return Err(format!(
                "chaque élève visible doit avoir une autorisation signée : {authorised} sur {pupils}. \
                 Floutez ou coupez les élèves sans autorisation avant de publier"
            ));
        }
        let keeper = input.keeper.trim();
        if keeper.chars().count() < 3 {
            return Err("indiquez qui conserve les autorisations signées".to_owned());
        }
        let collected_on = parse_date(&input.collected_on, "la date de recueil")?;
        if collected_on > today {
            return Err("la date de recueil ne peut pas être dans le futur".to_owned());
        }
        let expires_on = parse_date(&input.expires_on, "la date d'expiration")?;
        if expires_on <= today {
            return Err("la date d'expiration doit être dans le futur".to_owned());
        }
        let scope = match Visibility::from_code(input.scope.trim()) {
            Some(Visibility::Private) | None => {
                return Err(
                    "choisissez la portée de l'autorisation : territoire, plateforme ou public"
                        .to_owned(),
                );
            }
            Some(scope) => scope,
        };
        Ok(Self {
            pupils,
            keeper: keeper.to_owned(),
            collected_on,
            scope,
            expires_on,
        })
    }

    pub fn is_valid_on(&self, day: Date) -> bool {
        self.expires_on > day
    }
}

/// The widest visibility a video allows its practice on `today`, or why it cannot be shown
/// beyond its authors.
pub fn video_cap(
    appearance: Appearance,
    consent: Option<&Consent>,
    today: Date,
) -> Result<Visibility, &'static str> {
    match (appearance, consent) {
        (Appearance::Nobody | Appearance::Adults, _) => Ok(Visibility::Public),
        (Appearance::Pupils, None) => Err(
            "une vidéo où apparaissent des élèves ne peut être publiée sans autorisations de droit à l'image",
        ),
        (Appearance::Pupils, Some(c)) if !c.is_valid_on(today) => {
            Err("les autorisations de droit à l'image de cette vidéo ont expiré")
        }
        (Appearance::Pupils, Some(c)) => Ok(c.scope),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    fn input() -> ConsentInput {
        ConsentInput {
            pupils: "12".into(),
            authorised: "12".into(),
            keeper: "Secrétariat de l'école".into(),
            collected_on: "2026-09-15".into(),
            scope: "territory".into(),
            expires_on: "2027-08-31".into(),
        }
    }

    #[test]
    fn parses_a_consent() -> Result<(), String> {
        let c = Consent::parse(&input(), TODAY)?;
        assert_eq!(c.scope, Visibility::Territory);
        assert_eq!(c.expires_on, date!(2027 - 08 - 31));
        assert_eq!(french_date(c.expires_on), "31 août 2027");
        Ok(())
    }

    #[test]
    fn refuses_incomplete_consents() {
        let cases: [fn(&mut ConsentInput); 7] = [
            |i| i.authorised = "11".into(),
            |i| i.pupils = "0".into(),
            |i| i.keeper = " ".into(),
            |i| i.collected_on = "2027-01-01".into(),
            |i| i.collected_on = "15/09/2026".into(),
            |i| i.expires_on = "2026-11-22".into(),
            |i| i.scope = "private".into(),
        ];
        for change in cases {
            let mut i = input();
            change(&mut i);
            assert!(Consent::parse(&i, TODAY).is_err(), "{i:?}");
        }
    }

    #[test]
    fn caps_visibility() -> Result<(), String> {
        let consent = Consent::parse(&input(), TODAY)?;
        assert_eq!(
            video_cap(Appearance::Nobody, None, TODAY),
            Ok(Visibility::Public)
        );
        assert!(video_cap(Appearance::Pupils, None, TODAY).is_err());
        assert_eq!(
            video_cap(Appearance::Pupils, Some(&consent), TODAY),
            Ok(Visibility::Territory)
        );
        assert!(video_cap(Appearance::Pupils, Some(&consent), date!(2027 - 08 - 31)).is_err());
        Ok(())
    }
}
