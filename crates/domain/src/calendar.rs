//! Visits, events and meetings on calendars: iCalendar (RFC 5545) text for an invitation
//! (`METHOD:REQUEST`), a cancellation (`METHOD:CANCEL`) or a person's feed (no method). Lines
//! end in CRLF and are folded at 75 octets without splitting a character; text values are
//! escaped (§3.3.11).

/// One visit, event or meeting as a calendar event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Stable across updates: `visite-12@host`.
    pub uid: String,
    /// Grows with each change of the date, so that calendars replace the older one.
    pub sequence: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    /// When this version of the event was written.
    pub stamp: i64,
    pub summary: String,
    pub description: String,
    pub location: String,
    pub url: String,
    /// Name and address of those invited.
    pub attendees: Vec<(String, String)>,
    pub cancelled: bool,
}

/// Why the calendar is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A feed or a download: no method.
    Publish,
    Request,
    Cancel,
}

/// A `YYYYMMDDTHHMMSSZ` UTC time.
fn utc(timestamp: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(timestamp)
        .map(|t| {
            format!(
                "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        })
        .unwrap_or_else(|_| "19700101T000000Z".to_owned())
}

/// A TEXT value escaped: backslash, semicolon, comma and newlines.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A quoted parameter value (a name in `CN=`): no double quotes, no control characters.
fn quoted(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    format!("\"{clean}\"")
}

/// Appends a content line, folded at 75 octets (continuation lines start with a space).
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let size = c.len_utf8();
        if width + size > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += size;
    }
    out.push_str("\r\n");
}

/// A whole calendar holding `events`.
pub fn calendar(name: &str, method: Method, events: &[Event]) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Territoire//Visites entre pairs//FR");
    line(&mut out, "CALSCALE:GREGORIAN");
    match method {
        Method::Publish => {}
        Method::Request => line(&mut out, "METHOD:REQUEST"),
        Method::Cancel => line(&mut out, "METHOD:CANCEL"),
    }
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for event in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", event.uid));
        line(&mut out, &format!("SEQUENCE:{}", event.sequence.max(0)));
        line(&mut out, &format!("DTSTAMP:{}", utc(event.stamp)));
        line(&mut out, &format!("DTSTART:{}", utc(event.starts_at)));
        line(&mut out, &format!("DTEND:{}", utc(event.ends_at)));
        line(&mut out, &format!("SUMMARY:{}", escape(&event.summary)));
        if !event.description.is_empty() {
            line(
                &mut out,
                &format!("DESCRIPTION:{}", escape(&event.description)),
            );
        }
        if !event.location.is_empty() {
            line(&mut out, &format!("LOCATION:{}", escape(&event.location)));
        }
        if !event.url.is_empty() {
            line(&mut out, &format!("URL:{}", event.url));
        }
        for (name, email) in &event.attendees {
            line(
                &mut out,
                &format!(
                    "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:{email}",
                    quoted(name)
                ),
            );
        }
        line(
            &mut out,
            if event.cancelled {
                "STATUS:CANCELLED"
            } else {
                "STATUS:CONFIRMED"
            },
        );
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Event {
        Event {
            uid: "visite-7@territoire.test".to_owned(),
            sequence: 1,
            // 2026-12-08 08:30 UTC (9 h 30 in Paris).
            starts_at: 1_796_718_600,
            ends_at: 1_796_725_800,
            stamp: 1_795_305_600,
            summary: "Visite entre pairs, école Jean Jaurès".to_owned(),
            description: "Problématique : la reformulation; les consignes,\nà l'oral".to_owned(),
            location: "École Jean Jaurès, Arras".to_owned(),
            url: "https://territoire.test/visites/7".to_owned(),
            attendees: vec![("Zoé \"Martin\"".to_owned(), "zoe@ac-lille.fr".to_owned())],
            cancelled: false,
        }
    }

    #[test]
    fn an_invitation_follows_rfc_5545() {
        let ics = calendar("Mes visites", Method::Request, &[event()]);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("\r\nMETHOD:REQUEST\r\n"));
        assert!(ics.contains("\r\nDTSTART:20261208T083000Z\r\n"));
        assert!(ics.contains("\r\nDTEND:20261208T103000Z\r\n"));
        assert!(ics.contains("\r\nUID:visite-7@territoire.test\r\n"));
        // Text escaped; the quotes of a name removed from its parameter.
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(
            "DESCRIPTION:Problématique : la reformulation\\; les consignes\\,\\nà l'oral\r\n"
        ));
        assert!(unfolded.contains("ATTENDEE;CN=\"Zoé Martin\";"));
        // No line is longer than 75 octets, and every line ends in CRLF.
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
            assert!(!l.contains('\n'));
        }
        assert!(!calendar("x", Method::Publish, &[event()]).contains("METHOD"));
        let mut cancelled = event();
        cancelled.cancelled = true;
        let ics = calendar("x", Method::Cancel, &[cancelled]);
        assert!(ics.contains("METHOD:CANCEL\r\n") && ics.contains("STATUS:CANCELLED\r\n"));
    }

    #[test]
    fn folding_never_splits_a_character() {
        let mut out = String::new();
        line(&mut out, &format!("SUMMARY:{}", "é".repeat(100)));
        for l in out.split("\r\n") {
            assert!(l.len() <= 75);
        }
        assert_eq!(
            out.replace("\r\n ", "").trim_end(),
            format!("SUMMARY:{}", "é".repeat(100))
        );
    }
}
