//! The controlled vocabularies a practice is tagged with, and free tags.

/// A vocabulary of tags. A tag is stored as `(vocabulary code, tag code)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Vocabulary {
    /// Cycles 1–4 and the lycée levels.
    Level,
    Subject,
    /// The competences of the 21st century.
    Skill,
    /// The five domains of the socle commun de connaissances, de compétences et de culture.
    Socle,
    Dispositif,
    /// Anything the authors type.
    Free,
}

pub const VOCABULARIES: [Vocabulary; 6] = [
    Vocabulary::Level,
    Vocabulary::Subject,
    Vocabulary::Skill,
    Vocabulary::Socle,
    Vocabulary::Dispositif,
    Vocabulary::Free,
];

const LEVELS: &[(&str, &str)] = &[
    ("cycle-1", "Cycle 1 (maternelle)"),
    ("cycle-2", "Cycle 2 (CP, CE1, CE2)"),
    ("cycle-3", "Cycle 3 (CM1, CM2, 6e)"),
    ("cycle-4", "Cycle 4 (5e, 4e, 3e)"),
    ("seconde", "Seconde"),
    ("premiere", "Première"),
    ("terminale", "Terminale"),
    (
        "voie-professionnelle",
        "Voie professionnelle (CAP, bac pro)",
    ),
    ("post-bac", "Post-bac (BTS, CPGE)"),
];

const SUBJECTS: &[(&str, &str)] = &[
    ("francais", "Français"),
    ("mathematiques", "Mathématiques"),
    ("histoire-geographie", "Histoire-géographie"),
    ("emc", "Enseignement moral et civique"),
    ("langues-vivantes", "Langues vivantes"),
    ("sciences-technologie", "Sciences et technologie"),
    ("svt", "Sciences de la vie et de la Terre"),
    ("physique-chimie", "Physique-chimie"),
    ("technologie", "Technologie"),
    ("arts-plastiques", "Arts plastiques"),
    ("education-musicale", "Éducation musicale"),
    ("eps", "Éducation physique et sportive"),
    ("philosophie", "Philosophie"),
    ("ses", "Sciences économiques et sociales"),
    ("nsi", "Numérique et sciences informatiques"),
    ("enseignement-professionnel", "Enseignement professionnel"),
    ("documentation", "Documentation"),
    ("vie-scolaire", "Vie scolaire"),
    ("interdisciplinaire", "Interdisciplinaire"),
];

const SKILLS: &[(&str, &str)] = &[
    ("collaboration", "Coopération et collaboration"),
    ("communication", "Communication"),
    ("creativite", "Créativité"),
    ("esprit-critique", "Esprit critique"),
    ("resolution-problemes", "Résolution de problèmes"),
    ("numerique", "Compétences numériques"),
    ("citoyennete", "Citoyenneté"),
    ("apprendre-a-apprendre", "Apprendre à apprendre"),
];

const SOCLE: &[(&str, &str)] = &[
    ("d1", "Domaine 1 : les langages pour penser et communiquer"),
    ("d2", "Domaine 2 : les méthodes et outils pour apprendre"),
    (
        "d3",
        "Domaine 3 : la formation de la personne et du citoyen",
    ),
    (
        "d4",
        "Domaine 4 : les systèmes naturels et les systèmes techniques",
    ),
    (
        "d5",
        "Domaine 5 : les représentations du monde et l'activité humaine",
    ),
];

const DISPOSITIFS: &[(&str, &str)] = &[
    ("devoirs-faits", "Devoirs faits"),
    ("co-enseignement", "Co-enseignement"),
    ("classe-flexible", "Classe flexible"),
    ("classe-inversee", "Classe inversée"),
    ("tutorat", "Tutorat entre pairs"),
    ("pedagogie-projet", "Pédagogie de projet"),
    ("eac", "Éducation artistique et culturelle (PEAC)"),
    ("cite-educative", "Cité éducative"),
    ("cordees-reussite", "Cordées de la réussite"),
    ("liaison-ecole-college", "Liaison école-collège"),
];

impl Vocabulary {
    pub fn code(self) -> &'static str {
        match self {
            Self::Level => "level",
            Self::Subject => "subject",
            Self::Skill => "skill",
            Self::Socle => "socle",
            Self::Dispositif => "dispositif",
            Self::Free => "free",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        VOCABULARIES.into_iter().find(|v| v.code() == code)
    }

    /// The heading of the vocabulary in forms and facets.
    pub fn label(self) -> &'static str {
        match self {
            Self::Level => "Cycle ou niveau",
            Self::Subject => "Discipline",
            Self::Skill => "Compétence du XXIe siècle",
            Self::Socle => "Domaine du socle commun",
            Self::Dispositif => "Dispositif",
            Self::Free => "Mots-clés",
        }
    }

    /// The allowed tags `(code, label)`; empty for free tags.
    pub fn terms(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::Level => LEVELS,
            Self::Subject => SUBJECTS,
            Self::Skill => SKILLS,
            Self::Socle => SOCLE,
            Self::Dispositif => DISPOSITIFS,
            Self::Free => &[],
        }
    }

    /// The label of a tag of this vocabulary; a free tag is its own label.
    pub fn term_label(self, code: &str) -> Option<&'static str> {
        self.terms()
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, label)| *label)
    }
}

/// A tag of a practice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag {
    pub vocabulary: Vocabulary,
    pub code: String,
}

impl Tag {
    /// A tag of a controlled vocabulary; unknown codes are refused.
    pub fn controlled(vocabulary: Vocabulary, code: &str) -> Result<Self, String> {
        match vocabulary.term_label(code) {
            Some(_) => Ok(Self {
                vocabulary,
                code: code.to_owned(),
            }),
            None => Err(format!(
                "« {code} » n'est pas une valeur connue de la liste « {} »",
                vocabulary.label()
            )),
        }
    }

    /// A free tag as typed: trimmed, inner spaces collapsed, lower case; 2 to 40 characters.
    pub fn free(text: &str) -> Result<Self, String> {
        let code = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let length = code.chars().count();
        if !(2..=40).contains(&length) || code.chars().any(char::is_control) {
            return Err(format!(
                "le mot-clé « {} » doit compter de 2 à 40 caractères",
                text.trim()
            ));
        }
        Ok(Self {
            vocabulary: Vocabulary::Free,
            code,
        })
    }

    pub fn parse(vocabulary: &str, code: &str) -> Result<Self, String> {
        match Vocabulary::from_code(vocabulary) {
            Some(Vocabulary::Free) => Self::free(code),
            Some(v) => Self::controlled(v, code),
            None => Err(format!("liste de mots-clés inconnue : « {vocabulary} »")),
        }
    }

    pub fn label(&self) -> &str {
        self.vocabulary
            .term_label(&self.code)
            .unwrap_or(self.code.as_str())
    }
}

/// The tags of the subjects and levels a person teaches, as their profile writes them
/// (« Mathématiques », « CM1 », « 4e »…): a subject matches its label or code, whatever the case
/// and accents; a class level matches the cycle or level whose label names it. What matches
/// nothing is left out.
pub fn profile_tags(subjects: &[String], levels: &[String]) -> Vec<Tag> {
    use crate::text::fold;
    let mut tags = Vec::new();
    let mut push = |vocabulary: Vocabulary, code: &str| {
        let tag = Tag {
            vocabulary,
            code: code.to_owned(),
        };
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    };
    for subject in subjects {
        let wanted = fold(subject);
        for (code, label) in SUBJECTS {
            if fold(label) == wanted || fold(code) == wanted {
                push(Vocabulary::Subject, code);
            }
        }
    }
    for level in levels {
        let wanted = fold(level);
        if wanted.is_empty() {
            continue;
        }
        for (code, label) in LEVELS {
            let folded = fold(label);
            if folded == wanted
                || fold(code) == wanted
                || folded.split(' ').any(|word| word == wanted)
            {
                push(Vocabulary::Level, code);
            }
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_names_its_subjects_and_levels() {
        let tags = profile_tags(
            &["mathématiques".to_owned(), "Astrologie".to_owned()],
            &["CM1".to_owned(), "4e".to_owned(), "Seconde".to_owned()],
        );
        let codes: Vec<&str> = tags.iter().map(|t| t.code.as_str()).collect();
        assert_eq!(codes, ["mathematiques", "cycle-3", "cycle-4", "seconde"]);
        assert!(profile_tags(&[], &[String::new()]).is_empty());
    }

    #[test]
    fn controlled_tags_must_be_known() {
        assert_eq!(
            Tag::parse("level", "cycle-3").map(|t| t.label().to_owned()),
            Ok("Cycle 3 (CM1, CM2, 6e)".to_owned())
        );
        assert!(Tag::parse("level", "cycle-9").is_err());
        assert!(Tag::parse("colour", "red").is_err());
        assert_eq!(Tag::parse("socle", "d4").map(|t| t.code), Ok("d4".into()));
    }

    #[test]
    fn free_tags_are_tidied() {
        assert_eq!(
            Tag::free("  Jardin   PÉDAGOGIQUE ").map(|t| t.code),
            Ok("jardin pédagogique".to_owned())
        );
        assert!(Tag::free("x").is_err());
        assert!(Tag::free(&"a".repeat(41)).is_err());
    }

    #[test]
    fn every_vocabulary_round_trips() {
        for v in VOCABULARIES {
            assert_eq!(Vocabulary::from_code(v.code()), Some(v));
        }
    }
}
