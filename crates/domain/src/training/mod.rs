//! Training (seed 000: « d'une logique de l'offre à une logique de la demande » ; seed 002:
//! personalised paths): the needs people express or visits bring out, and their demand
//! aggregated without names for the training office.

pub mod demand;
