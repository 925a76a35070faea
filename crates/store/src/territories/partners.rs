//! The partners' contacts and the conventions of a territory, their documents and the
//! reminders to renew them.

use domain::ids::{PersonId, TerritoryId};
use domain::territories::partners::{Contact, Convention, RENEWAL_NOTICE_DAYS};

use crate::db::{BeginWrite, on};
use crate::spaces::notify;
use crate::{Db, Result, StoreError, now};

/// A partner with the people to reach there.
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub contacts: Vec<ContactRow>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ContactRow {
    pub id: i64,
    pub partner_id: i64,
    pub name: String,
    pub role: String,
    pub email: String,
    pub phone: String,
}

/// The partners of a territory with their contacts, by name.
pub async fn list(db: &Db, territory: TerritoryId) -> Result<Vec<Partner>> {
    let partners: Vec<(i64, String, String)> = on!(db, pool => sqlx::query_as(
        "SELECT id, name, kind FROM territory_partners WHERE territory_id = $1 ORDER BY name, id",
    ).bind(territory.0).fetch_all(pool).await)?;
    let contacts: Vec<ContactRow> = on!(db, pool => sqlx::query_as(
        "SELECT c.id, c.partner_id, c.name, c.role, c.email, c.phone FROM partner_contacts c \
         JOIN territory_partners p ON p.id = c.partner_id WHERE p.territory_id = $1 ORDER BY c.name, c.id",
    ).bind(territory.0).fetch_all(pool).await)?;
    Ok(partners
        .into_iter()
        .map(|(id, name, kind)| Partner {
            id,
            name,
            kind,
            contacts: contacts
                .iter()
                .filter(|c| c.partner_id == id)
                .cloned()
                .collect(),
        })
        .collect())
}

/// The territory of a partner.
pub async fn territory_of_partner(db: &Db, partner: i64) -> Result<TerritoryId> {
    let territory: Option<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT territory_id FROM territory_partners WHERE id = $1",
    ).bind(partner).fetch_optional(pool).await)?;
    territory.map(TerritoryId).ok_or(StoreError::NotFound)
}

pub async fn add_contact(db: &Db, partner: i64, contact: &Contact) -> Result<i64> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "INSERT INTO partner_contacts (partner_id, name, role, email, phone) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    ).bind(partner).bind(&contact.name).bind(&contact.role).bind(&contact.email).bind(&contact.phone)
     .fetch_one(pool).await)?)
}

/// Forgets a contact of a partner of the territory (their personal data goes with it).
pub async fn delete_contact(db: &Db, territory: TerritoryId, contact: i64) -> Result<()> {
    let gone = on!(db, pool => sqlx::query(
        "DELETE FROM partner_contacts WHERE id = $1 AND partner_id IN (SELECT id FROM territory_partners WHERE territory_id = $2)",
    ).bind(contact).bind(territory.0).execute(pool).await.map(|r| r.rows_affected()))?;
    if gone == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// A convention with its documents.
#[derive(Debug, Clone, PartialEq)]
pub struct ConventionRow {
    pub id: i64,
    pub territory_id: i64,
    pub kind: String,
    pub title: String,
    pub parties: Vec<String>,
    pub starts_on: i64,
    pub ends_on: i64,
    pub documents: Vec<Document>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Document {
    pub id: i64,
    pub convention_id: i64,
    pub name: String,
    pub blob_key: String,
    pub size: i64,
    pub content_type: String,
}

pub async fn create_convention(
    db: &Db,
    territory: TerritoryId,
    convention: &Convention,
    by: PersonId,
) -> Result<i64> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "INSERT INTO conventions (territory_id, kind, title, parties, starts_on, ends_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    ).bind(territory.0).bind(&convention.kind).bind(&convention.title).bind(convention.parties.join("\n"))
     .bind(convention.starts_on).bind(convention.ends_on).bind(by.0).bind(now())
     .fetch_one(pool).await)?)
}

type ConventionFields = (i64, i64, String, String, String, i64, i64);

fn assemble(rows: Vec<ConventionFields>, documents: &[Document]) -> Vec<ConventionRow> {
    rows.into_iter()
        .map(
            |(id, territory_id, kind, title, parties, starts_on, ends_on)| ConventionRow {
                id,
                territory_id,
                kind,
                title,
                parties: parties.lines().map(str::to_owned).collect(),
                starts_on,
                ends_on,
                documents: documents
                    .iter()
                    .filter(|d| d.convention_id == id)
                    .cloned()
                    .collect(),
            },
        )
        .collect()
}

/// The conventions of a territory, those ending first first.
pub async fn conventions(db: &Db, territory: TerritoryId) -> Result<Vec<ConventionRow>> {
    let rows: Vec<ConventionFields> = on!(db, pool => sqlx::query_as(
        "SELECT id, territory_id, kind, title, parties, starts_on, ends_on FROM conventions \
         WHERE territory_id = $1 ORDER BY ends_on, id",
    ).bind(territory.0).fetch_all(pool).await)?;
    let documents: Vec<Document> = on!(db, pool => sqlx::query_as(
        "SELECT d.id, d.convention_id, d.name, d.blob_key, d.size, d.content_type FROM convention_documents d \
         JOIN conventions c ON c.id = d.convention_id WHERE c.territory_id = $1 ORDER BY d.uploaded_at, d.id",
    ).bind(territory.0).fetch_all(pool).await)?;
    Ok(assemble(rows, &documents))
}

pub async fn convention(db: &Db, id: i64) -> Result<ConventionRow> {
    let rows: Vec<ConventionFields> = on!(db, pool => sqlx::query_as(
        "SELECT id, territory_id, kind, title, parties, starts_on, ends_on FROM conventions WHERE id = $1",
    ).bind(id).fetch_all(pool).await)?;
    let documents: Vec<Document> = on!(db, pool => sqlx::query_as(
        "SELECT id, convention_id, name, blob_key, size, content_type FROM convention_documents \
         WHERE convention_id = $1 ORDER BY uploaded_at, id",
    ).bind(id).fetch_all(pool).await)?;
    assemble(rows, &documents).pop().ok_or(StoreError::NotFound)
}

/// Renews a convention until `ends_on`: a reminder will be sent again before the new end.
pub async fn renew(db: &Db, id: i64, ends_on: i64) -> Result<()> {
    let changed = on!(db, pool => sqlx::query(
        "UPDATE conventions SET ends_on = $2, reminded_at = NULL WHERE id = $1",
    ).bind(id).bind(ends_on).execute(pool).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Records a document of a convention, already in the blob store under `blob_key`.
pub async fn add_document(
    db: &Db,
    convention: i64,
    name: &str,
    blob_key: &str,
    size: i64,
    content_type: &str,
    by: PersonId,
) -> Result<i64> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "INSERT INTO convention_documents (convention_id, name, blob_key, size, content_type, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    ).bind(convention).bind(name).bind(blob_key).bind(size).bind(content_type).bind(by.0).bind(now())
     .fetch_one(pool).await)?)
}

/// Tells the coordination of each territory, once, of its conventions that end within the
/// renewal notice after `today` (days since 1970-01-01). Returns how many conventions.
pub async fn remind_renewals(db: &Db, today: i64) -> Result<usize> {
    let reminded = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let due: Vec<(i64, i64, String, i64, String)> = sqlx::query_as(
            "SELECT c.id, c.territory_id, c.title, c.ends_on, t.slug FROM conventions c \
             JOIN territories t ON t.id = c.territory_id \
             WHERE c.reminded_at IS NULL AND c.ends_on >= $1 AND c.ends_on <= $2 ORDER BY c.ends_on, c.id",
        ).bind(today).bind(today + RENEWAL_NOTICE_DAYS).fetch_all(&mut *tx).await?;
        for (id, territory, title, ends_on, slug) in &due {
            let coordinators: Vec<i64> = sqlx::query_scalar(
                "SELECT person_id FROM territory_members WHERE territory_id = $1 AND role = 'coordinator'",
            ).bind(territory).fetch_all(&mut *tx).await?;
            let message = format!(
                "La convention « {title} » prend fin le {} : pensez à la renouveler",
                domain::practices::consent::french_date(domain::observatories::binome::Period::date(*ends_on)),
            );
            notify!(tx, coordinators.iter().copied(), message, format!("/territoires/{slug}/partenaires#convention-{id}"));
            sqlx::query("UPDATE conventions SET reminded_at = $2 WHERE id = $1")
                .bind(id).bind(now()).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        due.len()
    });
    Ok(reminded)
}
