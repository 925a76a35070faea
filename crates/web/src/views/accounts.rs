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
        }
    }
}
