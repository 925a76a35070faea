//! Events and their registrations, with a waiting list that never lets the registered
//! outnumber the places (every registration and cancellation writes the event's row first,
//! which serialises them on both databases); the OTA Lab's rooms and their bookings, never
//! two at once in a room (every booking writes the room's row first).

use domain::ids::{BookingId, EventId, LabRoomId, PersonId, TerritoryId};
use domain::territories::events::{EventContent, EventKind, RegistrationStatus, span_fr};

use crate::db::{BeginWrite, on};
use crate::spaces::notify;
use crate::{Db, Result, StoreError, now};

/// Books a room inside the write transaction `$tx`, unless another booking overlaps.
macro_rules! book {
    ($tx:ident, $room:expr, $span:expr, $purpose:expr, $event:expr, $by:expr) => {{
        let (starts, ends): (i64, i64) = $span;
        let locked = sqlx::query("UPDATE lab_rooms SET bookings = bookings + 1 WHERE id = $1")
            .bind($room)
            .execute(&mut *$tx)
            .await?
            .rows_affected();
        if locked == 0 {
            return Err(StoreError::Invalid("cette salle n'existe pas".to_owned()));
        }
        let taken: Option<(String, i64, i64)> = sqlx::query_as(
            "SELECT purpose, starts_at, ends_at FROM room_bookings \
             WHERE room_id = $1 AND starts_at < $3 AND $2 < ends_at ORDER BY starts_at LIMIT 1",
        )
        .bind($room)
        .bind(starts)
        .bind(ends)
        .fetch_optional(&mut *$tx)
        .await?;
        if let Some((purpose, from, to)) = taken {
            return Err(StoreError::Conflict(format!(
                "la salle est déjà réservée {} ({purpose})",
                span_fr(from, to)
            )));
        }
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO room_bookings (room_id, event_id, purpose, starts_at, ends_at, booked_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind($room)
        .bind($event)
        .bind($purpose)
        .bind(starts)
        .bind(ends)
        .bind($by)
        .bind(now())
        .fetch_one(&mut *$tx)
        .await?
    }};
}

/// Creates an event of `territory` (none: of the whole platform), in a room of the Lab if
/// one is given (booked for the event's time, or refused if it is taken).
pub async fn create(
    db: &Db,
    content: &EventContent,
    territory: Option<TerritoryId>,
    room: Option<LabRoomId>,
    by: PersonId,
) -> Result<EventId> {
    let at = now();
    let id: i64 = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO events (territory_id, kind, title, description, place, capacity, starts_at, ends_at, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        ).bind(territory.map(|t| t.0)).bind(content.kind.code()).bind(&content.title).bind(&content.description)
         .bind(&content.place).bind(i64::from(content.capacity)).bind(content.starts_at).bind(content.ends_at)
         .bind(by.0).bind(at).fetch_one(&mut *tx).await?;
        if let Some(room) = room {
            book!(tx, room.0, (content.starts_at, content.ends_at), &content.title, Some(id), by.0);
        }
        tx.commit().await?;
        id
    });
    Ok(EventId(id))
}

/// An event as its page shows it, with the caller's registration.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub territory: Option<(TerritoryId, String)>,
    pub kind: EventKind,
    pub title: String,
    pub description: String,
    pub place: String,
    pub room: Option<String>,
    pub capacity: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub created_by: Option<PersonId>,
    pub cancelled: bool,
    pub registered: i64,
    pub waitlisted: i64,
    /// The caller's registration, and their place in the waiting list (1: next).
    pub mine: Option<(RegistrationStatus, i64)>,
}

/// An event's row: id, territory, its name, kind, title, description, place, room, capacity,
/// start, end, author, cancelled, registered, waitlisted.
type EventRow = (
    i64,
    Option<i64>,
    Option<String>,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    i64,
    i64,
);

const EVENTS: &str = "SELECT e.id, e.territory_id, t.name, e.kind, e.title, e.description, e.place, \
    (SELECT r.name FROM room_bookings b JOIN lab_rooms r ON r.id = b.room_id WHERE b.event_id = e.id LIMIT 1), \
    e.capacity, e.starts_at, e.ends_at, e.created_by, e.cancelled_at, \
    (SELECT COUNT(*) FROM event_registrations g WHERE g.event_id = e.id AND g.status = 'registered'), \
    (SELECT COUNT(*) FROM event_registrations g WHERE g.event_id = e.id AND g.status = 'waitlisted') \
    FROM events e LEFT JOIN territories t ON t.id = e.territory_id";

fn event(row: EventRow) -> Event {
    let (id, territory, territory_name, kind, title, description, place, room, capacity) = (
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
    );
    Event {
        id: EventId(id),
        territory: territory.map(|t| (TerritoryId(t), territory_name.unwrap_or_default())),
        kind: EventKind::parse(&kind).unwrap_or(EventKind::Autre),
        title,
        description,
        place,
        room,
        capacity,
        starts_at: row.9,
        ends_at: row.10,
        created_by: row.11.map(PersonId),
        cancelled: row.12.is_some(),
        registered: row.13,
        waitlisted: row.14,
        mine: None,
    }
}

pub async fn get(db: &Db, id: EventId, person: Option<PersonId>) -> Result<Event> {
    let sql = format!("{EVENTS} WHERE e.id = $1");
    let row: EventRow = on!(db, pool => sqlx::query_as(&sql).bind(id.0).fetch_one(pool).await)?;
    let mut event = event(row);
    if let Some(person) = person {
        let mine: Option<(i64, String)> = on!(db, pool => sqlx::query_as(
            "SELECT id, status FROM event_registrations WHERE event_id = $1 AND person_id = $2",
        ).bind(id.0).bind(person.0).fetch_optional(pool).await)?;
        if let Some((order, status)) = mine {
            let status =
                RegistrationStatus::from_code(&status).unwrap_or(RegistrationStatus::Waitlisted);
            let ahead: i64 = on!(db, pool => sqlx::query_scalar(
                "SELECT COUNT(*) FROM event_registrations WHERE event_id = $1 AND status = 'waitlisted' AND id <= $2",
            ).bind(id.0).bind(order).fetch_one(pool).await)?;
            event.mine = Some((status, ahead));
        }
    }
    Ok(event)
}

/// The events still to come (or under way) from `from` on, the soonest first.
pub async fn upcoming(db: &Db, from: i64, limit: i64) -> Result<Vec<Event>> {
    let sql = format!(
        "{EVENTS} WHERE e.ends_at > $1 AND e.cancelled_at IS NULL ORDER BY e.starts_at, e.id LIMIT $2"
    );
    let rows: Vec<EventRow> =
        on!(db, pool => sqlx::query_as(&sql).bind(from).bind(limit).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(event).collect())
}

/// Registers `person`: a place if one is left, else the end of the waiting list. Registering
/// again answers the registration already made.
pub async fn register(db: &Db, id: EventId, person: PersonId) -> Result<RegistrationStatus> {
    let at = now();
    let status: String = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let open = sqlx::query(
            "UPDATE events SET changes = changes + 1 WHERE id = $1 AND cancelled_at IS NULL AND ends_at > $2",
        ).bind(id.0).bind(at).execute(&mut *tx).await?.rows_affected();
        if open == 0 {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM events WHERE id = $1")
                .bind(id.0).fetch_optional(&mut *tx).await?;
            return Err(match exists {
                Some(_) => StoreError::Conflict("les inscriptions sont closes : l'événement est annulé ou passé".to_owned()),
                None => StoreError::NotFound,
            });
        }
        let already: Option<String> = sqlx::query_scalar(
            "SELECT status FROM event_registrations WHERE event_id = $1 AND person_id = $2",
        ).bind(id.0).bind(person.0).fetch_optional(&mut *tx).await?;
        let status = match already {
            Some(status) => status,
            None => {
                let (capacity, registered): (i64, i64) = sqlx::query_as(
                    "SELECT capacity, (SELECT COUNT(*) FROM event_registrations WHERE event_id = $1 AND status = 'registered') \
                     FROM events WHERE id = $1",
                ).bind(id.0).fetch_one(&mut *tx).await?;
                let status = if registered < capacity {
                    RegistrationStatus::Registered
                } else {
                    RegistrationStatus::Waitlisted
                };
                sqlx::query(
                    "INSERT INTO event_registrations (event_id, person_id, status, registered_at) VALUES ($1, $2, $3, $4)",
                ).bind(id.0).bind(person.0).bind(status.code()).bind(at).execute(&mut *tx).await?;
                status.code().to_owned()
            }
        };
        tx.commit().await?;
        status
    });
    Ok(RegistrationStatus::from_code(&status).unwrap_or(RegistrationStatus::Waitlisted))
}

/// Cancels `person`'s registration; a place freed goes to the first of the waiting list, who
/// is told. Returns who got the place.
pub async fn unregister(db: &Db, id: EventId, person: PersonId) -> Result<Option<PersonId>> {
    let promoted: Option<i64> = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE events SET changes = changes + 1 WHERE id = $1")
            .bind(id.0).execute(&mut *tx).await?;
        let status: Option<String> = sqlx::query_scalar(
            "DELETE FROM event_registrations WHERE event_id = $1 AND person_id = $2 RETURNING status",
        ).bind(id.0).bind(person.0).fetch_optional(&mut *tx).await?;
        let Some(status) = status else {
            return Err(StoreError::NotFound);
        };
        let mut promoted = None;
        if status == RegistrationStatus::Registered.code() {
            let next: Option<(i64, i64)> = sqlx::query_as(
                "SELECT id, person_id FROM event_registrations WHERE event_id = $1 AND status = 'waitlisted' \
                 ORDER BY id LIMIT 1",
            ).bind(id.0).fetch_optional(&mut *tx).await?;
            if let Some((registration, next)) = next {
                sqlx::query("UPDATE event_registrations SET status = 'registered' WHERE id = $1")
                    .bind(registration).execute(&mut *tx).await?;
                let title: String = sqlx::query_scalar("SELECT title FROM events WHERE id = $1")
                    .bind(id.0).fetch_one(&mut *tx).await?;
                let message = format!("Une place s'est libérée : vous êtes inscrit à « {title} »");
                notify!(tx, [next], message, format!("/evenements/{}", id.0));
                promoted = Some(next);
            }
        }
        tx.commit().await?;
        promoted
    });
    Ok(promoted.map(PersonId))
}

/// A registration as the organisers see it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Registrant {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub status: String,
    pub attended: Option<bool>,
}

/// The registrations of an event, in order of arrival.
pub async fn registrants(db: &Db, id: EventId) -> Result<Vec<Registrant>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Registrant>(
        "SELECT g.person_id, p.name, p.email, g.status, g.attended FROM event_registrations g \
         JOIN people p ON p.id = g.person_id WHERE g.event_id = $1 ORDER BY g.id",
    ).bind(id.0).fetch_all(pool).await)?)
}

/// Records who came among the registered (the others did not).
pub async fn record_attendance(db: &Db, id: EventId, present: &[PersonId]) -> Result<()> {
    let present: Vec<i64> = present.iter().map(|p| p.0).collect();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let registered: Vec<i64> = sqlx::query_scalar(
            "SELECT person_id FROM event_registrations WHERE event_id = $1 AND status = 'registered'",
        ).bind(id.0).fetch_all(&mut *tx).await?;
        if let Some(stranger) = present.iter().find(|p| !registered.contains(p)) {
            return Err(StoreError::Invalid(format!("la personne n° {stranger} n'est pas inscrite")));
        }
        for person in registered {
            sqlx::query("UPDATE event_registrations SET attended = $3 WHERE event_id = $1 AND person_id = $2")
                .bind(id.0).bind(person).bind(present.contains(&person)).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    })
}

/// A room of the OTA Lab.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Room {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub capacity: i64,
}

pub async fn create_room(
    db: &Db,
    territory: Option<TerritoryId>,
    name: &str,
    description: &str,
    capacity: i64,
) -> Result<LabRoomId> {
    let id: i64 = on!(db, pool => sqlx::query_scalar(
        "INSERT INTO lab_rooms (territory_id, name, description, capacity) VALUES ($1, $2, $3, $4) RETURNING id",
    ).bind(territory.map(|t| t.0)).bind(name).bind(description).bind(capacity).fetch_one(pool).await)?;
    Ok(LabRoomId(id))
}

pub async fn rooms(db: &Db) -> Result<Vec<Room>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Room>(
        "SELECT id, name, description, capacity FROM lab_rooms ORDER BY name, id",
    ).fetch_all(pool).await)?)
}

/// A booking of a room.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Booking {
    pub id: i64,
    pub room_id: i64,
    pub room: String,
    pub event_id: Option<i64>,
    pub purpose: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub booked_by: Option<i64>,
    pub booker: Option<String>,
}

/// Books a room for `purpose`, unless it is taken then.
pub async fn book_room(
    db: &Db,
    room: LabRoomId,
    span: (i64, i64),
    purpose: &str,
    by: PersonId,
) -> Result<BookingId> {
    let id: i64 = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id = book!(tx, room.0, span, purpose, None::<i64>, by.0);
        tx.commit().await?;
        id
    });
    Ok(BookingId(id))
}

/// The bookings that end after `from`, the soonest first.
pub async fn bookings(db: &Db, from: i64, limit: i64) -> Result<Vec<Booking>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Booking>(
        "SELECT b.id, b.room_id, r.name AS room, b.event_id, b.purpose, b.starts_at, b.ends_at, b.booked_by, p.name AS booker \
         FROM room_bookings b JOIN lab_rooms r ON r.id = b.room_id LEFT JOIN people p ON p.id = b.booked_by \
         WHERE b.ends_at > $1 ORDER BY b.starts_at, b.id LIMIT $2",
    ).bind(from).bind(limit).fetch_all(pool).await)?)
}

/// Cancels a booking made by `by` (an event's booking goes with its event).
pub async fn cancel_booking(db: &Db, id: BookingId, by: PersonId) -> Result<()> {
    let gone = on!(db, pool => sqlx::query(
        "DELETE FROM room_bookings WHERE id = $1 AND booked_by = $2 AND event_id IS NULL",
    ).bind(id.0).bind(by.0).execute(pool).await.map(|r| r.rows_affected()))?;
    if gone == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Cancels an event: its registrations stay, each registered or waiting person is told, and
/// its room of the Lab is freed. Returns how many were told; cancelling twice is a conflict.
pub async fn cancel(db: &Db, id: EventId) -> Result<usize> {
    let told: usize = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let cancelled = sqlx::query(
            "UPDATE events SET cancelled_at = $2, changes = changes + 1 WHERE id = $1 AND cancelled_at IS NULL",
        ).bind(id.0).bind(now()).execute(&mut *tx).await?.rows_affected();
        if cancelled == 0 {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM events WHERE id = $1")
                .bind(id.0).fetch_optional(&mut *tx).await?;
            return Err(match exists {
                Some(_) => StoreError::Conflict("l'événement est déjà annulé".to_owned()),
                None => StoreError::NotFound,
            });
        }
        sqlx::query("DELETE FROM room_bookings WHERE event_id = $1").bind(id.0).execute(&mut *tx).await?;
        let (title, starts_at, ends_at): (String, i64, i64) = sqlx::query_as(
            "SELECT title, starts_at, ends_at FROM events WHERE id = $1",
        ).bind(id.0).fetch_one(&mut *tx).await?;
        let people: Vec<i64> = sqlx::query_scalar(
            "SELECT person_id FROM event_registrations WHERE event_id = $1",
        ).bind(id.0).fetch_all(&mut *tx).await?;
        let message = format!("L'événement « {title} » prévu {} est annulé", span_fr(starts_at, ends_at));
        notify!(tx, people.iter().copied(), message, format!("/evenements/{}", id.0));
        tx.commit().await?;
        people.len()
    });
    Ok(told)
}
