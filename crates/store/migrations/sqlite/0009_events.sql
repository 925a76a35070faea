-- Events of the territories (seeds 000 and 002): « les partages de l'innovation », « la fête
-- de l'apprendre », workshops of the OTA Lab, meetings; their registrations, in order of
-- arrival, with a waiting list; the OTA Lab's rooms and their bookings.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER REFERENCES territories(id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    cancelled_at INTEGER,
    -- Written by every registration and cancellation first: the row lock that keeps the
    -- registered within the capacity.
    changes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_starts ON events(starts_at);
CREATE INDEX events_territory ON events(territory_id, starts_at);
CREATE TABLE event_registrations (
    -- The order of arrival: the waiting list is served by it.
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    -- 'registered' or 'waitlisted'.
    status TEXT NOT NULL,
    registered_at INTEGER NOT NULL,
    -- Set by the organisers after the event.
    attended INTEGER,
    UNIQUE (event_id, person_id)
);
CREATE INDEX event_registrations_person ON event_registrations(person_id);
CREATE TABLE lab_rooms (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER REFERENCES territories(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL,
    -- Written by every booking first: the row lock that keeps bookings from overlapping.
    bookings INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE room_bookings (
    id INTEGER PRIMARY KEY,
    room_id INTEGER NOT NULL REFERENCES lab_rooms(id) ON DELETE CASCADE,
    event_id INTEGER REFERENCES events(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    booked_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX room_bookings_room ON room_bookings(room_id, starts_at);
