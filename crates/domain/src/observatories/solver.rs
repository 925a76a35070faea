//! Proposing binômes for a whole batch of visit requests at once.
//!
//! Each request gets two observers who meet every hard rule ([`barrier`]); among those, the
//! batch's total cost is made small: each observer's [`fit`], the binôme's [`pair_cost`], and
//! a fair load — the k-th visit an observer takes in the batch costs k times
//! `per_visit_this_year` more, on top of the visits they already made.
//!
//! The method: the most constrained requests (fewest candidates) are served first, each with
//! its best binôme still free; then observers are replaced, and exchanged between visits,
//! while that lowers the total. [`first_come`] is the plain greedy assignment in the order of
//! the requests, for comparison. A request with no valid binôme waits, and says why.

use std::collections::HashMap;

use super::binome::{
    Barrier, Observer, Request, Weights, assess, barrier, first_degree, fit, folded, pair_cost,
};

/// The candidates kept per request, the cheapest first: enough for the search, few enough
/// for thousands of requests.
const CANDIDATES: usize = 40;
/// Passes of improvement at the most.
const PASSES: usize = 30;

/// What the batch proposes for one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Proposal {
    /// Two observers (indexes into the observers given), the cost, and why them, in French.
    Binome {
        observers: [usize; 2],
        cost: f64,
        reasons: Vec<String>,
    },
    /// No binôme: why, in French.
    Waiting { reason: String },
}

/// A batch's proposals (one per request, in their order) and its total cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub proposals: Vec<Proposal>,
    pub total: f64,
}

struct Problem<'a> {
    requests: &'a [Request],
    observers: &'a [Observer],
    weights: &'a Weights,
    /// Per request: its candidates (observer, cost), the cheapest first.
    candidates: Vec<Vec<(usize, f64)>>,
    /// Per request: whether its candidates include both degrés.
    mixable: Vec<bool>,
    /// Per request: why it has fewer than two candidates.
    refusals: Vec<Option<String>>,
    /// Visits each observer may still take.
    capacity: Vec<u32>,
}

impl<'a> Problem<'a> {
    fn new(requests: &'a [Request], observers: &'a [Observer], weights: &'a Weights) -> Self {
        let (folded_observers, folded_requests) = folded(observers, requests);
        let mut candidates = Vec::with_capacity(requests.len());
        let mut mixable = Vec::with_capacity(requests.len());
        let mut refusals = Vec::with_capacity(requests.len());
        for request in &folded_requests {
            let mut barriers: HashMap<&'static str, usize> = HashMap::new();
            let mut found: Vec<(usize, f64)> = Vec::new();
            for (index, observer) in folded_observers.iter().enumerate() {
                match barrier(observer, request) {
                    None => found.push((index, assess(observer, request, weights, true, None))),
                    Some(b) => {
                        let key = match b {
                            Barrier::Hierarchy(_) => "lien hiérarchique avec un enseignant observé",
                            Barrier::SameEstablishment | Barrier::Observed => {
                                "travail dans l'établissement observé"
                            }
                            Barrier::Unavailable => "indisponibilité aux périodes proposées",
                            Barrier::Full => "visites de l'année déjà faites",
                        };
                        *barriers.entry(key).or_default() += 1;
                    }
                }
            }
            found.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            found.truncate(CANDIDATES);
            let degrees: Vec<Option<bool>> = found
                .iter()
                .map(|(o, _)| first_degree(&observers[*o]))
                .collect();
            mixable.push(degrees.contains(&Some(true)) && degrees.contains(&Some(false)));
            refusals.push(if found.len() < 2 {
                let mut why: Vec<(&str, usize)> = barriers.into_iter().collect();
                why.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                let details: Vec<String> = why
                    .into_iter()
                    .map(|(what, n)| format!("{what} ({n})"))
                    .collect();
                Some(if details.is_empty() {
                    "aucun observateur volontaire dans cet observatoire".to_owned()
                } else {
                    format!(
                        "pas de binôme possible sans enfreindre les règles ; sur {} observateurs : {}",
                        observers.len(),
                        details.join(", ")
                    )
                })
            } else {
                None
            });
            candidates.push(found);
        }
        Self {
            requests,
            observers,
            weights,
            candidates,
            mixable,
            refusals,
            capacity: observers
                .iter()
                .map(|o| o.max_visits.saturating_sub(o.visits_this_year))
                .collect(),
        }
    }

    fn cost_of(&self, request: usize, observer: usize) -> Option<f64> {
        self.candidates[request]
            .iter()
            .find(|(o, _)| *o == observer)
            .map(|(_, c)| *c)
    }

    fn pair(&self, request: usize, a: usize, b: usize) -> f64 {
        pair_cost(
            &self.observers[a],
            &self.observers[b],
            self.mixable[request],
            self.weights,
        )
    }

    /// What adding one more visit to `observer` costs, with `taken` visits in the batch.
    fn load(&self, taken: u32) -> f64 {
        f64::from(taken) * self.weights.per_visit_this_year
    }

    /// The best binôme for `request` among observers with room left.
    fn best_pair(&self, request: usize, taken: &[u32]) -> Option<([usize; 2], f64)> {
        let free: Vec<(usize, f64)> = self.candidates[request]
            .iter()
            .filter(|(o, _)| taken[*o] < self.capacity[*o])
            .map(|(o, c)| (*o, c + self.load(taken[*o])))
            .collect();
        let mut best: Option<([usize; 2], f64)> = None;
        for (i, (a, ca)) in free.iter().enumerate() {
            for (b, cb) in &free[i + 1..] {
                let cost = ca + cb + self.pair(request, *a, *b);
                if best.is_none_or(|(_, c)| cost < c) {
                    best = Some(([*a, *b], cost));
                }
            }
        }
        best
    }
}

/// A solution being improved: each request's binôme, and each observer's visits in it.
struct State {
    binomes: Vec<Option<[usize; 2]>>,
    taken: Vec<u32>,
}

impl State {
    fn place(&mut self, request: usize, binome: [usize; 2]) {
        self.binomes[request] = Some(binome);
        for o in binome {
            self.taken[o] += 1;
        }
    }
}

fn finish(problem: &Problem, state: &State) -> Assignment {
    // Each observer's batch visits cost 0, 1, 2… times the load weight: n(n-1)/2 in all.
    let load: f64 = state
        .taken
        .iter()
        .map(|&n| problem.load(n * n.saturating_sub(1) / 2))
        .sum();
    let mut total = load;
    let proposals = state
        .binomes
        .iter()
        .enumerate()
        .map(|(request, binome)| match binome {
            Some([a, b]) => {
                let pair = problem.pair(request, *a, *b);
                let cost = problem.cost_of(request, *a).unwrap_or(0.0)
                    + problem.cost_of(request, *b).unwrap_or(0.0)
                    + pair;
                total += cost;
                let mut reasons = Vec::new();
                for o in [a, b] {
                    let observer = &problem.observers[*o];
                    reasons.push(format!(
                        "{} : {}",
                        observer.name,
                        reasons_of(problem, request, *o).join(", ")
                    ));
                }
                if problem.mixable[request] && pair == 0.0 {
                    reasons.push("binôme qui croise le 1er et le 2nd degré".to_owned());
                }
                Proposal::Binome {
                    observers: [*a, *b],
                    cost,
                    reasons,
                }
            }
            None => Proposal::Waiting {
                reason: problem.refusals[request].clone().unwrap_or_else(|| {
                    "pas assez d'observateurs disponibles dans ce lot : la demande attend le prochain"
                        .to_owned()
                }),
            },
        })
        .collect();
    Assignment { proposals, total }
}

/// Why an observer fits a request (computed again for the chosen ones only: kept for every
/// candidate, they would weigh on thousands of requests).
fn reasons_of(problem: &Problem, request: usize, observer: usize) -> Vec<String> {
    fit(
        &problem.observers[observer],
        &problem.requests[request],
        problem.weights,
    )
    .reasons
}

/// Less than this is no improvement (rounding).
const EPSILON: f64 = 1e-9;

/// Proposes binômes for `requests` among `observers`: the batch optimised as a whole.
pub fn solve(requests: &[Request], observers: &[Observer], weights: &Weights) -> Assignment {
    let problem = Problem::new(requests, observers, weights);
    let mut order: Vec<usize> = (0..requests.len())
        .filter(|r| problem.refusals[*r].is_none())
        .collect();
    order.sort_by_key(|r| (problem.candidates[*r].len(), *r));
    let mut state = greedy(&problem, order);
    improve(&problem, &mut state);
    finish(&problem, &state)
}

/// The plain greedy assignment: each request in turn takes its best binôme still free.
pub fn first_come(requests: &[Request], observers: &[Observer], weights: &Weights) -> Assignment {
    let problem = Problem::new(requests, observers, weights);
    let order = (0..requests.len())
        .filter(|r| problem.refusals[*r].is_none())
        .collect();
    let state = greedy(&problem, order);
    finish(&problem, &state)
}

fn greedy(problem: &Problem, order: Vec<usize>) -> State {
    let mut state = State {
        binomes: vec![None; problem.requests.len()],
        taken: vec![0; problem.observers.len()],
    };
    for request in order {
        if let Some((binome, _)) = problem.best_pair(request, &state.taken) {
            state.place(request, binome);
        }
    }
    state
}

/// Replaces and exchanges observers while the total cost goes down.
fn improve(problem: &Problem, state: &mut State) {
    for _ in 0..PASSES {
        let replaced = replace(problem, state);
        let exchanged = exchange(problem, state);
        if !(replaced || exchanged) {
            break;
        }
    }
}

/// Gives waiting requests a binôme if observers became free, and replaces an observer of a
/// visit by a cheaper free one.
fn replace(problem: &Problem, state: &mut State) -> bool {
    let mut better = false;
    for request in 0..problem.requests.len() {
        let Some(mut binome) = state.binomes[request] else {
            if problem.refusals[request].is_none()
                && let Some((binome, _)) = problem.best_pair(request, &state.taken)
            {
                state.place(request, binome);
                better = true;
            }
            continue;
        };
        for slot in 0..2 {
            let (current, other) = (binome[slot], binome[1 - slot]);
            let now = problem.cost_of(request, current).unwrap_or(0.0)
                + problem.pair(request, current, other)
                + problem.load(state.taken[current].saturating_sub(1));
            let mut best: Option<(usize, f64)> = None;
            for &(candidate, cost) in &problem.candidates[request] {
                if candidate == current
                    || candidate == other
                    || state.taken[candidate] >= problem.capacity[candidate]
                {
                    continue;
                }
                let cost = cost
                    + problem.pair(request, candidate, other)
                    + problem.load(state.taken[candidate]);
                if cost < now - EPSILON && best.is_none_or(|(_, b)| cost < b) {
                    best = Some((candidate, cost));
                }
            }
            if let Some((candidate, _)) = best {
                state.taken[current] -= 1;
                state.taken[candidate] += 1;
                binome[slot] = candidate;
                state.binomes[request] = Some(binome);
                better = true;
            }
        }
    }
    better
}

/// Exchanges two observers between two visits when both fit the other visit better.
fn exchange(problem: &Problem, state: &mut State) -> bool {
    // Where each observer is, as (request, slot); entries go stale as observers move and are
    // checked before use.
    let mut places: Vec<Vec<(usize, usize)>> = vec![Vec::new(); problem.observers.len()];
    for (request, binome) in state.binomes.iter().enumerate() {
        if let Some(binome) = binome {
            for (slot, o) in binome.iter().enumerate() {
                places[*o].push((request, slot));
            }
        }
    }
    let mut better = false;
    for first in 0..problem.requests.len() {
        for slot in 0..2 {
            let Some(binome) = state.binomes[first] else {
                break;
            };
            let (a, a_mate) = (binome[slot], binome[1 - slot]);
            let a_here = problem.cost_of(first, a).unwrap_or(0.0) + problem.pair(first, a, a_mate);
            for &(b, b_there) in &problem.candidates[first] {
                if b == a || b == a_mate {
                    continue;
                }
                let b_here = b_there + problem.pair(first, b, a_mate);
                let mut done = false;
                for index in 0..places[b].len() {
                    let (second, other_slot) = places[b][index];
                    let Some(there) = state.binomes[second] else {
                        continue;
                    };
                    if second == first || there[other_slot] != b {
                        continue;
                    }
                    let b_mate = there[1 - other_slot];
                    if a == b_mate {
                        continue;
                    }
                    let Some(a_there) = problem.cost_of(second, a) else {
                        continue;
                    };
                    let before = a_here
                        + problem.cost_of(second, b).unwrap_or(0.0)
                        + problem.pair(second, b, b_mate);
                    let after = b_here + a_there + problem.pair(second, a, b_mate);
                    if after < before - EPSILON {
                        let mut mine = binome;
                        mine[slot] = b;
                        let mut theirs = there;
                        theirs[other_slot] = a;
                        state.binomes[first] = Some(mine);
                        state.binomes[second] = Some(theirs);
                        places[a].push((second, other_slot));
                        places[b].push((first, slot));
                        better = true;
                        done = true;
                        break;
                    }
                }
                if done {
                    break;
                }
            }
        }
    }
    better
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Function;
    use crate::directory::hierarchy::{Assignment as Post, Staff};
    use crate::directory::{EstablishmentKind, Uai};
    use crate::ids::PersonId;
    use crate::observatories::binome::Observed;

    fn post(uai: u32, kind: EstablishmentKind, circo: &str) -> Post {
        Post {
            uai: Uai::from_number(uai),
            kind,
            circonscription: Some(circo.to_owned()),
            academie: Some("09".to_owned()),
        }
    }

    fn staff(function: Function, posts: Vec<Post>) -> Staff {
        Staff {
            function,
            assignments: posts,
            circonscription: None,
            academie: None,
            subjects: vec![],
        }
    }

    /// A teacher of école `school`, `km` kilometres east of the requests' école, who may make
    /// `max` visits.
    fn observer(id: i64, school: u32, km: f64, max: u32) -> Observer {
        Observer {
            id: PersonId(id),
            name: format!("Observateur {id}"),
            staff: staff(
                Function::Enseignant1d,
                vec![post(school, EstablishmentKind::Ecole, "B")],
            ),
            // One degree of longitude at 50° N is about 71.7 km.
            place: Some((50.0, 2.0 + km / 71.7)),
            levels: vec![],
            themes: vec![],
            available: vec![],
            visits_this_year: 0,
            max_visits: max,
        }
    }

    fn request(school: u32) -> Request {
        Request {
            uai: Uai::from_number(school),
            place: Some((50.0, 2.0)),
            observed: vec![Observed {
                id: PersonId(1000 + i64::from(school)),
                name: format!("Enseignant {school}"),
                staff: staff(
                    Function::Enseignant1d,
                    vec![post(school, EstablishmentKind::Ecole, "A")],
                ),
            }],
            levels: vec![],
            subjects: vec![],
            theme: String::new(),
            periods: vec![],
        }
    }

    fn binome(proposal: &Proposal) -> Option<[usize; 2]> {
        match proposal {
            Proposal::Binome { observers, .. } => Some(*observers),
            Proposal::Waiting { .. } => None,
        }
    }

    #[test]
    fn a_request_without_a_valid_binome_waits_and_says_why() {
        // The only observers work in the observed école, or lead its circonscription.
        let mut ien = observer(2, 0, 0.0, 3);
        ien.staff = staff(Function::Ien, vec![]);
        ien.staff.circonscription = Some("A".to_owned());
        let observers = vec![observer(1, 7, 0.0, 3), ien, observer(3, 8, 5.0, 3)];
        let assignment = solve(&[request(7)], &observers, &Weights::default());
        assert_eq!(
            assignment.proposals,
            [Proposal::Waiting {
                reason: "pas de binôme possible sans enfreindre les règles ; sur 3 observateurs : \
                         lien hiérarchique avec un enseignant observé (1), travail dans l'établissement observé (1)"
                    .to_owned()
            }]
        );
        let nobody = solve(&[request(7)], &[], &Weights::default());
        assert_eq!(
            nobody.proposals,
            [Proposal::Waiting {
                reason: "aucun observateur volontaire dans cet observatoire".to_owned()
            }]
        );
    }

    #[test]
    fn the_batch_serves_everyone_where_first_come_would_not() {
        // Request 0 could use anyone; request 1 only observers 0 and 1 (the others work in
        // its école). Each observer makes one visit.
        let observers = vec![
            observer(1, 20, 1.0, 1),
            observer(2, 21, 1.0, 1),
            observer(3, 11, 10.0, 1),
            observer(4, 11, 10.0, 1),
        ];
        let requests = [request(10), request(11)];
        let weights = Weights::default();
        let greedy = first_come(&requests, &observers, &weights);
        assert_eq!(binome(&greedy.proposals[0]), Some([0, 1]));
        assert!(matches!(
            &greedy.proposals[1],
            Proposal::Waiting { reason } if reason.starts_with("pas assez d'observateurs disponibles")
        ));
        let batch = solve(&requests, &observers, &weights);
        assert_eq!(binome(&batch.proposals[0]), Some([2, 3]));
        assert_eq!(binome(&batch.proposals[1]), Some([0, 1]));
    }

    #[test]
    fn visits_are_spread_over_the_observers() {
        // Two near observers who could take everything, two farther ones: the load weight
        // (10 per visit) against 8 km more of travel sends the third visit farther.
        let observers = vec![
            observer(1, 20, 1.0, 5),
            observer(2, 21, 1.0, 5),
            observer(3, 22, 9.0, 5),
            observer(4, 23, 9.0, 5),
        ];
        let requests = [request(10), request(11), request(12)];
        let batch = solve(&requests, &observers, &Weights::default());
        let mut load = [0; 4];
        for proposal in &batch.proposals {
            for o in binome(proposal).unwrap_or_default() {
                load[o] += 1;
            }
        }
        assert_eq!(load.iter().sum::<i32>(), 6);
        assert!(load.iter().all(|&n| n <= 2), "{load:?}");
    }

    #[test]
    fn every_proposal_keeps_the_hard_rules_and_beats_first_come() {
        // Pseudo-random batches: schools, observers and their capacities vary.
        let mut seed: u64 = 7;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let weights = Weights::default();
        for _ in 0..20 {
            let observers: Vec<Observer> = (0..30)
                .map(|i| observer(i, next(15) as u32, next(60) as f64, 1 + next(3) as u32))
                .collect();
            let requests: Vec<Request> = (0..20).map(|_| request(next(15) as u32)).collect();
            let batch = solve(&requests, &observers, &weights);
            let greedy = first_come(&requests, &observers, &weights);
            let served =
                |a: &Assignment| a.proposals.iter().filter(|p| binome(p).is_some()).count();
            assert!(served(&batch) >= served(&greedy));
            if served(&batch) == served(&greedy) {
                assert!(
                    batch.total <= greedy.total + EPSILON,
                    "{} > {}",
                    batch.total,
                    greedy.total
                );
            }
            let mut taken = vec![0; observers.len()];
            for (request, proposal) in requests.iter().zip(&batch.proposals) {
                if let Some([a, b]) = binome(proposal) {
                    assert_ne!(a, b);
                    assert_eq!(barrier(&observers[a], request), None);
                    assert_eq!(barrier(&observers[b], request), None);
                    taken[a] += 1;
                    taken[b] += 1;
                }
            }
            for (o, n) in taken.iter().enumerate() {
                assert!(*n <= observers[o].max_visits, "observer {o} over capacity");
            }
        }
    }
}
