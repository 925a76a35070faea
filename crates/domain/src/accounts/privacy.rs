//! Personal data: how long the platform keeps what, and who answers for it. The retention
//! job and the « Données personnelles » page both read these rules.

const DAY: i64 = 24 * 3600;

/// The retention rules (0 days: kept as long as the platform runs) and who is responsible.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Privacy {
    /// An account unused for this long is closed (its contributions stay, under « ancien
    /// membre »).
    pub inactive_account_days: u32,
    /// An invitation expired (or used) this long ago is deleted.
    pub expired_invitation_days: u32,
    /// Chat messages older than this are deleted.
    pub chat_history_days: u32,
    /// Entries of the audit trail older than this are deleted.
    pub audit_days: u32,
    /// The data controller, e.g. « Rectorat de l'académie de Lille ».
    pub controller: String,
    /// Where people exercise their rights (the data protection officer), e.g.
    /// `dpd@ac-lille.fr`.
    pub contact: String,
}

impl Default for Privacy {
    fn default() -> Self {
        Self {
            inactive_account_days: 3 * 365,
            expired_invitation_days: 30,
            chat_history_days: 0,
            audit_days: 365,
            controller: String::new(),
            contact: String::new(),
        }
    }
}

/// The moments before which each kind of data goes (none: kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoffs {
    pub inactive_accounts: Option<i64>,
    pub invitations: Option<i64>,
    pub chat_messages: Option<i64>,
    pub audit: Option<i64>,
}

impl Privacy {
    pub fn cutoffs(&self, now: i64) -> Cutoffs {
        let before = |days: u32| (days > 0).then(|| now - i64::from(days) * DAY);
        Cutoffs {
            inactive_accounts: before(self.inactive_account_days),
            invitations: before(self.expired_invitation_days),
            chat_messages: before(self.chat_history_days),
            audit: before(self.audit_days),
        }
    }
}

/// A duration in days, in words: « 3 ans », « 30 jours », « sans limite ».
pub fn days_fr(days: u32) -> String {
    match days {
        0 => "sans limite de durée".to_owned(),
        d if d % 365 == 0 => match d / 365 {
            1 => "1 an".to_owned(),
            years => format!("{years} ans"),
        },
        d if d % 30 == 0 && d >= 60 => format!("{} mois", d / 30),
        1 => "1 jour".to_owned(),
        d => format!("{d} jours"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutoffs_follow_the_rules() {
        let privacy = Privacy {
            chat_history_days: 90,
            ..Privacy::default()
        };
        let now = 1_000 * DAY;
        let cutoffs = privacy.cutoffs(now);
        assert_eq!(cutoffs.inactive_accounts, Some(now - 1095 * DAY));
        assert_eq!(cutoffs.invitations, Some(now - 30 * DAY));
        assert_eq!(cutoffs.chat_messages, Some(now - 90 * DAY));
        assert_eq!(cutoffs.audit, Some(now - 365 * DAY));
        assert_eq!(
            Privacy::default().cutoffs(now).chat_messages,
            None,
            "0: kept"
        );
    }

    #[test]
    fn durations_in_words() {
        assert_eq!(days_fr(0), "sans limite de durée");
        assert_eq!(days_fr(365), "1 an");
        assert_eq!(days_fr(1095), "3 ans");
        assert_eq!(days_fr(180), "6 mois");
        assert_eq!(days_fr(30), "30 jours");
        assert_eq!(days_fr(1), "1 jour");
    }
}
