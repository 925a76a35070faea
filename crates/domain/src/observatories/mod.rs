//! Observatories and peer visits: a visit is asked for by an establishment, made by a binôme
//! of peers with no hierarchical link to the observed teachers, and leads to a reflexive
//! analysis, never to a judgement.

pub mod binome;
pub mod solver;
pub mod visit;
