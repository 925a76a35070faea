//! Line-by-line comparison of two versions of a text.

/// How a line changed between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineChange {
    Same,
    Removed,
    Added,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub change: LineChange,
    pub text: String,
}

/// The lines of `new` compared with those of `old`, in reading order.
pub fn lines(old: &str, new: &str) -> Vec<DiffLine> {
    similar::TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|change| DiffLine {
            change: match change.tag() {
                similar::ChangeTag::Equal => LineChange::Same,
                similar::ChangeTag::Delete => LineChange::Removed,
                similar::ChangeTag::Insert => LineChange::Added,
            },
            text: change.value().trim_end_matches('\n').to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_removed_and_added_lines() {
        let diff = lines("un\ndeux\ntrois\n", "un\n2\ntrois\n");
        let changes: Vec<_> = diff.iter().map(|l| (l.change, l.text.as_str())).collect();
        assert_eq!(
            changes,
            [
                (LineChange::Same, "un"),
                (LineChange::Removed, "deux"),
                (LineChange::Added, "2"),
                (LineChange::Same, "trois"),
            ]
        );
    }
}
