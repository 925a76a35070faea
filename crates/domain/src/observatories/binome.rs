//! Who may observe a class, and how well: the rules of a binôme.
//!
//! Hard rules, which nobody can override (a referent swapping an observer included):
//! - no hierarchical link between an observer and any observed teacher, in either direction
//!   (the seed: peers "sans lien hiérarchique"; a visit is never an inspection);
//! - no observer works in the observed establishment (or is one of the observed);
//! - the observer is available in one of the periods the establishment proposed, and has not
//!   reached the visits they agreed to make this year.
//!
//! Soft preferences, weighted into a cost (lower is better) and explained in French: travel
//! distance, the same levels, subjects and theme, a fair yearly load, and a binôme that mixes
//! the 1er and 2nd degrés when it can.

use crate::directory::Uai;
use crate::directory::geo::distance_km;
use crate::directory::hierarchy::{Staff, hierarchical_link};
use crate::ids::PersonId;
use crate::text::fold;

/// A span of days (days since 1970-01-01, both ends included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: i64,
    pub to: i64,
}

impl Period {
    /// A period from two dates as a form sends them (`2026-12-08`), in French when wrong.
    pub fn parse(from: &str, to: &str) -> Result<Self, crate::practices::FieldError> {
        let day = |text: &str| -> Result<i64, crate::practices::FieldError> {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(text.trim(), format)
                .map(|d| (d - time::macros::date!(1970 - 01 - 01)).whole_days())
                .map_err(|_| crate::practices::FieldError {
                    field: "periods",
                    message: format!("« {} » n'est pas une date (jj/mm/aaaa)", text.trim()),
                })
        };
        let (from, to) = (day(from)?, day(to)?);
        if to < from {
            return Err(crate::practices::FieldError {
                field: "periods",
                message: "Une période finit après son début".to_owned(),
            });
        }
        Ok(Self { from, to })
    }

    /// The date of a day of a period.
    pub fn date(day: i64) -> time::Date {
        time::macros::date!(1970 - 01 - 01) + time::Duration::days(day)
    }

    /// A day as a form's date field and the API write it: `2026-12-08`.
    pub fn iso(day: i64) -> String {
        let d = Self::date(day);
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    }

    fn overlaps(self, other: Period) -> bool {
        self.from <= other.to && other.from <= self.to
    }
}

/// A volunteer observer, as the rules see them.
#[derive(Debug, Clone, PartialEq)]
pub struct Observer {
    pub id: PersonId,
    pub name: String,
    pub staff: Staff,
    /// Where they work (latitude, longitude), when known.
    pub place: Option<(f64, f64)>,
    /// Levels they teach or know (cycles, classes), compared folded.
    pub levels: Vec<String>,
    /// Themes they want to observe, compared folded.
    pub themes: Vec<String>,
    /// When they can come; empty: any time.
    pub available: Vec<Period>,
    /// Visits already made or planned this school year, and how many they agreed to.
    pub visits_this_year: u32,
    pub max_visits: u32,
}

/// An observed teacher.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    pub id: PersonId,
    pub name: String,
    pub staff: Staff,
}

/// A visit asked for by an establishment, as the rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub uai: Uai,
    pub place: Option<(f64, f64)>,
    pub observed: Vec<Observed>,
    pub levels: Vec<String>,
    pub subjects: Vec<String>,
    /// The observatory's theme.
    pub theme: String,
    pub periods: Vec<Period>,
}

/// Why an observer may not observe this visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Barrier {
    /// A hierarchical link with an observed teacher (named).
    Hierarchy(String),
    SameEstablishment,
    Observed,
    Unavailable,
    Full,
}

impl std::fmt::Display for Barrier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Hierarchy(name) => write!(f, "lien hiérarchique avec {name}"),
            Self::SameEstablishment => f.write_str("travaille dans l'établissement observé"),
            Self::Observed => f.write_str("fait partie des enseignants observés"),
            Self::Unavailable => f.write_str("indisponible aux périodes proposées"),
            Self::Full => f.write_str("a déjà fait toutes les visites prévues cette année"),
        }
    }
}

/// The first hard rule `observer` breaks for `request`, if any.
pub fn barrier(observer: &Observer, request: &Request) -> Option<Barrier> {
    if request.observed.iter().any(|o| o.id == observer.id) {
        return Some(Barrier::Observed);
    }
    if let Some(teacher) = request
        .observed
        .iter()
        .find(|o| hierarchical_link(&observer.staff, &o.staff))
    {
        return Some(Barrier::Hierarchy(teacher.name.clone()));
    }
    if observer
        .staff
        .assignments
        .iter()
        .any(|a| a.uai == request.uai)
    {
        return Some(Barrier::SameEstablishment);
    }
    if observer.visits_this_year >= observer.max_visits {
        return Some(Barrier::Full);
    }
    let available = observer.available.is_empty()
        || request
            .periods
            .iter()
            .any(|p| observer.available.iter().any(|a| a.overlaps(*p)));
    if !available {
        return Some(Barrier::Unavailable);
    }
    None
}

/// How much each preference weighs, in the cost's unit (one kilometre of travel).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub per_km: f64,
    pub other_levels: f64,
    pub other_subjects: f64,
    pub other_theme: f64,
    pub per_visit_this_year: f64,
    /// A binôme of one degré only, when the request could have had both.
    pub unmixed: f64,
    /// The travel assumed when a workplace is unknown (a trainer, a partner): unknown is not
    /// next door.
    pub unknown_distance: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            per_km: 1.0,
            other_levels: 30.0,
            other_subjects: 20.0,
            other_theme: 15.0,
            per_visit_this_year: 10.0,
            unmixed: 25.0,
            unknown_distance: 30.0,
        }
    }
}

/// An observer's cost for a request, with its reasons in French.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub cost: f64,
    pub reasons: Vec<String>,
}

fn shares(mine: &[String], theirs: &[String], folded: bool) -> bool {
    mine.iter().any(|m| {
        theirs
            .iter()
            .any(|t| if folded { m == t } else { fold(m) == fold(t) })
    })
}

/// How well `observer` fits `request` (hard rules aside: see [`barrier`]).
pub fn fit(observer: &Observer, request: &Request, weights: &Weights) -> Fit {
    let mut reasons = Vec::new();
    let cost = assess(observer, request, weights, false, Some(&mut reasons));
    Fit { cost, reasons }
}

/// The cost of `observer` for `request`, and, given `reasons`, why, in French. With `folded`,
/// the words (levels, subjects, themes) were folded beforehand (see [`folded`]) and are
/// compared as they are: the solver assesses millions of pairs.
pub(crate) fn assess(
    observer: &Observer,
    request: &Request,
    weights: &Weights,
    folded: bool,
    mut reasons: Option<&mut Vec<String>>,
) -> f64 {
    let mut say = |reason: &dyn Fn() -> String| {
        if let Some(reasons) = reasons.as_deref_mut() {
            reasons.push(reason());
        }
    };
    let mut cost = 0.0;
    if let (Some((lat1, lon1)), Some((lat2, lon2))) = (observer.place, request.place) {
        let km = distance_km(lat1, lon1, lat2, lon2);
        cost += km * weights.per_km;
        say(&|| format!("à {km:.0} km"));
    } else {
        cost += weights.unknown_distance;
        say(&|| "trajet inconnu (lieu de travail non renseigné)".to_owned());
    }
    if !request.levels.is_empty() {
        if shares(&observer.levels, &request.levels, folded) {
            say(&|| "connaît les niveaux observés".to_owned());
        } else {
            cost += weights.other_levels;
        }
    }
    if !request.subjects.is_empty() {
        if shares(&observer.staff.subjects, &request.subjects, folded) {
            say(&|| "même discipline".to_owned());
        } else {
            cost += weights.other_subjects;
        }
    }
    if !request.theme.is_empty() {
        if shares(
            &observer.themes,
            std::slice::from_ref(&request.theme),
            folded,
        ) {
            say(&|| "s'intéresse au thème de l'observatoire".to_owned());
        } else {
            cost += weights.other_theme;
        }
    }
    cost += f64::from(observer.visits_this_year) * weights.per_visit_this_year;
    say(&|| match observer.visits_this_year {
        0 => "aucune visite cette année".to_owned(),
        1 => "1 visite cette année".to_owned(),
        n => format!("{n} visites cette année"),
    });
    cost
}

/// Copies of observers and requests whose words are folded once, for [`assess`].
pub(crate) fn folded(
    observers: &[Observer],
    requests: &[Request],
) -> (Vec<Observer>, Vec<Request>) {
    let all = |words: &[String]| words.iter().map(|w| fold(w)).collect::<Vec<_>>();
    let observers = observers
        .iter()
        .map(|o| {
            let mut o = o.clone();
            o.levels = all(&o.levels);
            o.themes = all(&o.themes);
            o.staff.subjects = all(&o.staff.subjects);
            o
        })
        .collect();
    let requests = requests
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.levels = all(&r.levels);
            r.subjects = all(&r.subjects);
            r.theme = fold(&r.theme);
            r
        })
        .collect();
    (observers, requests)
}

/// Whether an observer belongs to the 1er degré (else the 2nd, or neither: `None`).
pub fn first_degree(observer: &Observer) -> Option<bool> {
    let first = observer
        .staff
        .assignments
        .iter()
        .any(|a| a.kind.is_first_degree());
    let second = observer
        .staff
        .assignments
        .iter()
        .any(|a| a.kind.is_second_degree());
    match (first, second) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// What a binôme costs beyond its two observers: not mixing the degrés when both were among
/// the candidates (`mixable`).
pub fn pair_cost(a: &Observer, b: &Observer, mixable: bool, weights: &Weights) -> f64 {
    match (first_degree(a), first_degree(b)) {
        (Some(x), Some(y)) if x == y && mixable => weights.unmixed,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Function;
    use crate::directory::EstablishmentKind;
    use crate::directory::hierarchy::Assignment;

    fn at(uai: u32, kind: EstablishmentKind, circo: &str) -> Assignment {
        Assignment {
            uai: Uai::from_number(uai),
            kind,
            circonscription: Some(circo.to_owned()),
            academie: Some("09".to_owned()),
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

    fn observer(id: i64, staff: Staff) -> Observer {
        Observer {
            id: PersonId(id),
            name: format!("Observateur {id}"),
            staff,
            place: Some((50.29, 2.78)),
            levels: vec!["Cycle 3".to_owned()],
            themes: vec!["Calcul mental".to_owned()],
            available: vec![],
            visits_this_year: 0,
            max_visits: 3,
        }
    }

    /// A CM1 of école 1 in circonscription A, observed on days 100 to 110.
    fn request() -> Request {
        Request {
            uai: Uai::from_number(1),
            place: Some((50.29, 2.78)),
            observed: vec![Observed {
                id: PersonId(1),
                name: "Mme Durand".to_owned(),
                staff: staff(
                    Function::Enseignant1d,
                    vec![at(1, EstablishmentKind::Ecole, "A")],
                ),
            }],
            levels: vec!["cycle 3".to_owned()],
            subjects: vec![],
            theme: "calcul mental".to_owned(),
            periods: vec![Period { from: 100, to: 110 }],
        }
    }

    #[test]
    fn the_ien_of_the_observed_teacher_never_observes() {
        let mut ien = staff(Function::Ien, vec![]);
        ien.circonscription = Some("A".to_owned());
        let mut other_ien = ien.clone();
        other_ien.circonscription = Some("B".to_owned());
        assert_eq!(
            barrier(&observer(2, ien), &request()),
            Some(Barrier::Hierarchy("Mme Durand".to_owned()))
        );
        assert_eq!(barrier(&observer(3, other_ien), &request()), None);
        assert_eq!(
            Barrier::Hierarchy("Mme Durand".to_owned()).to_string(),
            "lien hiérarchique avec Mme Durand"
        );
    }

    #[test]
    fn colleagues_of_the_school_and_the_observed_do_not_observe() {
        let colleague = staff(
            Function::Enseignant1d,
            vec![at(1, EstablishmentKind::Ecole, "A")],
        );
        assert_eq!(
            barrier(&observer(2, colleague.clone()), &request()),
            Some(Barrier::SameEstablishment)
        );
        assert_eq!(
            barrier(&observer(1, colleague), &request()),
            Some(Barrier::Observed)
        );
        // A teacher of another école of the same circonscription may: a peer.
        let peer = staff(
            Function::Enseignant1d,
            vec![at(2, EstablishmentKind::Ecole, "A")],
        );
        assert_eq!(barrier(&observer(3, peer), &request()), None);
    }

    #[test]
    fn availability_and_the_yearly_load_are_hard_rules() {
        let peer = staff(
            Function::Enseignant2d,
            vec![at(3, EstablishmentKind::College, "A")],
        );
        let mut away = observer(2, peer.clone());
        away.available = vec![Period { from: 111, to: 200 }];
        assert_eq!(barrier(&away, &request()), Some(Barrier::Unavailable));
        away.available.push(Period { from: 90, to: 100 });
        assert_eq!(
            barrier(&away, &request()),
            None,
            "one day in common is enough"
        );
        let mut busy = observer(3, peer);
        busy.visits_this_year = 3;
        assert_eq!(barrier(&busy, &request()), Some(Barrier::Full));
    }

    #[test]
    fn the_cost_prefers_near_matching_and_less_loaded_observers() {
        let weights = Weights::default();
        let peer = staff(
            Function::Enseignant1d,
            vec![at(2, EstablishmentKind::Ecole, "B")],
        );
        let near = observer(2, peer.clone());
        let fit_near = fit(&near, &request(), &weights);
        assert_eq!(fit_near.cost, 0.0);
        assert!(
            fit_near
                .reasons
                .contains(&"connaît les niveaux observés".to_owned())
        );

        // Arras to Boulogne-sur-Mer: about 100 km.
        let mut far = near.clone();
        far.place = Some((50.72, 1.61));
        let cost = fit(&far, &request(), &weights).cost;
        assert!((90.0..110.0).contains(&cost), "{cost}");

        let mut other = near.clone();
        other.levels = vec!["Cycle 1".to_owned()];
        other.themes = vec![];
        other.visits_this_year = 2;
        let fit_other = fit(&other, &request(), &weights);
        assert_eq!(fit_other.cost, 30.0 + 15.0 + 20.0);
        assert!(
            fit_other
                .reasons
                .contains(&"2 visites cette année".to_owned())
        );
    }

    #[test]
    fn a_binome_of_one_degre_costs_more_when_both_were_possible() {
        let weights = Weights::default();
        let first = observer(
            2,
            staff(
                Function::Enseignant1d,
                vec![at(2, EstablishmentKind::Ecole, "B")],
            ),
        );
        let second = observer(
            3,
            staff(
                Function::Enseignant2d,
                vec![at(3, EstablishmentKind::College, "B")],
            ),
        );
        let partner = observer(4, staff(Function::Partenaire, vec![]));
        assert_eq!(pair_cost(&first, &first, true, &weights), 25.0);
        assert_eq!(pair_cost(&first, &first, false, &weights), 0.0);
        assert_eq!(pair_cost(&first, &second, true, &weights), 0.0);
        assert_eq!(pair_cost(&first, &partner, true, &weights), 0.0);
    }
}
