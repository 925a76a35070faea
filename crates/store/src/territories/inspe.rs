//! The INSPE partnership of a territory: the students' days with their host teachers, and
//! the freed days of the hosts that peers take for cross-observations.

use domain::ids::{PersonId, TerritoryId};
use domain::observatories::binome::Period;
use domain::practices::consent::french_date;
use domain::territories::inspe::{DayKind, Placement};

use crate::db::{BeginWrite, on};
use crate::spaces::notify;
use crate::{Db, Result, StoreError, now};

fn day_fr(day: i64) -> String {
    french_date(Period::date(day))
}

/// Places a student with a host teacher for a day; the student joins the territory. A day of
/// responsibility comes after an earlier day of observation with the same host; a student
/// has one placement a day. The host is told.
pub async fn place(
    db: &Db,
    territory: TerritoryId,
    student: PersonId,
    host: PersonId,
    placement: &Placement,
    by: PersonId,
) -> Result<i64> {
    if student == host {
        return Err(StoreError::Invalid(
            "l'étudiant et l'enseignant accueillant sont deux personnes".to_owned(),
        ));
    }
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        if placement.kind == DayKind::Responsibility {
            let observed: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM inspe_days WHERE student_id = $1 AND host_id = $2 AND kind = 'observation' AND day < $3",
            ).bind(student.0).bind(host.0).bind(placement.day).fetch_one(&mut *tx).await?;
            if observed == 0 {
                return Err(StoreError::Invalid(
                    "une journée de mise en responsabilité vient après au moins une journée d'observation dans la même classe".to_owned(),
                ));
            }
        }
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO inspe_days (territory_id, student_id, host_id, day, kind, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (student_id, day) DO NOTHING RETURNING id",
        ).bind(territory.0).bind(student.0).bind(host.0).bind(placement.day).bind(placement.kind.code())
         .bind(by.0).bind(now()).fetch_optional(&mut *tx).await?;
        let Some(id) = id else {
            return Err(StoreError::Conflict(format!(
                "l'étudiant a déjà une journée le {}", day_fr(placement.day)
            )));
        };
        sqlx::query(
            "INSERT INTO territory_members (territory_id, person_id, role) VALUES ($1, $2, 'member') ON CONFLICT DO NOTHING",
        ).bind(territory.0).bind(student.0).execute(&mut *tx).await?;
        let (student_name, slug): (String, String) = sqlx::query_as(
            "SELECT p.name, t.slug FROM people p, territories t WHERE p.id = $1 AND t.id = $2",
        ).bind(student.0).bind(territory.0).fetch_one(&mut *tx).await?;
        let message = format!(
            "Vous accueillez {student_name}, étudiant M1 MEEF, le {} : {}{}",
            day_fr(placement.day),
            placement.kind.label().to_lowercase(),
            if placement.kind.frees_the_host() { " ; ce jour-là, vous êtes libéré de votre classe" } else { "" },
        );
        notify!(tx, [host.0], message, format!("/territoires/{slug}/inspe"));
        tx.commit().await?;
        Ok(id)
    })
}

/// A day of a student with a host teacher.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Day {
    pub id: i64,
    pub student_id: i64,
    pub student: String,
    pub host_id: i64,
    pub host: String,
    pub day: i64,
    pub kind: String,
}

/// The students' days in the territory from `from` (days since 1970-01-01), by date.
pub async fn days(db: &Db, territory: TerritoryId, from: i64) -> Result<Vec<Day>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Day>(
        "SELECT d.id, d.student_id, s.name AS student, d.host_id, h.name AS host, d.day, d.kind \
         FROM inspe_days d JOIN people s ON s.id = d.student_id JOIN people h ON h.id = d.host_id \
         WHERE d.territory_id = $1 AND d.day >= $2 ORDER BY d.day, h.name, s.name",
    ).bind(territory.0).bind(from).fetch_all(pool).await)?)
}

/// A host teacher freed of their class for a day, and the peer who welcomes them, if any.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FreedDay {
    pub host_id: i64,
    pub host: String,
    pub day: i64,
    pub peer_id: Option<i64>,
    pub peer: Option<String>,
}

/// The freed days of the territory's host teachers from `from`, by date.
pub async fn freed_days(db: &Db, territory: TerritoryId, from: i64) -> Result<Vec<FreedDay>> {
    Ok(on!(db, pool => sqlx::query_as::<_, FreedDay>(
        "SELECT DISTINCT d.host_id, h.name AS host, d.day, c.peer_id, p.name AS peer \
         FROM inspe_days d JOIN people h ON h.id = d.host_id \
         LEFT JOIN cross_observations c ON c.host_id = d.host_id AND c.day = d.day \
         LEFT JOIN people p ON p.id = c.peer_id \
         WHERE d.territory_id = $1 AND d.kind = 'responsabilite' AND d.day >= $2 ORDER BY d.day, h.name",
    ).bind(territory.0).bind(from).fetch_all(pool).await)?)
}

/// A peer welcomes a freed host teacher in their class on a freed day (one peer a day); the
/// host is told.
pub async fn welcome(
    db: &Db,
    territory: TerritoryId,
    host: PersonId,
    day: i64,
    peer: PersonId,
) -> Result<()> {
    if host == peer {
        return Err(StoreError::Invalid(
            "ce jour-là, c'est vous qui êtes libéré : accueillez un autre collègue".to_owned(),
        ));
    }
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let freed: Option<String> = sqlx::query_scalar(
            "SELECT t.slug FROM inspe_days d JOIN territories t ON t.id = d.territory_id \
             WHERE d.territory_id = $1 AND d.host_id = $2 AND d.day = $3 AND d.kind = 'responsabilite' LIMIT 1",
        ).bind(territory.0).bind(host.0).bind(day).fetch_optional(&mut *tx).await?;
        let Some(slug) = freed else {
            return Err(StoreError::NotFound);
        };
        let taken = sqlx::query(
            "INSERT INTO cross_observations (host_id, day, territory_id, peer_id, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (host_id, day) DO NOTHING",
        ).bind(host.0).bind(day).bind(territory.0).bind(peer.0).bind(now()).execute(&mut *tx).await?.rows_affected();
        if taken == 0 {
            return Err(StoreError::Conflict(
                "un autre collègue accueille déjà cet enseignant ce jour-là".to_owned(),
            ));
        }
        let peer_name: String = sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
            .bind(peer.0).fetch_one(&mut *tx).await?;
        let message = format!(
            "{peer_name} vous accueille dans sa classe le {}, pendant que votre étudiant M1 MEEF tient la vôtre : une observation croisée entre pairs",
            day_fr(day)
        );
        notify!(tx, [host.0], message, format!("/territoires/{slug}/inspe"));
        tx.commit().await?;
        Ok(())
    })
}
