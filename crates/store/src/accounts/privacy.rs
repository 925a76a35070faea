//! A person's rights over their data: everything the platform holds of them, exported; and
//! the closing of their account, which erases their personal data and keeps their
//! contributions under « Ancien membre ».

use domain::ids::PersonId;
use serde_json::{Map, Value};

use crate::db::{BeginWrite, on, record_change};
use crate::{Db, Result, StoreError, now};

/// What the export holds, file by file: each query reads the rows of one person (`$1`).
const SECTIONS: &[(&str, &str)] = &[
    (
        "profil",
        "SELECT id, email, name AS nom, function AS fonction, admin AS administrateur, circonscription_code AS circonscription, \
         academie_code AS academie, created_at AS cree_le, last_seen_at AS derniere_activite, ends_at AS fin_du_compte, \
         oidc_issuer AS fournisseur_identite, oidc_subject AS identifiant_fournisseur FROM people WHERE id = $1",
    ),
    (
        "etablissements",
        "SELECT e.uai, e.name AS nom, e.commune_name AS commune FROM person_establishments pe \
         JOIN establishments e ON e.id = pe.establishment_id WHERE pe.person_id = $1 ORDER BY e.uai",
    ),
    (
        "disciplines",
        "SELECT subject AS discipline FROM person_subjects WHERE person_id = $1 ORDER BY subject",
    ),
    (
        "niveaux",
        "SELECT level AS niveau FROM person_levels WHERE person_id = $1 ORDER BY level",
    ),
    (
        "territoires",
        "SELECT t.name AS territoire, m.role AS role FROM territory_members m JOIN territories t ON t.id = m.territory_id \
         WHERE m.person_id = $1 ORDER BY t.name",
    ),
    (
        "espaces",
        "SELECT s.name AS espace, m.role AS role, m.added_at AS depuis FROM space_members m JOIN spaces s ON s.id = m.space_id \
         WHERE m.person_id = $1 ORDER BY s.name",
    ),
    (
        "sessions",
        "SELECT created_at AS ouverte_le, last_seen_at AS derniere_activite, ip, user_agent AS navigateur, method AS connexion \
         FROM sessions WHERE person_id = $1 ORDER BY created_at",
    ),
    (
        "mots-de-passe-application",
        "SELECT label AS nom, created_at AS cree_le, last_used_at AS dernier_usage FROM api_tokens WHERE person_id = $1 ORDER BY created_at",
    ),
    (
        "pratiques",
        "SELECT p.id, p.title AS titre, p.summary AS resume, p.body_markdown AS texte, p.objectives AS objectifs, p.licence, \
         p.status AS etat, p.visibility AS visibilite, p.created_at AS creee_le, p.updated_at AS modifiee_le \
         FROM practices p JOIN practice_authors a ON a.practice_id = p.id WHERE a.person_id = $1 ORDER BY p.id",
    ),
    (
        "commentaires-de-pratiques",
        "SELECT practice_id AS pratique, body AS texte, created_at AS ecrit_le FROM practice_comments WHERE person_id = $1 ORDER BY id",
    ),
    (
        "essais-de-pratiques",
        "SELECT practice_id AS pratique, tried_on AS essaye_le, adaptations, outcome AS resultat, created_at AS ecrit_le \
         FROM practice_trials WHERE person_id = $1 ORDER BY id",
    ),
    (
        "favoris",
        "SELECT practice_id AS pratique FROM bookmarks WHERE person_id = $1 ORDER BY practice_id",
    ),
    (
        "consentements-droit-a-l-image",
        "SELECT c.media_id AS media, m.name AS fichier, c.pupils AS eleves, c.keeper AS conservation, c.collected_on AS recueilli_le, \
         c.scope AS portee, c.expires_on AS expire_le, c.recorded_at AS enregistre_le FROM media_consents c JOIN media m ON m.id = c.media_id \
         WHERE c.recorded_by = $1 ORDER BY c.media_id",
    ),
    (
        "consentements-visites",
        "SELECT request_id AS demande, consented_at AS accord_le FROM visit_request_teachers WHERE person_id = $1 ORDER BY request_id",
    ),
    (
        "billets-de-blog",
        "SELECT b.id, s.name AS espace, b.title AS titre, b.body_markdown AS texte, b.created_at AS ecrit_le FROM blog_posts b \
         JOIN spaces s ON s.id = b.space_id WHERE b.author_id = $1 ORDER BY b.id",
    ),
    (
        "commentaires-de-blog",
        "SELECT post_id AS billet, body AS texte, created_at AS ecrit_le FROM blog_comments WHERE person_id = $1 ORDER BY id",
    ),
    (
        "messages-de-forum",
        "SELECT p.id, t.title AS sujet, p.body_markdown AS texte, p.created_at AS ecrit_le FROM forum_posts p \
         JOIN forum_topics t ON t.id = p.topic_id WHERE p.author_id = $1 ORDER BY p.id",
    ),
    (
        "messages-de-salons",
        "SELECT m.id, r.name AS salon, m.body AS texte, m.file_name AS fichier, m.created_at AS ecrit_le FROM chat_messages m \
         JOIN chat_rooms r ON r.id = m.room_id WHERE m.author_id = $1 ORDER BY m.id",
    ),
    (
        "besoins-de-formation",
        "SELECT theme AS theme, public, level AS niveau, created_at AS exprime_le FROM training_requests WHERE person_id = $1 ORDER BY id",
    ),
    (
        "inscriptions-aux-modules",
        "SELECT m.title AS module, r.status AS etat, r.registered_at AS inscrit_le FROM training_registrations r JOIN training_modules m ON m.id = r.module_id \
         WHERE r.person_id = $1 ORDER BY r.id",
    ),
    (
        "parcours",
        "SELECT p.title AS parcours, s.position AS etape, s.title AS titre_etape, g.done_at AS faite_le, g.note AS notes \
         FROM path_progress g JOIN path_steps s ON s.id = g.step_id JOIN training_paths p ON p.id = s.path_id \
         WHERE g.person_id = $1 ORDER BY p.id, s.position",
    ),
    (
        "notifications",
        "SELECT message, link AS lien, created_at AS le FROM notifications WHERE person_id = $1 ORDER BY id",
    ),
    (
        "journal-de-securite",
        "SELECT at AS le, action, target AS objet, ip, detail FROM audit_events WHERE actor_id = $1 ORDER BY id",
    ),
];

/// A file of the person's, to put in the export as it was sent.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExportFile {
    pub blob_key: String,
    /// Where it goes in the archive: `fichiers/<kind>/<id>-<name>`.
    pub path: String,
}

/// Everything the platform holds of a person: one JSON document a section, and their files.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    pub sections: Vec<(&'static str, Value)>,
    pub files: Vec<ExportFile>,
}

const FILES: &str = "SELECT blob_key, 'fichiers/pratiques/' || CAST(id AS TEXT) || '-' || name AS path FROM media WHERE uploaded_by = $1 \
    UNION ALL SELECT v.blob_key, 'fichiers/dossiers/' || CAST(v.id AS TEXT) || '-' || e.name FROM file_versions v \
    JOIN folder_entries e ON e.id = v.entry_id WHERE v.author_id = $1 \
    UNION ALL SELECT file_key, 'fichiers/salons/' || CAST(id AS TEXT) || '-' || file_name FROM chat_messages \
    WHERE author_id = $1 AND file_key IS NOT NULL AND file_name IS NOT NULL";

pub async fn export(db: &Db, person: PersonId) -> Result<Export> {
    let mut sections = Vec::with_capacity(SECTIONS.len());
    for (name, sql) in SECTIONS {
        let rows = on!(db, pool => {
            let rows = sqlx::query(sql).bind(person.0).fetch_all(pool).await?;
            rows.iter().map(row_to_json).collect::<Vec<Value>>()
        });
        sections.push((*name, Value::Array(rows)));
    }
    let files = on!(db, pool => sqlx::query_as::<_, ExportFile>(FILES).bind(person.0).fetch_all(pool).await)?;
    Ok(Export { sections, files })
}

/// A row as a JSON object, whatever its columns (integers, reals, text, booleans).
fn row_to_json<R>(row: &R) -> Value
where
    R: sqlx::Row,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<f64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<bool>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    use sqlx::Column;
    let mut object = Map::new();
    for (i, column) in row.columns().iter().enumerate() {
        let value = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
            v.map_or(Value::Null, Value::from)
        } else if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
            v.map_or(Value::Null, Value::from)
        } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
            v.map_or(Value::Null, Value::from)
        } else if let Ok(v) = row.try_get::<Option<bool>, _>(i) {
            v.map_or(Value::Null, Value::from)
        } else {
            Value::Null
        };
        object.insert(column.name().to_owned(), value);
    }
    Value::Object(object)
}

/// The rows that are a person's own state rather than a contribution: they go when the
/// account closes.
const PERSONAL: &[(&str, &str)] = &[
    ("person_establishments", "person_id"),
    ("person_subjects", "person_id"),
    ("person_levels", "person_id"),
    ("sessions", "person_id"),
    ("api_tokens", "person_id"),
    ("password_resets", "person_id"),
    ("bookmarks", "person_id"),
    ("follows", "person_id"),
    ("notifications", "person_id"),
    ("forum_reads", "person_id"),
    ("forum_subscriptions", "person_id"),
    ("chat_reads", "person_id"),
    ("calendar_feeds", "person_id"),
    ("space_members", "person_id"),
    ("territory_members", "person_id"),
    ("territory_join_requests", "person_id"),
    ("observatory_members", "person_id"),
    ("observer_periods", "person_id"),
    ("event_registrations", "person_id"),
    ("group_members", "person_id"),
    ("network_members", "person_id"),
    ("training_requests", "person_id"),
    ("training_staff", "person_id"),
    ("training_registrations", "person_id"),
    ("path_enrolments", "person_id"),
    ("path_progress", "person_id"),
    ("pad_editors", "person_id"),
];

/// What closing an account left to do outside the database: the files to remove.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Closed {
    pub blobs: Vec<String>,
}

/// Closes an account: its personal data is erased (name, address, identity link,
/// assignments, memberships, sessions, needs, notes…) and the row stays as « Ancien
/// membre », so that what the person wrote with others keeps its place. With
/// `delete_contributions`, what the person wrote alone goes too: the practices only they
/// wrote (they leave the co-authored ones), their comments, trials, blog posts and
/// comments, forum and chat messages, and the folder files only they wrote.
pub async fn close(db: &Db, person: PersonId, delete_contributions: bool) -> Result<Closed> {
    let id = person.0;
    let found: Option<(String, String)> = on!(db, pool => sqlx::query_as("SELECT email, name FROM people WHERE id = $1 AND closed_at IS NULL")
        .bind(id).fetch_optional(pool).await)?;
    let (email, name) = found.ok_or(StoreError::NotFound)?;
    let mut closed = Closed::default();
    let at = now();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        // Documents of the search index that carry the person's name, to index again.
        let practices: Vec<i64> = sqlx::query_scalar("SELECT practice_id FROM practice_authors WHERE person_id = $1")
            .bind(id).fetch_all(&mut *tx).await?;
        let topics: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT topic_id FROM forum_posts WHERE author_id = $1 UNION SELECT id FROM forum_topics WHERE author_id = $1",
        ).bind(id).fetch_all(&mut *tx).await?;
        if delete_contributions {
            let alone: Vec<i64> = sqlx::query_scalar(
                "SELECT practice_id FROM practice_authors a WHERE person_id = $1 \
                 AND NOT EXISTS (SELECT 1 FROM practice_authors o WHERE o.practice_id = a.practice_id AND o.person_id <> $1)",
            ).bind(id).fetch_all(&mut *tx).await?;
            for practice in &alone {
                let keys: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
                    "SELECT blob_key, transcoded_key, poster_key FROM media WHERE practice_id = $1",
                ).bind(practice).fetch_all(&mut *tx).await?;
                closed.blobs.extend(keys.into_iter().flat_map(|(a, b, c)| [Some(a), b, c]).flatten());
                sqlx::query("DELETE FROM practices WHERE id = $1").bind(practice).execute(&mut *tx).await?;
            }
            sqlx::query("DELETE FROM practice_authors WHERE person_id = $1").bind(id).execute(&mut *tx).await?;
            let files: Vec<String> = sqlx::query_scalar(
                "SELECT file_key FROM chat_messages WHERE author_id = $1 AND file_key IS NOT NULL",
            ).bind(id).fetch_all(&mut *tx).await?;
            closed.blobs.extend(files);
            let entries: Vec<i64> = sqlx::query_scalar(
                "SELECT e.id FROM folder_entries e WHERE NOT e.is_folder AND EXISTS (SELECT 1 FROM file_versions v WHERE v.entry_id = e.id) \
                 AND NOT EXISTS (SELECT 1 FROM file_versions v WHERE v.entry_id = e.id AND (v.author_id IS NULL OR v.author_id <> $1))",
            ).bind(id).fetch_all(&mut *tx).await?;
            for entry in &entries {
                let keys: Vec<String> = sqlx::query_scalar("SELECT blob_key FROM file_versions WHERE entry_id = $1")
                    .bind(entry).fetch_all(&mut *tx).await?;
                closed.blobs.extend(keys);
                sqlx::query("DELETE FROM folder_entries WHERE id = $1").bind(entry).execute(&mut *tx).await?;
            }
            for sql in [
                "DELETE FROM practice_comments WHERE person_id = $1",
                "DELETE FROM practice_trials WHERE person_id = $1",
                "DELETE FROM blog_comments WHERE person_id = $1",
                "DELETE FROM blog_posts WHERE author_id = $1",
                "DELETE FROM forum_posts WHERE author_id = $1",
                "DELETE FROM chat_messages WHERE author_id = $1",
            ] {
                sqlx::query(sql).bind(id).execute(&mut *tx).await?;
            }
            // A topic left with no message goes; one others answered stays, under « Ancien membre ».
            sqlx::query("DELETE FROM forum_topics WHERE author_id = $1 AND NOT EXISTS (SELECT 1 FROM forum_posts p WHERE p.topic_id = forum_topics.id)")
                .bind(id).execute(&mut *tx).await?;
        }
        for (table, column) in PERSONAL {
            sqlx::query(&format!("DELETE FROM {table} WHERE {column} = $1")).bind(id).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM login_failures WHERE email = $1").bind(&email).execute(&mut *tx).await?;
        // Other people's notifications and the spaces' activity name the person: no more.
        for table in ["notifications", "space_activity"] {
            sqlx::query(&format!(
                "UPDATE {table} SET message = REPLACE(message, $1, 'Ancien membre') WHERE message LIKE '%' || $1 || '%'"
            ))
            .bind(&name).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM invitations WHERE email = $1").bind(&email).execute(&mut *tx).await?;
        sqlx::query(
            "UPDATE people SET email = $1, name = 'Ancien membre', password_hash = NULL, admin = $2, circonscription_code = NULL, \
             academie_code = NULL, oidc_issuer = NULL, oidc_subject = NULL, last_seen_at = NULL, ends_at = NULL, \
             disabled_at = $3, closed_at = $3 WHERE id = $4",
        )
        .bind(format!("ancien-membre-{id}@compte-ferme.invalid")).bind(false).bind(at).bind(id)
        .execute(&mut *tx).await?;
        for practice in practices {
            record_change!(db, tx, crate::practices::DOCUMENT_KIND, practice);
        }
        for topic in topics {
            record_change!(db, tx, crate::spaces::forum::DOCUMENT_KIND, topic);
        }
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    for key in &closed.blobs {
        crate::jobs::enqueue(db, crate::jobs::REMOVE_BLOB, key).await?;
    }
    Ok(closed)
}

/// What the retention rules take away now: the accounts unused since before their cutoff
/// (administrators aside: a platform keeps its administrators), the stale invitations, old
/// chat messages and old entries of the audit trail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Retention {
    pub inactive_accounts: Vec<PersonId>,
    pub invitations: i64,
    pub chat_messages: i64,
    pub audit_entries: i64,
}

impl Retention {
    /// In words: « 2 comptes inactifs, 3 invitations, … ».
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "rien".to_owned();
        }
        let count =
            |n: i64, one: &str, many: &str| format!("{n} {}", if n > 1 { many } else { one });
        [
            count(
                self.inactive_accounts.len() as i64,
                "compte inactif",
                "comptes inactifs",
            ),
            count(self.invitations, "invitation", "invitations"),
            count(self.chat_messages, "message de salon", "messages de salon"),
            count(
                self.audit_entries,
                "entrée du journal de sécurité",
                "entrées du journal de sécurité",
            ),
        ]
        .join(", ")
    }

    pub fn is_empty(&self) -> bool {
        self.inactive_accounts.is_empty()
            && self.invitations == 0
            && self.chat_messages == 0
            && self.audit_entries == 0
    }
}

/// What the rules would take away now, without touching anything (the dry run).
pub async fn retention_due(
    db: &Db,
    cutoffs: &domain::accounts::privacy::Cutoffs,
) -> Result<Retention> {
    let mut due = Retention {
        inactive_accounts: inactive_accounts(db, cutoffs).await?,
        ..Retention::default()
    };
    if let Some(before) = cutoffs.invitations {
        due.invitations = super::invitations::count_stale(db, before).await?;
    }
    if let Some(before) = cutoffs.chat_messages {
        due.chat_messages = on!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM chat_messages WHERE created_at < $1")
            .bind(before).fetch_one(pool).await)?;
    }
    if let Some(before) = cutoffs.audit {
        due.audit_entries = super::audit::count_older(db, before).await?;
    }
    Ok(due)
}

/// The accounts unused since before their cutoff, administrators aside.
async fn inactive_accounts(
    db: &Db,
    cutoffs: &domain::accounts::privacy::Cutoffs,
) -> Result<Vec<PersonId>> {
    let Some(before) = cutoffs.inactive_accounts else {
        return Ok(Vec::new());
    };
    let ids: Vec<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT id FROM people WHERE closed_at IS NULL AND NOT admin AND COALESCE(last_seen_at, created_at) < $1 ORDER BY id",
    ).bind(before).fetch_all(pool).await)?;
    Ok(ids.into_iter().map(PersonId).collect())
}

/// Applies the rules: closes the inactive accounts (their contributions stay, as « Ancien
/// membre »), deletes the stale invitations, the old chat messages (their files queued for
/// removal) and the old audit entries, then says so in the audit trail (`how`: by the daily
/// job, the command line…). Returns what was done.
pub async fn apply_retention(
    db: &Db,
    cutoffs: &domain::accounts::privacy::Cutoffs,
    how: &str,
) -> Result<Retention> {
    let mut done = Retention::default();
    for person in &inactive_accounts(db, cutoffs).await? {
        match close(db, *person, false).await {
            Ok(_) => done.inactive_accounts.push(*person),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    if let Some(before) = cutoffs.invitations {
        done.invitations = super::invitations::purge(db, before).await? as i64;
    }
    if let Some(before) = cutoffs.chat_messages {
        let files: Vec<String> = on!(db, pool => sqlx::query_scalar(
            "SELECT file_key FROM chat_messages WHERE created_at < $1 AND file_key IS NOT NULL",
        ).bind(before).fetch_all(pool).await)?;
        done.chat_messages = on!(db, pool => sqlx::query("DELETE FROM chat_messages WHERE created_at < $1")
            .bind(before).execute(pool).await.map(|r| r.rows_affected()))?
            as i64;
        for key in files {
            crate::jobs::enqueue(db, crate::jobs::REMOVE_BLOB, &key).await?;
        }
    }
    if let Some(before) = cutoffs.audit {
        done.audit_entries = super::audit::prune(db, before).await? as i64;
    }
    if !done.is_empty() {
        use domain::accounts::audit::{AuditAction, AuditEvent};
        let event = AuditEvent::new(None, AuditAction::Retention, "plateforme", "")
            .detail(format!("supprimé ({how}) : {}", done.summary()));
        super::audit::record(db, &event).await?;
    }
    Ok(done)
}
