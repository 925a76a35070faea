//! Chat rooms ("salons") of a space and direct conversations: checked names, messages and
//! reactions.

use super::{bounded, line};
use crate::practices::FieldError;

/// The longest chat message, in characters.
pub const MAX_MESSAGE: usize = 4_000;

/// A room's name, checked.
pub fn parse_room_name(name: &str) -> Result<String, FieldError> {
    line("name", "Le nom du salon", name, 2, 80)
}

/// A chat message, checked; it may be empty when it carries a file.
pub fn parse_chat_message(body: &str, with_file: bool) -> Result<String, FieldError> {
    bounded(
        "body",
        "Le message",
        body,
        usize::from(!with_file),
        MAX_MESSAGE,
    )
}

/// A reaction: one emoji (a few code points at most, none of them a letter, digit, space or
/// control character), so that a reaction cannot smuggle a message.
pub fn parse_reaction(emoji: &str) -> Result<String, FieldError> {
    let emoji = emoji.trim();
    let fine = !emoji.is_empty()
        && emoji.chars().count() <= 8
        && emoji.chars().all(|c| {
            !c.is_alphanumeric() && !c.is_whitespace() && !c.is_control() && !c.is_ascii()
        });
    if fine {
        Ok(emoji.to_owned())
    } else {
        Err(FieldError {
            field: "emoji",
            message: "Une réaction est un émoji".to_owned(),
        })
    }
}

/// The reactions the room pages offer as buttons (any emoji is accepted).
pub const REACTIONS: [&str; 6] = ["👍", "❤️", "😄", "🎉", "🤔", "👀"];

/// The most people in a direct conversation, its starter included.
pub const MAX_PARTICIPANTS: usize = 12;

/// What a direct conversation is called for someone: the other participants' names.
pub fn conversation_title(names: &[&str]) -> String {
    match names {
        [] => "Conversation".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} et {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_bounded_and_a_file_may_go_alone() {
        assert!(parse_chat_message("  ", false).is_err());
        assert_eq!(parse_chat_message("  ", true).ok().as_deref(), Some(""));
        assert_eq!(
            parse_chat_message(" Bonjour\r\nà tous ", false)
                .ok()
                .as_deref(),
            Some("Bonjour\nà tous")
        );
        let long = "a".repeat(MAX_MESSAGE + 1);
        let error = parse_chat_message(&long, false).err().map(|e| e.message);
        assert!(
            error.is_some_and(|m| m.contains("4000")),
            "long message refused"
        );
    }

    #[test]
    fn reactions_are_emoji_only() {
        assert_eq!(parse_reaction("👍").ok().as_deref(), Some("👍"));
        assert_eq!(parse_reaction("❤️").ok().as_deref(), Some("❤️"));
        assert_eq!(parse_reaction("👩‍🏫").ok().as_deref(), Some("👩‍🏫"));
        for bad in ["", "ok", "a👍", "👍 ", "<b>", "é", "👍👍👍👍👍👍👍👍👍"]
        {
            if bad == "👍 " {
                assert!(
                    parse_reaction(bad).is_ok(),
                    "surrounding spaces are trimmed"
                );
                continue;
            }
            assert!(parse_reaction(bad).is_err(), "{bad:?} refused");
        }
    }

    #[test]
    fn room_names_and_conversation_titles() {
        assert!(parse_room_name("A").is_err());
        assert_eq!(
            parse_room_name(" Cycle 3 ").ok().as_deref(),
            Some("Cycle 3")
        );
        assert_eq!(conversation_title(&["Marie"]), "Marie");
        assert_eq!(
            conversation_title(&["Marie", "Paul", "Inès"]),
            "Marie, Paul et Inès"
        );
    }
}
