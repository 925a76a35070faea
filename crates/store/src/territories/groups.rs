//! The instances and working groups of a territory, their members by seat, and the space of
//! each (blog, forum, folders, chat, pads).

use domain::ids::{PersonId, SpaceId, TerritoryId};
use domain::spaces::{SpaceContent, SpaceKind, SpaceRole, SpaceVisibility};
use domain::territories::groups::{GroupKind, Meeting};

use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

/// A group of a territory, with its members: (seat, name, account).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: i64,
    pub kind: GroupKind,
    pub name: String,
    pub establishment: Option<String>,
    pub theme: String,
    pub space_id: Option<i64>,
    pub members: Vec<(String, String, Option<i64>)>,
}

/// Creates a group and its space (its creator owns it); the steering and operational groups
/// are one per territory. A working group 1 names its establishment (of the territory).
pub async fn create(
    db: &Db,
    territory: TerritoryId,
    kind: GroupKind,
    name: &str,
    uai: Option<&str>,
    theme: &str,
    by: PersonId,
) -> Result<i64> {
    let establishment: Option<i64> = match uai {
        Some(uai) => Some(
            on!(db, pool => sqlx::query_scalar::<_, i64>(
                "SELECT e.id FROM establishments e JOIN territory_establishments te \
                 ON te.establishment_id = e.id AND te.territory_id = $1 WHERE e.uai = $2",
            ).bind(territory.0).bind(uai).fetch_optional(pool).await)?
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "l'établissement {uai} ne fait pas partie du territoire"
                ))
            })?,
        ),
        None => None,
    };
    let id: i64 = on!(db, pool => sqlx::query_scalar(
        "INSERT INTO territory_groups (territory_id, kind, name, establishment_id, theme, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    ).bind(territory.0).bind(kind.code()).bind(name).bind(establishment).bind(theme).bind(now())
     .fetch_one(pool).await)
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!("le territoire a déjà son {}", kind.label().to_lowercase())),
        other => other,
    })?;
    let content = SpaceContent {
        name: name.chars().take(120).collect(),
        description: kind.about().to_owned(),
        visibility: SpaceVisibility::Members,
        kind: SpaceKind::Group,
    };
    let space = crate::spaces::create(
        db,
        &content,
        Some(territory),
        by,
        domain::spaces::DEFAULT_QUOTA,
    )
    .await?;
    on!(db, pool => sqlx::query("UPDATE territory_groups SET space_id = $2 WHERE id = $1")
        .bind(id).bind(space.0).execute(pool).await.map(|_| ()))?;
    Ok(id)
}

/// Seats a member: a person (who joins the group's space) or a partner by name.
pub async fn add_member(
    db: &Db,
    group: i64,
    person: Option<PersonId>,
    name: &str,
    seat: &str,
    by: PersonId,
) -> Result<()> {
    on!(db, pool => sqlx::query(
        "INSERT INTO group_members (group_id, person_id, name, seat, added_at) VALUES ($1, $2, $3, $4, $5)",
    ).bind(group).bind(person.map(|p| p.0)).bind(name).bind(seat).bind(now()).execute(pool).await.map(|_| ()))
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!("{name} fait déjà partie du groupe")),
        other => other,
    })?;
    if let Some(person) = person {
        let space: Option<i64> = on!(db, pool => sqlx::query_scalar(
            "SELECT space_id FROM territory_groups WHERE id = $1",
        ).bind(group).fetch_one(pool).await)?;
        if let Some(space) = space {
            let role: Option<String> = on!(db, pool => sqlx::query_scalar(
                "SELECT role FROM space_members WHERE space_id = $1 AND person_id = $2",
            ).bind(space).bind(person.0).fetch_optional(pool).await)?;
            if role.is_none() {
                crate::spaces::set_member(db, SpaceId(space), person, SpaceRole::Member, by)
                    .await?;
            }
        }
    }
    Ok(())
}

/// A group's row: id, kind, name, establishment, theme, space.
type GroupRow = (i64, String, String, Option<String>, String, Option<i64>);

/// The groups of a territory with their members, instances first.
pub async fn list(db: &Db, territory: TerritoryId) -> Result<Vec<Group>> {
    let rows: Vec<GroupRow> = on!(db, pool => sqlx::query_as(
        "SELECT g.id, g.kind, g.name, e.name, g.theme, g.space_id FROM territory_groups g \
         LEFT JOIN establishments e ON e.id = g.establishment_id WHERE g.territory_id = $1 ORDER BY g.kind, g.name, g.id",
    ).bind(territory.0).fetch_all(pool).await)?;
    let members: Vec<(i64, String, String, Option<i64>)> = on!(db, pool => sqlx::query_as(
        "SELECT m.group_id, m.seat, m.name, m.person_id FROM group_members m \
         JOIN territory_groups g ON g.id = m.group_id WHERE g.territory_id = $1 ORDER BY m.id",
    ).bind(territory.0).fetch_all(pool).await)?;
    let mut groups: Vec<Group> = rows
        .into_iter()
        .filter_map(|(id, kind, name, establishment, theme, space_id)| {
            Some(Group {
                id,
                kind: GroupKind::parse(&kind)?,
                name,
                establishment,
                theme,
                space_id,
                members: members
                    .iter()
                    .filter(|m| m.0 == id)
                    .map(|m| (m.1.clone(), m.2.clone(), m.3))
                    .collect(),
            })
        })
        .collect();
    groups.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.name.cmp(&b.name)));
    Ok(groups)
}

/// The territory of a group and its kind.
pub async fn of_group(db: &Db, group: i64) -> Result<(TerritoryId, GroupKind)> {
    let (territory, kind): (i64, String) = on!(db, pool => sqlx::query_as(
        "SELECT territory_id, kind FROM territory_groups WHERE id = $1",
    ).bind(group).fetch_one(pool).await)?;
    Ok((
        TerritoryId(territory),
        GroupKind::parse(&kind).ok_or(StoreError::NotFound)?,
    ))
}

/// Whether `person` sits in the group (with their account).
pub async fn is_member(db: &Db, group: i64, person: PersonId) -> Result<bool> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM group_members WHERE group_id = $1 AND person_id = $2)",
    ).bind(group).bind(person.0).fetch_one(pool).await)?)
}

/// Plans a meeting of the group, with a pad for its minutes in the group's space.
pub async fn create_meeting(db: &Db, group: i64, meeting: &Meeting, by: PersonId) -> Result<i64> {
    let space: Option<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT space_id FROM territory_groups WHERE id = $1",
    ).bind(group).fetch_one(pool).await)?;
    let pad = match space {
        Some(space) => {
            let title = format!(
                "Compte rendu — {} ({})",
                meeting.title,
                domain::territories::events::span_fr(meeting.starts_at, meeting.ends_at)
            );
            Some(
                crate::spaces::pads::create(db, SpaceId(space), &title, by)
                    .await?
                    .0,
            )
        }
        None => None,
    };
    Ok(on!(db, pool => sqlx::query_scalar(
        "INSERT INTO group_meetings (group_id, title, agenda, place, video_url, starts_at, ends_at, pad_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    ).bind(group).bind(&meeting.title).bind(&meeting.agenda).bind(&meeting.place).bind(&meeting.video_url)
     .bind(meeting.starts_at).bind(meeting.ends_at).bind(pad).bind(by.0).bind(now()).fetch_one(pool).await)?)
}

/// A meeting as read, with its group and who attended: (person, name, present).
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRow {
    pub id: i64,
    pub group_id: i64,
    pub group: String,
    pub meeting: Meeting,
    pub pad_id: Option<i64>,
    pub attendance: Vec<(i64, String, Option<bool>)>,
}

/// A meeting's row: id, group, group name, title, agenda, place, video link, start, end, pad.
type MeetingDbRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
);

fn meeting_of(r: MeetingDbRow) -> MeetingRow {
    MeetingRow {
        id: r.0,
        group_id: r.1,
        group: r.2,
        meeting: Meeting {
            title: r.3,
            agenda: r.4,
            place: r.5,
            video_url: r.6,
            starts_at: r.7,
            ends_at: r.8,
        },
        pad_id: r.9,
        attendance: Vec::new(),
    }
}

const MEETINGS: &str = "SELECT m.id, m.group_id, g.name, m.title, m.agenda, m.place, m.video_url, m.starts_at, m.ends_at, m.pad_id \
    FROM group_meetings m JOIN territory_groups g ON g.id = m.group_id";

/// A meeting, with the group's members (with an account) and whether each came.
pub async fn meeting(db: &Db, id: i64) -> Result<MeetingRow> {
    let sql = format!("{MEETINGS} WHERE m.id = $1");
    let row: MeetingDbRow = on!(db, pool => sqlx::query_as(&sql).bind(id).fetch_one(pool).await)?;
    let mut meeting = meeting_of(row);
    meeting.attendance = on!(db, pool => sqlx::query_as(
        "SELECT gm.person_id, gm.name, a.present FROM group_members gm \
         LEFT JOIN meeting_attendance a ON a.meeting_id = $2 AND a.person_id = gm.person_id \
         WHERE gm.group_id = $1 AND gm.person_id IS NOT NULL ORDER BY gm.name",
    ).bind(meeting.group_id).bind(id).fetch_all(pool).await)?;
    Ok(meeting)
}

/// The meetings of the territory's groups from `from` on, the soonest first.
pub async fn meetings(db: &Db, territory: TerritoryId, from: i64) -> Result<Vec<MeetingRow>> {
    let sql = format!(
        "{MEETINGS} WHERE g.territory_id = $1 AND m.ends_at > $2 ORDER BY m.starts_at, m.id"
    );
    let rows: Vec<MeetingDbRow> =
        on!(db, pool => sqlx::query_as(&sql).bind(territory.0).bind(from).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(meeting_of).collect())
}

/// Records who attended among the group's members (the others did not).
pub async fn record_attendance(db: &Db, id: i64, present: &[PersonId]) -> Result<()> {
    let members: Vec<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT gm.person_id FROM group_members gm JOIN group_meetings m ON m.group_id = gm.group_id \
         WHERE m.id = $1 AND gm.person_id IS NOT NULL",
    ).bind(id).fetch_all(pool).await)?;
    if let Some(stranger) = present.iter().find(|p| !members.contains(&p.0)) {
        return Err(StoreError::Invalid(format!(
            "la personne n° {stranger} ne fait pas partie du groupe"
        )));
    }
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for person in &members {
            sqlx::query(
                "INSERT INTO meeting_attendance (meeting_id, person_id, present) VALUES ($1, $2, $3) \
                 ON CONFLICT (meeting_id, person_id) DO UPDATE SET present = excluded.present",
            ).bind(id).bind(person).bind(present.iter().any(|p| p.0 == *person)).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    })
}
