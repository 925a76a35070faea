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
    pub query: crate::handlers::accounts::admin::AuditQuery,
    pub actions: Vec<(&'static str, &'static str)>,
    pub entries: Vec<AuditRow>,
    /// The link to the next (older) page, when the page is full.
    pub older: Option<String>,
}

impl AuditPage {
    pub fn new(
        layout: Layout,
        query: crate::handlers::accounts::admin::AuditQuery,
        entries: Vec<store::accounts::audit::Entry>,
    ) -> Self {
        let full = entries.len() as i64 >= crate::handlers::accounts::admin::AUDIT_PAGE;
        let older = entries.last().filter(|_| full).map(|last| {
            let mut link = url::form_urlencoded::Serializer::new(String::new());
            for (key, value) in [
                ("action", query.action.as_str()),
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
            if let Some(person) = query.personne {
                link.append_pair("personne", &person.to_string());
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
