use askama::Template;
use domain::accounts::Function;
use domain::policy::TerritoryRole;
use store::accounts::Profile;

use super::Layout;

#[derive(Template)]
#[template(path = "accounts/login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub email: String,
    pub next: String,
    pub error: Option<String>,
    pub reset_done: bool,
    /// The words of the single sign-on button, when it is on.
    pub sso: Option<String>,
    /// Whether people may sign up on their own (the « Créer un compte » link).
    pub signup: bool,
}

#[derive(Template)]
#[template(path = "accounts/forgot.html")]
pub struct ForgotPage {
    pub layout: Layout,
    pub email: String,
    pub sent: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/reset.html")]
pub struct ResetPage {
    pub layout: Layout,
    pub token: String,
    pub valid: bool,
    pub error: Option<String>,
}

pub struct Membership {
    pub slug: String,
    pub name: String,
    pub role: &'static str,
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub profile: Profile,
    pub function: &'static str,
    pub territories: Vec<Membership>,
    pub app_passwords: Vec<AppPasswordRow>,
    /// A password just created, shown once.
    pub new_password: Option<String>,
    pub sessions: Vec<SessionRow>,
}

pub struct SessionRow {
    pub id: String,
    pub current: bool,
    pub device: String,
    pub ip: String,
    pub method: &'static str,
    pub opened: String,
    pub last_seen: String,
}

pub struct AppPasswordRow {
    pub id: String,
    pub label: String,
    pub created: String,
    pub last_used: String,
}

impl AccountPage {
    pub fn new(
        layout: Layout,
        profile: Profile,
        territories: Vec<store::territories::Membership>,
        app_passwords: Vec<store::accounts::AppPassword>,
        new_password: Option<String>,
        sessions: Vec<store::accounts::sessions::Session>,
        current: Option<&str>,
    ) -> Self {
        let function = profile
            .person
            .function()
            .map_or("Fonction inconnue", Function::label);
        let territories = territories
            .into_iter()
            .map(|m| Membership {
                role: TerritoryRole::from_code(&m.role).map_or("Membre", TerritoryRole::label),
                slug: m.slug,
                name: m.name,
            })
            .collect();
        Self {
            layout,
            profile,
            function,
            territories,
            app_passwords: app_passwords
                .into_iter()
                .map(|p| AppPasswordRow {
                    id: p.id,
                    label: if p.label.is_empty() {
                        "Jeton créé en ligne de commande".to_owned()
                    } else {
                        p.label
                    },
                    created: super::date_fr(p.created_at),
                    last_used: p
                        .last_used_at
                        .map_or_else(|| "jamais".to_owned(), super::date_fr),
                })
                .collect(),
            new_password,
            sessions: sessions
                .into_iter()
                .map(|s| SessionRow {
                    current: current == Some(s.id.as_str()),
                    device: device(&s.user_agent),
                    ip: if s.ip.is_empty() {
                        "inconnue".to_owned()
                    } else {
                        s.ip
                    },
                    method: store::accounts::sessions::SignInMethod::label(&s.method),
                    opened: super::date_time_fr(s.created_at),
                    last_seen: super::date_time_fr(s.last_seen_at),
                    id: s.id,
                })
                .collect(),
        }
    }
}

/// A browser and system in a few words, from a user agent.
fn device(user_agent: &str) -> String {
    if user_agent.is_empty() {
        return "Appareil inconnu".to_owned();
    }
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map_or("Navigateur", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map(|(_, name)| name);
    match system {
        Some(system) => format!("{browser} sur {system}"),
        None => browser.to_owned(),
    }
}

/// An account as the administrators' list shows it.
pub struct AccountRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub function: &'static str,
    pub admin: bool,
    pub disabled: bool,
    pub status: String,
}

#[derive(Template)]
#[template(path = "accounts/admin_accounts.html")]
pub struct AccountsAdminPage {
    pub layout: Layout,
    pub query: String,
    pub people: Vec<AccountRow>,
}

impl AccountsAdminPage {
    pub fn new(layout: Layout, query: String, people: Vec<store::accounts::Person>) -> Self {
        let now = store::now();
        let people = people
            .into_iter()
            .map(|p| AccountRow {
                function: p.function().map_or("Fonction inconnue", Function::label),
                disabled: p.disabled_at.is_some(),
                status: match (p.disabled_at, p.ends_at) {
                    (Some(at), _) => format!("Désactivé le {}", super::date_fr(at)),
                    (None, Some(end)) if end <= now => {
                        format!("Terminé le {}", super::date_fr(end))
                    }
                    (None, Some(end)) => format!("Actif jusqu'au {}", super::date_fr(end)),
                    (None, None) => "Actif".to_owned(),
                },
                id: p.id,
                name: p.name,
                email: p.email,
                admin: p.admin,
            })
            .collect();
        Self {
            layout,
            query,
            people,
        }
    }
}

pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: &'static str,
    pub target: String,
    pub ip: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "accounts/admin_journal.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub query: crate::app::accounts::AuditQuery,
    pub actions: Vec<(&'static str, &'static str)>,
    pub entries: Vec<AuditRow>,
    /// The link to the next (older) page, when the page is full.
    pub older: Option<String>,
}

impl AuditPage {
    pub fn new(
        layout: Layout,
        query: crate::app::accounts::AuditQuery,
        entries: Vec<store::accounts::audit::Entry>,
    ) -> Self {
        let full = entries.len() as i64 >= crate::app::accounts::AUDIT_PAGE;
        let older = entries.last().filter(|_| full).map(|last| {
            let mut link = url::form_urlencoded::Serializer::new(String::new());
            for (key, value) in [
                ("action", query.action.as_str()),
                ("personne", query.personne.as_str()),
                ("cible", query.cible.as_str()),
                ("texte", query.texte.as_str()),
                ("ip", query.ip.as_str()),
                ("du", query.du.as_str()),
                ("au", query.au.as_str()),
            ] {
                if !value.is_empty() {
                    link.append_pair(key, value);
                }
            }
            link.append_pair("avant", &last.id.to_string());
            format!("/admin/journal?{}", link.finish())
        });
        let entries = entries
            .into_iter()
            .map(|e| AuditRow {
                id: e.id,
                at: super::date_time_fr(e.at),
                actor: match (e.actor_id, &e.actor_name) {
                    (Some(id), Some(name)) => format!("{name} (n° {id})"),
                    (Some(id), None) => format!("Ancien membre (n° {id})"),
                    (None, _) => "—".to_owned(),
                },
                action: e.action_label(),
                target: e.target,
                ip: e.ip,
                detail: e.detail,
            })
            .collect();
        Self {
            layout,
            query,
            actions: domain::accounts::audit::AuditAction::ALL
                .iter()
                .map(|a| (a.code(), a.label()))
                .collect(),
            entries,
            older,
        }
    }
}

/// What the invitation form sends (kept when refused).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct InviteInput {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub function: String,
    /// The account's last day (AAAA-MM-JJ).
    #[serde(default, rename = "fin")]
    pub end: String,
    #[serde(default, rename = "espace")]
    pub spaces: Vec<i64>,
}

pub struct SentRow {
    pub email: String,
    pub name: String,
    pub function: &'static str,
    pub spaces: String,
    pub sent: String,
    pub state: String,
}

#[derive(Template)]
#[template(path = "accounts/invitations.html")]
pub struct InvitationsPage {
    pub layout: Layout,
    pub spaces: Vec<(i64, String)>,
    pub functions: Vec<(&'static str, &'static str)>,
    pub sent: Vec<SentRow>,
    pub input: InviteInput,
    /// The default last day of an invited account (end of the school year).
    pub default_end: String,
    pub notice: Option<String>,
    pub error: Option<String>,
}

impl InvitationsPage {
    pub fn new(
        layout: Layout,
        spaces: Vec<(i64, String)>,
        sent: Vec<store::accounts::invitations::Invitation>,
        input: InviteInput,
        notice: Option<String>,
        error: Option<String>,
    ) -> Self {
        let now = store::now();
        let today = time::OffsetDateTime::now_utc().date();
        Self {
            layout,
            spaces,
            functions: Function::ALL
                .into_iter()
                .filter(|f| f.invitable())
                .map(|f| (f.code(), f.label()))
                .collect(),
            sent: sent
                .into_iter()
                .map(|i| SentRow {
                    function: Function::parse(&i.function).map_or("—", Function::label),
                    spaces: i.spaces.join(", "),
                    sent: super::date_fr(i.created_at),
                    state: match i.used_at {
                        Some(at) => format!("Acceptée le {}", super::date_fr(at)),
                        None if i.expires_at <= now => "Expirée".to_owned(),
                        None => format!("En attente, jusqu'au {}", super::date_fr(i.expires_at)),
                    },
                    email: i.email,
                    name: i.name,
                })
                .collect(),
            input,
            default_end: domain::practices::consent::format_date(
                domain::accounts::school_year_end(today),
            ),
            notice,
            error,
        }
    }

    pub fn chosen(&self, space: &i64) -> bool {
        self.input.spaces.contains(space)
    }
}

#[derive(Template)]
#[template(path = "accounts/accept.html")]
pub struct AcceptPage {
    pub layout: Layout,
    pub token: String,
    pub usable: bool,
    /// Why the link no longer works, when it does not.
    pub problem: &'static str,
    pub name: String,
    pub email: String,
    pub inviter: Option<String>,
    pub spaces: String,
    pub ends: Option<String>,
    pub error: Option<String>,
}

impl AcceptPage {
    pub fn new(
        layout: Layout,
        token: &str,
        invitation: Option<store::accounts::invitations::Invitation>,
        error: Option<String>,
        now: i64,
    ) -> Self {
        let problem = match &invitation {
            None => "Ce lien n'existe pas.",
            Some(i) if i.used_at.is_some() => {
                "Ce lien a déjà servi : le compte est créé. Connectez-vous."
            }
            Some(i) if i.expires_at <= now => {
                "Ce lien a expiré. Demandez une nouvelle invitation à la personne qui vous a invité, ou inscrivez-vous à nouveau."
            }
            Some(_) => "",
        };
        let usable = invitation.as_ref().is_some_and(|i| i.usable_at(now));
        let invitation = invitation.filter(|_| usable);
        Self {
            layout,
            token: token.to_owned(),
            usable,
            problem,
            name: invitation
                .as_ref()
                .map(|i| i.name.clone())
                .unwrap_or_default(),
            email: invitation
                .as_ref()
                .map(|i| i.email.clone())
                .unwrap_or_default(),
            inviter: invitation.as_ref().and_then(|i| i.inviter_name.clone()),
            spaces: invitation
                .as_ref()
                .map(|i| i.spaces.join(", "))
                .unwrap_or_default(),
            ends: invitation
                .as_ref()
                .and_then(|i| i.account_ends_at)
                .map(|end| super::date_fr(end - 1)),
            error,
        }
    }
}

/// What the sign-up form sends (kept when refused).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SignupInput {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub function: String,
}

#[derive(Template)]
#[template(path = "accounts/signup.html")]
pub struct SignupPage {
    pub layout: Layout,
    /// Whether this platform lets people sign up on their own.
    pub open: bool,
    pub sso: Option<String>,
    pub functions: Vec<(&'static str, &'static str)>,
    pub input: SignupInput,
    pub sent: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/close.html")]
pub struct ClosePage {
    pub layout: Layout,
    pub error: Option<String>,
}

/// A line of the « Données personnelles » page: what, why, how long.
pub struct Kept {
    pub what: &'static str,
    pub why: &'static str,
    pub how_long: String,
}

#[derive(Template)]
#[template(path = "accounts/privacy.html")]
pub struct PrivacyPage {
    pub layout: Layout,
    pub closed: bool,
    pub controller: String,
    pub contact: String,
    pub sso: Option<String>,
    pub signup: bool,
    pub kept: Vec<Kept>,
}

impl PrivacyPage {
    pub fn new(layout: Layout, settings: &crate::WebSettings, closed: bool) -> Self {
        use domain::accounts::privacy::days_fr;
        let p = &settings.privacy;
        let hours = |secs: i64| match secs / 3600 {
            24 => "1 jour".to_owned(),
            h if h % 24 == 0 => format!("{} jours", h / 24),
            1 => "1 heure".to_owned(),
            h => format!("{h} heures"),
        };
        let account = match p.inactive_account_days {
            0 => "tant que le compte est ouvert".to_owned(),
            days => format!(
                "tant que le compte est ouvert ; un compte inutilisé pendant {} est fermé",
                days_fr(days)
            ),
        };
        let kept = vec![
            Kept {
                what: "Votre compte : nom, adresse électronique, fonction, établissements, disciplines et niveaux",
                why: "vous identifier, vous relier à vos collègues et à votre territoire",
                how_long: account.clone(),
            },
            Kept {
                what: "Vos sessions : adresse IP, navigateur, heure de connexion et de dernière activité",
                why: "sécuriser votre compte ; vous les voyez et les fermez depuis « Mon compte »",
                how_long: format!(
                    "une session se ferme après {} sans activité, et au plus tard après {}",
                    hours(settings.session_idle_secs),
                    hours(settings.session_ttl_secs)
                ),
            },
            Kept {
                what: "Vos contributions : pratiques, commentaires, billets, messages de forum, fichiers, notes d'observation",
                why: "le partage entre pairs, objet de la plateforme",
                how_long: "tant que vous ne les supprimez pas ; à la fermeture du compte, elles restent sous « Ancien membre » sauf si vous demandez leur suppression".to_owned(),
            },
            Kept {
                what: "Les messages des salons de discussion",
                why: "les échanges de vos espaces",
                how_long: days_fr(p.chat_history_days),
            },
            Kept {
                what: "Les autorisations de droit à l'image des vidéos",
                why: "prouver le consentement des familles ; une vidéo dont l'autorisation expire est retirée",
                how_long: "jusqu'à la date d'expiration de chaque autorisation".to_owned(),
            },
            Kept {
                what: "Vos besoins de formation, inscriptions, présences et notes de parcours",
                why: "organiser la formation ; vos notes ne sont lues que par vous",
                how_long: account,
            },
            Kept {
                what: "Les invitations envoyées (nom et adresse de la personne invitée)",
                why: "ouvrir le compte de la personne invitée",
                how_long: format!(
                    "le lien vaut {} ; l'invitation est supprimée {} après son expiration ou son usage",
                    hours(settings.invitation_ttl_secs),
                    days_fr(p.expired_invitation_days)
                ),
            },
            Kept {
                what: "Le journal de sécurité : connexions et échecs, changements de rôle, exports, lectures d'observations, consentements, suppressions (numéro de compte, adresse IP, date)",
                why: "détecter et instruire les incidents de sécurité ; consulté par les administrateurs seuls",
                how_long: days_fr(p.audit_days),
            },
        ];
        Self {
            layout,
            closed,
            controller: p.controller.clone(),
            contact: p.contact.clone(),
            sso: settings.sso.as_ref().map(|s| s.issuer.clone()),
            signup: settings.local_signup,
            kept,
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/admin_retention.html")]
pub struct RetentionPage {
    pub layout: Layout,
    pub rules: Vec<(&'static str, String)>,
    pub due: String,
    pub accounts: usize,
}

impl RetentionPage {
    pub fn new(
        layout: Layout,
        privacy: &domain::accounts::privacy::Privacy,
        due: &store::accounts::privacy::Retention,
    ) -> Self {
        use domain::accounts::privacy::days_fr;
        Self {
            layout,
            rules: vec![
                (
                    "Comptes inutilisés (fermés, contributions gardées)",
                    days_fr(privacy.inactive_account_days),
                ),
                (
                    "Invitations expirées ou utilisées",
                    days_fr(privacy.expired_invitation_days),
                ),
                ("Messages des salons", days_fr(privacy.chat_history_days)),
                ("Journal de sécurité", days_fr(privacy.audit_days)),
            ],
            due: due.summary(),
            accounts: due.inactive_accounts.len(),
        }
    }
}

/// An exceptional access, as a line of a page.
pub struct ExceptionalRow {
    pub admin: String,
    pub what: String,
    pub path: String,
    pub reason: String,
    pub granted: String,
    pub until: String,
    pub current: bool,
}

impl ExceptionalRow {
    pub fn new(grant: store::accounts::exceptional::Grant) -> Self {
        use domain::accounts::exceptional::Target;
        let target = Target::stored(&grant.target_kind, grant.target_id)
            .unwrap_or(Target::Practice(domain::ids::PracticeId(grant.target_id)));
        Self {
            admin: grant.admin_name,
            what: target.label(),
            path: target.path(),
            reason: grant.reason,
            granted: super::date_fr(grant.created_at),
            until: super::date_fr(grant.expires_at),
            current: grant.expires_at > store::now(),
        }
    }
}

/// The administrators' page of exceptional accesses: the form (with what was typed and what
/// went wrong) and the latest ones.
#[derive(Template)]
#[template(path = "accounts/admin_exceptional.html")]
pub struct ExceptionalPage {
    pub layout: Layout,
    pub kind: String,
    pub number: String,
    pub reason: String,
    pub error: Option<String>,
    pub grants: Vec<ExceptionalRow>,
}
