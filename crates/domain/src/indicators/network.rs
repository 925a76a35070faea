//! The collaboration network of a scope's establishments (seed 003: « rompre l'isolement
//! professionnel des personnels »): establishments linked by visits, practices written
//! together, « J'ai essayé » and shared groups; its connected parts, the establishments
//! linked to none, and those that connect most (betweenness centrality, Brandes' algorithm).

use std::collections::{HashMap, HashSet, VecDeque};

/// Above this many linked establishments, the most connecting are ranked by their number of
/// partners rather than by betweenness (which costs establishments × links).
pub const BETWEENNESS_LIMIT: usize = 5_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Connector {
    pub establishment: i64,
    /// Partners inside the scope.
    pub partners: usize,
    /// Share of the shortest paths between other establishments that pass through it.
    pub betweenness: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The connected parts of two establishments or more, largest first, each sorted.
    pub components: Vec<Vec<i64>>,
    /// The establishments of the scope linked to no other, anywhere.
    pub isolated: Vec<i64>,
    /// The most connecting, best first (ten at most).
    pub connectors: Vec<Connector>,
    /// Distinct pairs linked inside the scope.
    pub links: usize,
}

/// Analyses the network of `establishments` given every link `(a, b)` of the platform.
pub fn analyse(establishments: &[i64], links: &[(i64, i64)]) -> Analysis {
    let inside: HashSet<i64> = establishments.iter().copied().collect();
    let mut linked_anywhere: HashSet<i64> = HashSet::new();
    let mut adjacency: HashMap<i64, HashSet<i64>> = HashMap::new();
    for (a, b) in links {
        if a == b {
            continue;
        }
        linked_anywhere.insert(*a);
        linked_anywhere.insert(*b);
        if inside.contains(a) && inside.contains(b) {
            adjacency.entry(*a).or_default().insert(*b);
            adjacency.entry(*b).or_default().insert(*a);
        }
    }
    let mut isolated: Vec<i64> = inside
        .iter()
        .filter(|e| !linked_anywhere.contains(e))
        .copied()
        .collect();
    isolated.sort_unstable();

    // Connected parts, by breadth-first search.
    let mut nodes: Vec<i64> = adjacency.keys().copied().collect();
    nodes.sort_unstable();
    let mut seen: HashSet<i64> = HashSet::new();
    let mut components = Vec::new();
    for start in &nodes {
        if !seen.insert(*start) {
            continue;
        }
        let mut part = vec![*start];
        let mut queue = VecDeque::from([*start]);
        while let Some(n) = queue.pop_front() {
            for m in adjacency.get(&n).into_iter().flatten() {
                if seen.insert(*m) {
                    part.push(*m);
                    queue.push_back(*m);
                }
            }
        }
        part.sort_unstable();
        components.push(part);
    }
    components.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));

    let betweenness = (nodes.len() <= BETWEENNESS_LIMIT).then(|| brandes(&nodes, &adjacency));
    let mut connectors: Vec<Connector> = nodes
        .iter()
        .map(|n| Connector {
            establishment: *n,
            partners: adjacency.get(n).map_or(0, HashSet::len),
            betweenness: betweenness.as_ref().and_then(|b| b.get(n).copied()),
        })
        .collect();
    connectors.sort_by(|a, b| {
        b.betweenness
            .unwrap_or(0.0)
            .total_cmp(&a.betweenness.unwrap_or(0.0))
            .then(b.partners.cmp(&a.partners))
            .then(a.establishment.cmp(&b.establishment))
    });
    connectors.truncate(10);
    Analysis {
        components,
        isolated,
        connectors,
        links: adjacency.values().map(HashSet::len).sum::<usize>() / 2,
    }
}

/// Betweenness centrality of an unweighted undirected graph, normalised to [0, 1].
fn brandes(nodes: &[i64], adjacency: &HashMap<i64, HashSet<i64>>) -> HashMap<i64, f64> {
    let index: HashMap<i64, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let neighbours: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            let mut list: Vec<usize> = adjacency
                .get(n)
                .into_iter()
                .flatten()
                .filter_map(|m| index.get(m).copied())
                .collect();
            list.sort_unstable();
            list
        })
        .collect();
    let count = nodes.len();
    let mut centrality = vec![0.0f64; count];
    let mut sigma = vec![0.0f64; count];
    let mut distance = vec![-1i64; count];
    let mut delta = vec![0.0f64; count];
    let mut predecessors: Vec<Vec<usize>> = vec![Vec::new(); count];
    for s in 0..count {
        let mut stack = Vec::new();
        for i in 0..count {
            sigma[i] = 0.0;
            distance[i] = -1;
            delta[i] = 0.0;
            predecessors[i].clear();
        }
        sigma[s] = 1.0;
        distance[s] = 0;
        let mut queue = VecDeque::from([s]);
        while let Some(v) = queue.pop_front() {
            stack.push(v);
            for &w in &neighbours[v] {
                if distance[w] < 0 {
                    distance[w] = distance[v] + 1;
                    queue.push_back(w);
                }
                if distance[w] == distance[v] + 1 {
                    sigma[w] += sigma[v];
                    predecessors[w].push(v);
                }
            }
        }
        while let Some(w) = stack.pop() {
            for &v in &predecessors[w] {
                delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
            }
            if w != s {
                centrality[w] += delta[w];
            }
        }
    }
    // Each pair was counted from both ends; normalised by the pairs of other nodes.
    let pairs = if count > 2 {
        ((count - 1) * (count - 2)) as f64
    } else {
        1.0
    };
    nodes
        .iter()
        .zip(centrality)
        .map(|(n, c)| (*n, c / pairs))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // DESIGN.md habit 9: denied outside tests.
mod tests {
    use super::*;

    #[test]
    fn parts_isolated_and_the_bridge_between_two_groups() {
        // 1-2-3 triangle, 3-4 bridge, 4-5; 6-7 apart; 8 linked only outside the scope (to
        // 99); 9 linked to nothing.
        let links = [
            (1, 2),
            (2, 3),
            (1, 3),
            (3, 4),
            (4, 5),
            (6, 7),
            (8, 99),
            (2, 1),
        ];
        let a = analyse(&[1, 2, 3, 4, 5, 6, 7, 8, 9], &links);
        assert_eq!(a.components, [vec![1, 2, 3, 4, 5], vec![6, 7]]);
        assert_eq!(a.isolated, [9], "8 works with someone outside the scope");
        assert_eq!(a.links, 6);
        let best: Vec<i64> = a
            .connectors
            .iter()
            .take(2)
            .map(|c| c.establishment)
            .collect();
        assert_eq!(best, [3, 4], "the two ends of the bridge connect most");
        // 3 lies on the shortest paths 1–4, 1–5, 2–4, 2–5: 8 of the 6 × 5 ordered pairs of
        // the other linked establishments; 4 on 1–5, 2–5, 3–5: 6 of them.
        let three = &a.connectors[0];
        assert_eq!(three.partners, 3);
        assert!(
            (three.betweenness.unwrap_or(0.0) - 8.0 / 30.0).abs() < 1e-9,
            "{three:?}"
        );
        assert!((a.connectors[1].betweenness.unwrap_or(0.0) - 6.0 / 30.0).abs() < 1e-9);
    }

    #[test]
    fn an_empty_scope_has_nothing() {
        let a = analyse(&[], &[(1, 2)]);
        assert!(a.components.is_empty() && a.isolated.is_empty() && a.connectors.is_empty());
    }
}
