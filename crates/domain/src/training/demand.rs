//! The demand for training: needs grouped by theme (the same words, whatever the case, the
//! accents, the plural and the little words: [`theme_key`]), without names; a theme asked for
//! by fewer than five is not counted on its own but merged into « autres », itself not counted
//! when fewer than five — the office still sees those themes, without counts, to act on them.

use std::collections::HashMap;

use crate::text::fold;

/// Below this many needs, a group is not shown on its own (it could point at someone).
pub const SMALL_GROUP: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// The most frequent spelling of the theme.
    pub theme: String,
    pub count: usize,
}

/// The themes asked for by fewer than five each, together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Others {
    None,
    Count(usize),
    /// Fewer than five in all: not counted either.
    FewerThanFive,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demand {
    /// Most asked first.
    pub themes: Vec<Theme>,
    pub others: Others,
    /// The themes asked for by fewer than five each, in alphabetical order (their counts are
    /// kept for the totals, never shown).
    pub small: Vec<Theme>,
}

/// Words that do not make a theme different: « la gestion de classe » is « gestion classe ».
const LITTLE_WORDS: [&str; 16] = [
    "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "pour", "un",
    "une",
];

/// Words written in several ways for one thing (in the singular).
const SYNONYMS: [(&str, &str); 2] = [
    ("math", "mathematique"),
    ("eps", "education physique sportive"),
];

/// What makes two themes the same: the words, folded (no case, no accents), without the
/// little words, in the singular, a few synonyms made one — « Les maths au cycle 3 » and
/// « mathématique cycle 3 » are one theme.
pub fn theme_key(theme: &str) -> String {
    fold(theme)
        .split(' ')
        .filter(|w| !w.is_empty() && !LITTLE_WORDS.contains(w))
        .map(|w| {
            let single = match w.strip_suffix(['s', 'x']) {
                Some(stem) if stem.len() >= 3 => stem,
                _ => w,
            };
            SYNONYMS
                .iter()
                .find(|(from, _)| *from == w || *from == single)
                .map_or(single, |(_, to)| *to)
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A group of needs: how many, each spelling with its count, when it was first seen.
type Group = (usize, Vec<(String, usize)>, usize);

/// Groups the themes of the needs — each spelling with how many asked for it, in the order
/// they were first written — and applies the small-group rule.
pub fn aggregate<'a>(themes: impl IntoIterator<Item = (&'a str, usize)>) -> Demand {
    let mut groups: HashMap<String, Group> = HashMap::new();
    for (seen, (theme, count)) in themes.into_iter().enumerate() {
        let theme = crate::text::one_line(theme);
        let entry = groups
            .entry(theme_key(&theme))
            .or_insert_with(|| (0, Vec::new(), seen));
        entry.0 += count;
        match entry.1.iter_mut().find(|(s, _)| *s == theme) {
            Some((_, n)) => *n += count,
            None => entry.1.push((theme, count)),
        }
    }
    let mut shown = Vec::new();
    let mut small = Vec::new();
    let mut others = 0;
    for (count, spellings, first) in groups.into_values() {
        // The most frequent spelling; the first written on a tie.
        let theme = spellings
            .iter()
            .fold(None::<&(String, usize)>, |best, s| match best {
                Some(b) if b.1 >= s.1 => Some(b),
                _ => Some(s),
            })
            .map(|(s, _)| s.clone())
            .unwrap_or_default();
        if count < SMALL_GROUP {
            others += count;
            small.push(Theme { theme, count });
        } else {
            shown.push((Theme { theme, count }, first));
        }
    }
    shown.sort_by(|(a, fa), (b, fb)| b.count.cmp(&a.count).then(fa.cmp(fb)));
    small.sort_by_key(|t| fold(&t.theme));
    Demand {
        small,
        themes: shown.into_iter().map(|(t, _)| t).collect(),
        others: match others {
            0 => Others::None,
            n if n < SMALL_GROUP => Others::FewerThanFive,
            n => Others::Count(n),
        },
    }
}

/// The bounds of a school year typed as « 2026-2027 » or « 2026 »: from 1 September to
/// 1 September next (UTC), as Unix times.
pub fn school_year_bounds(text: &str) -> Result<(i64, i64), String> {
    let text = text.trim();
    let start = text.split_once('-').map_or(text, |(s, _)| s).trim();
    let year: i32 = start
        .parse()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| {
            format!("« {text} » n'est pas une année scolaire (par exemple 2026-2027)")
        })?;
    let first = |y: i32| {
        time::Date::from_calendar_date(y, time::Month::September, 1)
            .map(|d| d.midnight().assume_utc().unix_timestamp())
            .map_err(|e| e.to_string())
    };
    Ok((first(year)?, first(year + 1)?))
}

/// A module of the plan answering a theme (folded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleOffer {
    pub folded_theme: String,
    pub module_id: i64,
    pub title: String,
    pub capacity: i64,
    pub registered: i64,
    pub waitlisted: i64,
}

/// A theme of the demand and the modules that answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub theme: String,
    pub count: usize,
    /// The modules answering it: id and title.
    pub modules: Vec<(i64, String)>,
    pub seats: i64,
    pub registered: i64,
    pub waitlisted: i64,
}

/// The demand against the offer: each theme shown with its modules, each theme of « autres »
/// with its modules (no count); the needs covered by a module, those not covered — « autres »
/// included when it is counted, so that the counters and the table agree — and the people
/// waiting for a seat (each module once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub themes: Vec<Coverage>,
    /// The themes of « autres »: each with the modules answering it.
    pub small: Vec<(String, Vec<(i64, String)>)>,
    pub covered: usize,
    pub not_covered: usize,
    pub waiting: i64,
}

/// The needs counted against the offer so far.
#[derive(Default)]
struct Tally {
    covered: usize,
    not_covered: usize,
    waiting: i64,
    /// The modules whose waiting lists are counted (each once).
    modules: Vec<i64>,
}

impl Tally {
    /// `count` needs of a theme answered by `modules`: in the totals when `counted`.
    fn add(&mut self, count: usize, counted: bool, modules: &[&ModuleOffer]) {
        if counted {
            if modules.is_empty() {
                self.not_covered += count;
            } else {
                self.covered += count;
            }
        }
        for m in modules {
            if !self.modules.contains(&m.module_id) {
                self.modules.push(m.module_id);
                self.waiting += m.waitlisted;
            }
        }
    }
}

pub fn against_offer(demand: &Demand, offer: &[ModuleOffer]) -> Dashboard {
    let answering = |theme: &str| -> Vec<&ModuleOffer> {
        let key = theme_key(theme);
        offer
            .iter()
            .filter(|o| theme_key(&o.folded_theme) == key)
            .collect()
    };
    let titles = |modules: &[&ModuleOffer]| -> Vec<(i64, String)> {
        modules
            .iter()
            .map(|m| (m.module_id, m.title.clone()))
            .collect()
    };
    let mut tally = Tally::default();
    let others_counted = matches!(demand.others, Others::Count(_));
    let small = demand
        .small
        .iter()
        .map(|theme| {
            let modules = answering(&theme.theme);
            tally.add(theme.count, others_counted, &modules);
            (theme.theme.clone(), titles(&modules))
        })
        .collect();
    let themes = demand
        .themes
        .iter()
        .map(|theme| {
            let modules = answering(&theme.theme);
            tally.add(theme.count, true, &modules);
            Coverage {
                theme: theme.theme.clone(),
                count: theme.count,
                modules: titles(&modules),
                seats: modules.iter().map(|m| m.capacity).sum(),
                registered: modules.iter().map(|m| m.registered).sum(),
                waitlisted: modules.iter().map(|m| m.waitlisted).sum(),
            }
        })
        .collect();
    Dashboard {
        themes,
        small,
        covered: tally.covered,
        not_covered: tally.not_covered,
        waiting: tally.waiting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_under_five_are_merged_and_not_counted_when_few() {
        let mut needs = vec!["Conduire un débat réglé"; 4];
        needs.push("conduire un debat regle");
        needs.extend(["Oral en maternelle"; 6]);
        needs.extend(["Évaluer sans noter"; 3]);
        needs.push("Climat scolaire");
        let demand = aggregate(needs.iter().map(|t| (*t, 1)));
        assert_eq!(
            demand.themes,
            [
                Theme {
                    theme: "Oral en maternelle".into(),
                    count: 6
                },
                Theme {
                    theme: "Conduire un débat réglé".into(),
                    count: 5
                },
            ]
        );
        // 3 + 1 = 4: fewer than five, not counted.
        assert_eq!(demand.others, Others::FewerThanFive);
        needs.push("Climat scolaire");
        assert_eq!(
            aggregate(needs.iter().map(|t| (*t, 1))).others,
            Others::Count(5)
        );
        let few = aggregate([("Oral", 3), ("oral", 1)]);
        assert!(few.themes.is_empty());
        assert_eq!(few.others, Others::FewerThanFive);
        assert_eq!(aggregate([]).others, Others::None);
        // Spellings counted together: six in all, shown with the most frequent.
        let grouped = aggregate([("débat réglé", 2), ("Débat réglé", 4)]);
        assert_eq!(grouped.themes[0].theme, "Débat réglé");
        assert_eq!(grouped.themes[0].count, 6);
    }

    #[test]
    fn a_theme_is_the_same_whatever_its_little_words_and_plural() {
        assert_eq!(theme_key("La gestion de la classe"), "gestion classe");
        assert_eq!(theme_key("Gestion des classes"), "gestion classe");
        assert_eq!(
            theme_key("Les maths au cycle 3"),
            theme_key("Mathématiques cycle 3")
        );
        assert_eq!(theme_key("Oral"), "oral");
        assert_ne!(theme_key("Débat réglé"), theme_key("Climat scolaire"));
        let demand = aggregate([
            ("Différencier en mathématiques", 3),
            ("différencier en maths", 2),
            ("L'oral", 1),
            ("Évaluer", 2),
        ]);
        assert_eq!(demand.themes[0].theme, "Différencier en mathématiques");
        assert_eq!(demand.themes[0].count, 5);
        // The small themes, alphabetically, with the others' rule unchanged.
        let small: Vec<&str> = demand.small.iter().map(|t| t.theme.as_str()).collect();
        assert_eq!(small, ["Évaluer", "L'oral"]);
        assert_eq!(demand.others, Others::FewerThanFive);
    }

    #[test]
    fn school_years_from_september() {
        let (from, to) = school_year_bounds("2026-2027").unwrap_or_default();
        assert_eq!(from, 1_788_220_800);
        assert_eq!(to - from, 365 * 86_400);
        assert_eq!(school_year_bounds("2026"), Ok((from, to)));
        assert!(school_year_bounds("l'an dernier").is_err());
    }

    #[test]
    fn the_demand_meets_the_offer_theme_by_theme() {
        let mut needs = vec!["Débat réglé"; 6];
        needs.extend(["Climat scolaire"; 5]);
        needs.push("Oral");
        let demand = aggregate(needs.into_iter().map(|t| (t, 1)));
        let module = |id, theme: &str, waitlisted| ModuleOffer {
            folded_theme: fold(theme),
            module_id: id,
            title: format!("Module {id}"),
            capacity: 20,
            registered: 20,
            waitlisted,
        };
        // Module 1 answers two themes of which one is asked for: its waiting counted once.
        let offer = [module(1, "debat regle", 3), module(1, "Argumenter", 3)];
        let board = against_offer(&demand, &offer);
        assert_eq!((board.covered, board.not_covered, board.waiting), (6, 5, 3));
        assert_eq!(board.themes[0].modules, [(1, "Module 1".to_owned())]);
        assert!(board.themes[1].modules.is_empty());
        assert_eq!(board.themes[1].theme, "Climat scolaire");
        // « Oral » (one need) is in « autres », not counted: the counters leave it out.
        assert_eq!(board.small, [("Oral".to_owned(), vec![])]);
        // Five needs in « autres » are counted: the counters take them, covered or not.
        let mut needs = vec!["Débat réglé"; 6];
        needs.extend(["Oral", "Oral", "Évaluer", "Évaluer", "Évaluer"]);
        let demand = aggregate(needs.into_iter().map(|t| (t, 1)));
        assert_eq!(demand.others, Others::Count(5));
        let offer = [module(1, "debat regle", 0), module(2, "L'oral", 4)];
        let board = against_offer(&demand, &offer);
        assert_eq!((board.covered, board.not_covered, board.waiting), (8, 3, 4));
        assert_eq!(
            board.small,
            [
                ("Évaluer".to_owned(), vec![]),
                ("Oral".to_owned(), vec![(2, "Module 2".to_owned())])
            ]
        );
    }
}
