//! Writes the establishments of a Territoire database as an *Annuaire de l'éducation* CSV,
//! in the published format (`;`, label-case headers, 3-digit département codes, `etat`), so
//! that the import can be measured on a file of national size.
//!
//! Usage: annuaire-csv sqlite://data/territoire.db annuaire.csv

use sqlx::Row;

const HEADER: [&str; 20] = [
    "Identifiant_de_l_etablissement",
    "Nom_etablissement",
    "Type_etablissement",
    "Statut_public_prive",
    "Adresse_1",
    "Code_postal",
    "Code_commune",
    "Nom_commune",
    "Code_departement",
    "Code_academie",
    "Telephone",
    "Mail",
    "Nombre_d_eleves",
    "Appartenance_Education_Prioritaire",
    "latitude",
    "longitude",
    "Code_circonscription",
    "Nom_circonscription",
    "Code_bassin_formation",
    "Libelle_bassin_formation",
];

fn label(kind: &str) -> &'static str {
    match kind {
        "ecole" => "Ecole",
        "college" => "Collège",
        "lycee" => "Lycée",
        "erea" => "EREA",
        "medico-social" => "Médico-social",
        "orientation" => "Information et orientation",
        "administratif" => "Service Administratif",
        _ => "Autre",
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(out)) = (args.next(), args.next()) else {
        anyhow::bail!("usage : annuaire-csv URL_BASE FICHIER.csv");
    };
    let pool = sqlx::sqlite::SqlitePool::connect(&url).await?;
    let rows = sqlx::query(
        "SELECT e.uai, e.name, e.kind, e.public, e.address, e.postal_code, e.commune_code, e.commune_name, \
         e.departement_code, e.academie_code, e.phone, e.email, e.pupils, e.education_prioritaire, e.latitude, \
         e.longitude, e.circonscription_code, c.name AS circo, e.bassin_code, b.name AS bassin, e.open \
         FROM establishments e LEFT JOIN circonscriptions c ON c.code = e.circonscription_code \
         LEFT JOIN bassins b ON b.code = e.bassin_code ORDER BY e.id",
    )
    .fetch_all(&pool)
    .await?;
    let mut writer = csv::WriterBuilder::new().delimiter(b';').from_path(&out)?;
    let mut header: Vec<&str> = HEADER.to_vec();
    header.push("etat");
    writer.write_record(&header)?;
    for row in &rows {
        let text = |c: &str| {
            row.try_get::<Option<String>, _>(c)
                .ok()
                .flatten()
                .unwrap_or_default()
        };
        let number = |c: &str| {
            row.try_get::<Option<f64>, _>(c)
                .ok()
                .flatten()
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        let departement = text("departement_code");
        let departement = if departement.len() == 2 {
            format!("0{departement}")
        } else {
            departement
        };
        let public: bool = row.try_get("public")?;
        let open: bool = row.try_get("open")?;
        let pupils = row
            .try_get::<Option<i64>, _>("pupils")
            .ok()
            .flatten()
            .map(|v| v.to_string())
            .unwrap_or_default();
        writer.write_record([
            text("uai"),
            text("name"),
            label(&text("kind")).to_owned(),
            if public { "Public" } else { "Privé" }.to_owned(),
            text("address"),
            text("postal_code"),
            text("commune_code"),
            text("commune_name"),
            departement,
            text("academie_code"),
            text("phone"),
            text("email"),
            pupils,
            text("education_prioritaire"),
            number("latitude"),
            number("longitude"),
            text("circonscription_code"),
            text("circo"),
            text("bassin_code"),
            text("bassin"),
            if open { "OUVERT" } else { "FERME" }.to_owned(),
        ])?;
    }
    writer.flush()?;
    println!("{} établissements écrits dans {out}", rows.len());
    Ok(())
}
