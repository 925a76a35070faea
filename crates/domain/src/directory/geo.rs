//! Geography of the school system: régions académiques, académies, départements, communes.
//! The communes (INSEE code, name, population, coordinates) are embedded, compressed.

use std::io::Read;

/// A région académique: `(code, name)`.
pub const REGIONS_ACADEMIQUES: &[(&str, &str)] = &[
    ("84", "Auvergne-Rhône-Alpes"),
    ("27", "Bourgogne-Franche-Comté"),
    ("53", "Bretagne"),
    ("24", "Centre-Val de Loire"),
    ("94", "Corse"),
    ("44", "Grand Est"),
    ("32", "Hauts-de-France"),
    ("11", "Île-de-France"),
    ("28", "Normandie"),
    ("75", "Nouvelle-Aquitaine"),
    ("76", "Occitanie"),
    ("52", "Pays de la Loire"),
    ("93", "Provence-Alpes-Côte d'Azur"),
    ("01", "Guadeloupe"),
    ("02", "Martinique"),
    ("03", "Guyane"),
    ("04", "La Réunion"),
    ("06", "Mayotte"),
];

/// An académie: `(code, name, région académique code)`, with the codes the Annuaire de
/// l'éducation uses.
pub const ACADEMIES: &[(&str, &str, &str)] = &[
    ("01", "Paris", "11"),
    ("02", "Aix-Marseille", "93"),
    ("03", "Besançon", "27"),
    ("04", "Bordeaux", "75"),
    ("06", "Clermont-Ferrand", "84"),
    ("07", "Dijon", "27"),
    ("08", "Grenoble", "84"),
    ("09", "Lille", "32"),
    ("10", "Lyon", "84"),
    ("11", "Montpellier", "76"),
    ("12", "Nancy-Metz", "44"),
    ("13", "Poitiers", "75"),
    ("14", "Rennes", "53"),
    ("15", "Strasbourg", "44"),
    ("16", "Toulouse", "76"),
    ("17", "Nantes", "52"),
    ("18", "Orléans-Tours", "24"),
    ("19", "Reims", "44"),
    ("20", "Amiens", "32"),
    ("22", "Limoges", "75"),
    ("23", "Nice", "93"),
    ("24", "Créteil", "11"),
    ("25", "Versailles", "11"),
    ("27", "Corse", "94"),
    ("28", "La Réunion", "04"),
    ("31", "Martinique", "02"),
    ("32", "Guadeloupe", "01"),
    ("33", "Guyane", "03"),
    ("43", "Mayotte", "06"),
    ("70", "Normandie", "28"),
];

/// The académie of each département: `(département code, académie code)`.
const DEPARTEMENT_ACADEMIE: &[(&str, &str)] = &[
    ("01", "10"),
    ("02", "20"),
    ("03", "06"),
    ("04", "02"),
    ("05", "02"),
    ("06", "23"),
    ("07", "08"),
    ("08", "19"),
    ("09", "16"),
    ("10", "19"),
    ("11", "11"),
    ("12", "16"),
    ("13", "02"),
    ("14", "70"),
    ("15", "06"),
    ("16", "13"),
    ("17", "13"),
    ("18", "18"),
    ("19", "22"),
    ("21", "07"),
    ("22", "14"),
    ("23", "22"),
    ("24", "04"),
    ("25", "03"),
    ("26", "08"),
    ("27", "70"),
    ("28", "18"),
    ("29", "14"),
    ("2A", "27"),
    ("2B", "27"),
    ("30", "11"),
    ("31", "16"),
    ("32", "16"),
    ("33", "04"),
    ("34", "11"),
    ("35", "14"),
    ("36", "18"),
    ("37", "18"),
    ("38", "08"),
    ("39", "03"),
    ("40", "04"),
    ("41", "18"),
    ("42", "10"),
    ("43", "06"),
    ("44", "17"),
    ("45", "18"),
    ("46", "16"),
    ("47", "04"),
    ("48", "11"),
    ("49", "17"),
    ("50", "70"),
    ("51", "19"),
    ("52", "19"),
    ("53", "17"),
    ("54", "12"),
    ("55", "12"),
    ("56", "14"),
    ("57", "12"),
    ("58", "07"),
    ("59", "09"),
    ("60", "20"),
    ("61", "70"),
    ("62", "09"),
    ("63", "06"),
    ("64", "04"),
    ("65", "16"),
    ("66", "11"),
    ("67", "15"),
    ("68", "15"),
    ("69", "10"),
    ("70", "03"),
    ("71", "07"),
    ("72", "17"),
    ("73", "08"),
    ("74", "08"),
    ("75", "01"),
    ("76", "70"),
    ("77", "24"),
    ("78", "25"),
    ("79", "13"),
    ("80", "20"),
    ("81", "16"),
    ("82", "16"),
    ("83", "23"),
    ("84", "02"),
    ("85", "17"),
    ("86", "13"),
    ("87", "22"),
    ("88", "12"),
    ("89", "07"),
    ("90", "03"),
    ("91", "25"),
    ("92", "25"),
    ("93", "24"),
    ("94", "24"),
    ("95", "25"),
    ("971", "32"),
    ("972", "31"),
    ("973", "33"),
    ("974", "28"),
    ("976", "43"),
];

/// The académie code of a département code, once normalised.
pub fn academie_of(departement: &str) -> Option<&'static str> {
    DEPARTEMENT_ACADEMIE
        .iter()
        .find(|(d, _)| *d == departement)
        .map(|(_, a)| *a)
}

pub fn academie_name(code: &str) -> Option<&'static str> {
    ACADEMIES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, n, _)| *n)
}

/// Normalises a département code as INSEE writes it: the annuaire's `062` becomes `62`,
/// `02A` becomes `2A`, `974` stays. Returns `None` for anything else.
pub fn normalize_departement(code: &str) -> Option<String> {
    let code = code.trim().to_ascii_uppercase();
    let stripped = if code.len() == 3 && code.starts_with('0') {
        &code[1..]
    } else {
        code.as_str()
    };
    DEPARTEMENT_ACADEMIE
        .iter()
        .find(|(d, _)| *d == stripped)
        .map(|(d, _)| (*d).to_owned())
}

/// The three-digit département number used as the first digits of a UAI (`62` → `062`,
/// `2A` → `620`, `2B` → `720`, `974` → `974`).
pub fn uai_prefix(departement: &str) -> String {
    match departement {
        "2A" => "620".to_owned(),
        "2B" => "720".to_owned(),
        d if d.len() == 2 => format!("0{d}"),
        d => d.to_owned(),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Commune {
    pub code: String,
    pub name: String,
    pub departement: String,
    pub departement_name: String,
    pub population: u32,
    pub latitude: f64,
    pub longitude: f64,
}

static COMMUNES_CSV_GZ: &[u8] = include_bytes!("../../data/communes.csv.gz");

#[derive(serde::Deserialize)]
struct CommuneRow {
    code_insee: String,
    nom: String,
    code_departement: String,
    nom_departement: String,
    population: Option<u32>,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

/// Every commune of France (34,870), from the embedded INSEE/IGN extract.
pub fn communes() -> Vec<Commune> {
    let mut csv = String::new();
    if flate2::read::GzDecoder::new(COMMUNES_CSV_GZ)
        .read_to_string(&mut csv)
        .is_err()
    {
        return Vec::new();
    }
    csv::Reader::from_reader(csv.as_bytes())
        .deserialize::<CommuneRow>()
        .filter_map(Result::ok)
        .map(|r| Commune {
            code: r.code_insee,
            name: r.nom,
            departement: r.code_departement,
            departement_name: r.nom_departement,
            population: r.population.unwrap_or(0),
            latitude: r.latitude.unwrap_or(0.0),
            longitude: r.longitude.unwrap_or(0.0),
        })
        .collect()
}

/// Great-circle distance in kilometres.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0 * 2.0 * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_departement_has_an_academie_and_a_region() {
        for (dep, aca) in DEPARTEMENT_ACADEMIE {
            let region = ACADEMIES
                .iter()
                .find(|(c, _, _)| c == aca)
                .map(|(_, _, r)| *r);
            let region = region.unwrap_or_else(|| panic!("{dep}: académie {aca} unknown"));
            assert!(
                REGIONS_ACADEMIQUES.iter().any(|(c, _)| *c == region),
                "{aca}"
            );
        }
        assert_eq!(academie_of("62").and_then(academie_name), Some("Lille"));
        assert_eq!(
            academie_of("63").and_then(academie_name),
            Some("Clermont-Ferrand")
        );
        assert_eq!(academie_of("27").and_then(academie_name), Some("Normandie"));
    }

    #[test]
    fn normalizes_annuaire_departement_codes() {
        assert_eq!(normalize_departement("062").as_deref(), Some("62"));
        assert_eq!(normalize_departement("62").as_deref(), Some("62"));
        assert_eq!(normalize_departement("02A").as_deref(), Some("2A"));
        assert_eq!(normalize_departement("974").as_deref(), Some("974"));
        assert_eq!(normalize_departement("099"), None);
        assert_eq!(uai_prefix("2B"), "720");
        assert_eq!(uai_prefix("3"), "3");
    }

    #[test]
    fn embedded_communes_cover_all_departements() {
        let communes = communes();
        assert_eq!(communes.len(), 34_870);
        for (dep, _) in DEPARTEMENT_ACADEMIE {
            assert!(communes.iter().any(|c| c.departement == *dep), "{dep}");
        }
        let arras = communes.iter().find(|c| c.code == "62041");
        assert_eq!(arras.map(|c| c.name.as_str()), Some("Arras"));
    }

    #[test]
    fn distances() {
        // Arras – Lille is about 45 km.
        let d = distance_km(50.291, 2.777, 50.630, 3.057);
        assert!((40.0..50.0).contains(&d), "{d}");
    }
}
