//! Reader of the *Annuaire de l'éducation* CSV exactly as published on
//! data.education.gouv.fr: `;`-separated, UTF-8 with or without BOM, headers in label case
//! (`Identifiant_de_l_etablissement`) or lower case (the API variant), quoted fields.
//! The whole file is checked before anything is returned: one bad line refuses the file.

use std::collections::HashMap;
use std::io::Read;

use super::geo::normalize_departement;
use super::{EducationPrioritaire, EstablishmentKind, Uai};

/// One establishment of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub uai: Uai,
    pub name: String,
    pub kind: EstablishmentKind,
    pub public: bool,
    pub address: Option<String>,
    pub postal_code: Option<String>,
    pub commune_code: String,
    pub commune_name: String,
    pub departement: String,
    pub circonscription: Option<(String, String)>,
    pub bassin: Option<(String, String)>,
    pub education_prioritaire: Option<EducationPrioritaire>,
    pub pupils: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub open: bool,
}

/// Why a file is refused, in French, naming the line and the column.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnnuaireError {
    #[error("colonne obligatoire absente : « {0} »")]
    MissingColumn(&'static str),
    #[error("ligne {line}, colonne « {column} » : {message}")]
    Field {
        line: u64,
        column: &'static str,
        message: String,
    },
    #[error("ligne {line} : {message}")]
    Line { line: u64, message: String },
    #[error("le fichier ne contient aucun établissement")]
    Empty,
}

/// Columns, by their published label; the lower-case API names fold to the same key.
const UAI: &str = "Identifiant_de_l_etablissement";
const NAME: &str = "Nom_etablissement";
const KIND: &str = "Type_etablissement";
const STATUS: &str = "Statut_public_prive";
const ADDRESS: &str = "Adresse_1";
const POSTAL_CODE: &str = "Code_postal";
const COMMUNE_CODE: &str = "Code_commune";
const COMMUNE_NAME: &str = "Nom_commune";
const DEPARTEMENT: &str = "Code_departement";
const PHONE: &str = "Telephone";
const MAIL: &str = "Mail";
const PUPILS: &str = "Nombre_d_eleves";
const PRIORITY: &str = "Appartenance_Education_Prioritaire";
const LATITUDE: &str = "latitude";
const LONGITUDE: &str = "longitude";
const CIRCO_CODE: &str = "Code_circonscription";
const CIRCO_NAME: &str = "Nom_circonscription";
const BASSIN_CODE: &str = "Code_bassin_formation";
const BASSIN_NAME: &str = "Libelle_bassin_formation";
const STATE: &str = "etat";

const REQUIRED: [&str; 6] = [UAI, NAME, KIND, COMMUNE_CODE, COMMUNE_NAME, DEPARTEMENT];
const OPTIONAL: [&str; 14] = [
    STATUS,
    ADDRESS,
    POSTAL_CODE,
    PHONE,
    MAIL,
    PUPILS,
    PRIORITY,
    LATITUDE,
    LONGITUDE,
    CIRCO_CODE,
    CIRCO_NAME,
    BASSIN_CODE,
    BASSIN_NAME,
    STATE,
];

fn header_key(header: &str) -> String {
    crate::text::fold(header.trim_start_matches('\u{feff}')).replace(' ', "_")
}

struct Columns(HashMap<&'static str, usize>);

impl Columns {
    fn get<'r>(&self, record: &'r csv::StringRecord, column: &'static str) -> Option<&'r str> {
        let value = self.0.get(column).and_then(|&i| record.get(i))?.trim();
        (!value.is_empty()).then_some(value)
    }
}

/// The longest line the directory publishes is under 2 Kio; a longer one is refused before it
/// is held in memory (a 200 Mo name once took 2 Go).
pub const MAX_LINE_BYTES: usize = 16 * 1024;

/// The longest value of each text column, in characters.
const MAX_CHARS: &[(&str, usize)] = &[
    (UAI, 8),
    (NAME, 200),
    (KIND, 100),
    (STATUS, 20),
    (ADDRESS, 300),
    (POSTAL_CODE, 10),
    (COMMUNE_CODE, 10),
    (COMMUNE_NAME, 100),
    (DEPARTEMENT, 10),
    (PHONE, 30),
    (MAIL, 254),
    (PUPILS, 10),
    (PRIORITY, 50),
    (LATITUDE, 30),
    (LONGITUDE, 30),
    (CIRCO_CODE, 20),
    (CIRCO_NAME, 200),
    (BASSIN_CODE, 20),
    (BASSIN_NAME, 200),
    (STATE, 20),
];

/// A reader that fails on a line longer than [`MAX_LINE_BYTES`].
struct BoundedLines<R> {
    inner: R,
    line: usize,
}

impl<R: Read> Read for BoundedLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        for &byte in &buf[..read] {
            if byte == b'\n' {
                self.line = 0;
            } else {
                self.line += 1;
                if self.line > MAX_LINE_BYTES {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "ligne trop longue",
                    ));
                }
            }
        }
        Ok(read)
    }
}

/// Reads a whole file; returns every entry or the first reason to refuse it.
pub fn parse(input: impl Read) -> Result<Vec<Entry>, AnnuaireError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(false)
        .from_reader(BoundedLines {
            inner: input,
            line: 0,
        });
    let headers = reader.headers().map_err(|e| csv_error(&e, 1))?.clone();
    let keys: Vec<String> = headers.iter().map(header_key).collect();
    let mut columns = HashMap::new();
    for name in REQUIRED.iter().chain(OPTIONAL.iter()) {
        if let Some(i) = keys.iter().position(|k| *k == header_key(name)) {
            columns.insert(*name, i);
        }
    }
    if let Some(missing) = REQUIRED.iter().find(|c| !columns.contains_key(*c)) {
        return Err(AnnuaireError::MissingColumn(missing));
    }
    let columns = Columns(columns);

    let mut entries = Vec::new();
    let mut seen: HashMap<Uai, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(&e, line)),
        }
        let line = record.position().map_or(line, csv::Position::line);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let entry = parse_record(&columns, &record, line)?;
        if let Some(first) = seen.insert(entry.uai.clone(), line) {
            return Err(AnnuaireError::Field {
                line,
                column: UAI,
                message: format!("l'UAI {} figure déjà ligne {first}", entry.uai),
            });
        }
        entries.push(entry);
    }
    if entries.is_empty() {
        return Err(AnnuaireError::Empty);
    }
    Ok(entries)
}

fn csv_error(error: &csv::Error, line: u64) -> AnnuaireError {
    let line = error.position().map_or(line, csv::Position::line);
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("ligne mal formée : {len} champs au lieu de {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "le texte n'est pas en UTF-8".to_owned(),
        csv::ErrorKind::Io(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            format!(
                "ligne trop longue (plus de {MAX_LINE_BYTES} octets) : ce n'est pas un fichier de l'annuaire"
            )
        }
        _ => "ligne illisible".to_owned(),
    };
    AnnuaireError::Line { line, message }
}

fn parse_record(
    cols: &Columns,
    record: &csv::StringRecord,
    line: u64,
) -> Result<Entry, AnnuaireError> {
    let field_error = |column: &'static str, message: String| AnnuaireError::Field {
        line,
        column,
        message,
    };
    for (column, max) in MAX_CHARS {
        let Some(value) = cols.get(record, column) else {
            continue;
        };
        let length = value.chars().count();
        if length > *max {
            return Err(field_error(
                column,
                format!("{length} caractères, {max} au plus"),
            ));
        }
        if let Some(c) = crate::text::forbidden_char_in_line(value) {
            return Err(field_error(
                column,
                format!(
                    "caractère invisible interdit ({})",
                    crate::text::describe_char(c)
                ),
            ));
        }
    }
    let required = |column: &'static str| {
        cols.get(record, column)
            .ok_or_else(|| field_error(column, "valeur manquante".to_owned()))
    };
    let text = |column: &'static str| cols.get(record, column).map(str::to_owned);
    let number = |column: &'static str| -> Result<Option<f64>, AnnuaireError> {
        cols.get(record, column)
            .map(|v| {
                v.replace(',', ".")
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| field_error(column, format!("« {v} » n'est pas un nombre")))
            })
            .transpose()
    };

    let uai = Uai::parse_checked(required(UAI)?).map_err(|e| field_error(UAI, e.to_string()))?;
    let departement_raw = required(DEPARTEMENT)?;
    let departement = normalize_departement(departement_raw).ok_or_else(|| {
        field_error(
            DEPARTEMENT,
            format!("département « {departement_raw} » inconnu"),
        )
    })?;
    let latitude = number(LATITUDE)?;
    let longitude = number(LONGITUDE)?;
    if let Some(lat) = latitude.filter(|l| !(-90.0..=90.0).contains(l)) {
        return Err(field_error(
            LATITUDE,
            format!("{lat} est hors de [-90, 90]"),
        ));
    }
    if let Some(lon) = longitude.filter(|l| !(-180.0..=180.0).contains(l)) {
        return Err(field_error(
            LONGITUDE,
            format!("{lon} est hors de [-180, 180]"),
        ));
    }
    let pupils = cols
        .get(record, PUPILS)
        .map(|v| {
            v.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| field_error(PUPILS, format!("« {v} » n'est pas un effectif")))
        })
        .transpose()?;
    let pair = |code: &'static str, name: &'static str| {
        text(code).map(|c| {
            let label = text(name).unwrap_or_else(|| c.clone());
            (c, label)
        })
    };
    Ok(Entry {
        uai,
        name: required(NAME)?.to_owned(),
        kind: EstablishmentKind::from_annuaire(required(KIND)?),
        public: cols
            .get(record, STATUS)
            .is_none_or(|s| crate::text::fold(s) != "prive"),
        address: text(ADDRESS),
        postal_code: text(POSTAL_CODE),
        commune_code: required(COMMUNE_CODE)?.to_owned(),
        commune_name: required(COMMUNE_NAME)?.to_owned(),
        departement,
        circonscription: pair(CIRCO_CODE, CIRCO_NAME),
        bassin: pair(BASSIN_CODE, BASSIN_NAME),
        education_prioritaire: cols
            .get(record, PRIORITY)
            .and_then(EducationPrioritaire::from_code),
        pupils,
        phone: text(PHONE),
        email: text(MAIL),
        latitude: latitude.filter(|_| longitude.is_some()),
        longitude: longitude.filter(|_| latitude.is_some()),
        open: cols
            .get(record, STATE)
            .is_none_or(|s| s.eq_ignore_ascii_case("OUVERT")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Adresse_1;Code_postal;Code_commune;Nom_commune;Code_departement;Code_academie;Appartenance_Education_Prioritaire;latitude;longitude;Code_circonscription;Nom_circonscription;etat";

    #[test]
    fn reads_the_published_format() {
        let file = format!(
            "\u{feff}{HEADER}\n\
             0620001P;\"École primaire Jean Jaurès; Arras\";Ecole;Public;1 rue X;62000;62041;Arras;062;09;REP+;50.29;2.77;0620095E;Circonscription d'Arras 1;OUVERT\n\
             0620002R;Collège Bel Air;Collège;Privé;;62000;62041;Arras;062;09;;;;;;FERME\n"
        );
        let entries = parse(file.as_bytes()).map_err(|e| e.to_string());
        let entries = entries.as_deref().unwrap_or_default();
        assert_eq!(entries.len(), 2);
        let ecole = &entries[0];
        assert_eq!(ecole.name, "École primaire Jean Jaurès; Arras");
        assert_eq!(ecole.kind, EstablishmentKind::Ecole);
        assert_eq!(ecole.departement, "62");
        assert_eq!(
            ecole.education_prioritaire,
            Some(EducationPrioritaire::RepPlus)
        );
        assert_eq!(
            ecole.circonscription.as_ref().map(|c| c.0.as_str()),
            Some("0620095E")
        );
        assert_eq!((ecole.latitude, ecole.longitude), (Some(50.29), Some(2.77)));
        assert!(ecole.open && ecole.public);
        let college = &entries[1];
        assert!(!college.open && !college.public);
        assert_eq!(
            (college.latitude, college.longitude, college.address.clone()),
            (None, None, None)
        );
    }

    #[test]
    fn reads_lower_case_headers() {
        let file = format!(
            "{}\n0620001P;École;Ecole;Public;;;62041;Arras;62;09;;;;;;OUVERT\n",
            HEADER.to_lowercase()
        );
        assert_eq!(parse(file.as_bytes()).map(|e| e.len()), Ok(1));
    }

    #[test]
    fn refuses_a_missing_column() {
        let header = HEADER.replace("Nom_etablissement;", "");
        let file = format!("{header}\n");
        assert_eq!(
            parse(file.as_bytes()),
            Err(AnnuaireError::MissingColumn("Nom_etablissement"))
        );
    }

    #[test]
    fn names_line_and_column_of_a_bad_uai() {
        let file = format!(
            "{HEADER}\n0620001P;A;Ecole;Public;;;62041;Arras;62;09;;;;;;OUVERT\n062X001A;B;Ecole;Public;;;62041;Arras;62;09;;;;;;OUVERT\n"
        );
        let error = parse(file.as_bytes())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.starts_with("ligne 3, colonne « Identifiant_de_l_etablissement »"),
            "{error}"
        );
    }

    #[test]
    fn names_the_line_of_a_broken_record() {
        let file = format!("{HEADER}\n0620001P;A;Ecole\n");
        let error = parse(file.as_bytes())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.starts_with("ligne 2 : ligne mal formée : 3 champs au lieu de 16"),
            "{error}"
        );
    }

    #[test]
    fn refuses_bad_coordinates_duplicates_and_empty_files() {
        let bad_lat =
            format!("{HEADER}\n0620001P;A;Ecole;Public;;;62041;Arras;62;09;;nord;2.7;;;OUVERT\n");
        let error = parse(bad_lat.as_bytes())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.contains("colonne « latitude »") && error.contains("« nord »"),
            "{error}"
        );
        let dup = format!(
            "{HEADER}\n0620001P;A;Ecole;Public;;;62041;Arras;62;09;;;;;;OUVERT\n0620001p;B;Ecole;Public;;;62041;Arras;62;09;;;;;;OUVERT\n"
        );
        let error = parse(dup.as_bytes())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.contains("ligne 3") && error.contains("figure déjà ligne 2"),
            "{error}"
        );
        assert_eq!(
            parse(format!("{HEADER}\n").as_bytes()),
            Err(AnnuaireError::Empty)
        );
        let bad_dep =
            format!("{HEADER}\n0620001P;A;Ecole;Public;;;62041;Arras;099;09;;;;;;OUVERT\n");
        let error = parse(bad_dep.as_bytes())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.contains("Code_departement") && error.contains("099"),
            "{error}"
        );
    }

    #[test]
    fn keeps_its_bounds() {
        let error = |file: &str| {
            parse(file.as_bytes())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        // A check letter that does not follow the digits.
        let wrong_letter = format!(
            "{HEADER}\n0620001P;A;Ecole;Public;;;62041;Arras;62;09;;;;;;OUVERT\n0620003Z;B;Ecole;Public;;;62041;Arras;62;09;;;;;;OUVERT\n"
        );
        let said = error(&wrong_letter);
        assert!(
            said.starts_with("ligne 3, colonne « Identifiant_de_l_etablissement »")
                && said.contains("la lettre de contrôle de 0620003 est S"),
            "{said}"
        );
        // A name at its limit passes; one character more is refused, naming line and column.
        let at_limit = format!(
            "{HEADER}\n0620001P;{};Ecole;Public;;;62041;Arras;62;09;;;;;;OUVERT\n",
            "é".repeat(200)
        );
        assert_eq!(parse(at_limit.as_bytes()).map(|e| e.len()), Ok(1));
        let said = error(&at_limit.replace(&"é".repeat(200), &"é".repeat(201)));
        assert!(
            said.starts_with("ligne 2, colonne « Nom_etablissement »")
                && said.contains("201 caractères, 200 au plus"),
            "{said}"
        );
        // A 200 Mo name is refused as soon as its line passes 16 Kio, never held whole.
        let header_and_start = format!("{HEADER}\n0620001P;");
        let endless = std::io::Read::chain(
            header_and_start.as_bytes(),
            std::io::repeat(b'x').take(200 << 20),
        );
        let said = parse(endless)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(said.starts_with("ligne 2 : ligne trop longue"), "{said}");
        // Control characters and direction overrides in a value.
        let said = error(&format!(
            "{HEADER}\n0620001P;École\u{202e}txt.exe;Ecole;Public;;;62041;Arras;62;09;;;;;;OUVERT\n"
        ));
        assert!(
            said.contains("Nom_etablissement") && said.contains("U+202E"),
            "{said}"
        );
    }
}
