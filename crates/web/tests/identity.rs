//! Sessions (idle and absolute timeouts, one's list, revoking), disabled accounts, the
//! administrators' pages and the audit trail, through HTTP.

use domain::accounts::Function;
use reqwest::StatusCode;
use serde_json::Value;
use testkit::{TestApp, client, execute, location, text};

const PASSWORD: &str = "une phrase de passe solide";

async fn signed_in(app: &TestApp, email: &str) -> anyhow::Result<reqwest::Client> {
    let browser = client()?;
    let answer = app.login(&browser, email, PASSWORD).await?;
    assert_eq!(location(&answer), "/", "{email} signed in");
    Ok(browser)
}

async fn at_account(app: &TestApp, browser: &reqwest::Client) -> anyhow::Result<bool> {
    Ok(browser.get(app.url("/compte")).send().await?.status() == StatusCode::OK)
}

#[tokio::test]
async fn sessions_end_when_idle_or_too_old() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let id = app
        .create_person("marie@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    let browser = signed_in(&app, "marie@ac-lille.fr").await?;
    assert!(at_account(&app, &browser).await?);

    // Unused for longer than the idle timeout (4 hours by default).
    execute(
        &app.db,
        &format!(
            "UPDATE sessions SET last_seen_at = last_seen_at - 5 * 3600 WHERE person_id = {}",
            id.0
        ),
    )
    .await?;
    assert!(!at_account(&app, &browser).await?, "an idle session ends");

    // Used a minute ago, but opened longer ago than the absolute timeout allows.
    let browser = signed_in(&app, "marie@ac-lille.fr").await?;
    execute(
        &app.db,
        &format!(
            "UPDATE sessions SET expires_at = {} WHERE person_id = {}",
            store::now() - 1,
            id.0
        ),
    )
    .await?;
    assert!(
        !at_account(&app, &browser).await?,
        "an old session ends, however busy"
    );

    // Activity keeps a session going: its last use moves forward.
    let browser = signed_in(&app, "marie@ac-lille.fr").await?;
    execute(
        &app.db,
        &format!(
            "UPDATE sessions SET last_seen_at = last_seen_at - 3 * 3600 WHERE person_id = {}",
            id.0
        ),
    )
    .await?;
    assert!(at_account(&app, &browser).await?);
    execute(
        &app.db,
        &format!(
            "UPDATE sessions SET last_seen_at = last_seen_at - 3 * 3600 WHERE person_id = {}",
            id.0
        ),
    )
    .await?;
    assert!(
        at_account(&app, &browser).await?,
        "the first visit renewed it"
    );
    Ok(())
}

#[tokio::test]
async fn a_person_lists_their_sessions_and_closes_them() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.create_person("marie@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    app.create_person("paul@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    let laptop = signed_in(&app, "marie@ac-lille.fr").await?;
    let phone = signed_in(&app, "marie@ac-lille.fr").await?;
    let tablet = signed_in(&app, "marie@ac-lille.fr").await?;
    let paul = signed_in(&app, "paul@ac-lille.fr").await?;

    let page = text(laptop.get(app.url("/compte")).send().await?).await?;
    assert_eq!(page.matches("cet appareil").count(), 1);
    assert_eq!(
        page.matches("/fermer\"").count(),
        3,
        "two other sessions, and « all the others »"
    );
    assert!(page.contains("127.0.0.1") && page.contains("mot de passe"));
    let ids: Vec<String> = page
        .split("action=\"/compte/sessions/")
        .skip(1)
        .filter_map(|rest| rest.split('/').next().map(str::to_owned))
        .filter(|id| id != "autres")
        .collect();
    assert_eq!(ids.len(), 2);

    // Paul cannot close Marie's sessions.
    let answer = app
        .submit(
            &paul,
            "/compte",
            &format!("/compte/sessions/{}/fermer", ids[0]),
            &[],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    assert!(at_account(&app, &phone).await? && at_account(&app, &tablet).await?);

    let answer = app
        .submit(
            &laptop,
            "/compte",
            &format!("/compte/sessions/{}/fermer", ids[0]),
            &[],
        )
        .await?;
    assert_eq!(location(&answer), "/compte#sessions");
    let open = [
        at_account(&app, &phone).await?,
        at_account(&app, &tablet).await?,
    ];
    assert_eq!(
        open.iter().filter(|o| **o).count(),
        1,
        "one of the two ended"
    );

    app.submit(&laptop, "/compte", "/compte/sessions/autres/fermer", &[])
        .await?;
    assert!(!at_account(&app, &phone).await? && !at_account(&app, &tablet).await?);
    assert!(at_account(&app, &laptop).await?, "this one stays");
    assert!(
        at_account(&app, &paul).await?,
        "other people's sessions stay"
    );
    Ok(())
}

#[tokio::test]
async fn a_disabled_account_loses_its_sessions_tokens_and_app_passwords() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.create_person(
        "admin@ac-lille.fr",
        Function::ChargeDeMission,
        PASSWORD,
        true,
    )
    .await?;
    let marie = app
        .create_person("marie@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    let browser = signed_in(&app, "marie@ac-lille.fr").await?;
    let token = store::accounts::create_api_token(&app.db, marie).await?;
    let app_password = store::accounts::create_app_password(&app.db, marie, "Ordinateur").await?;
    assert_eq!(
        client()?
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await?
            .status(),
        StatusCode::OK
    );

    let admin = signed_in(&app, "admin@ac-lille.fr").await?;
    let found = text(admin.get(app.url("/admin/comptes?q=marie")).send().await?).await?;
    assert!(found.contains("marie@ac-lille.fr") && found.contains("Désactiver le compte"));
    let answer = app
        .submit(
            &admin,
            "/admin/comptes?q=marie",
            &format!("/admin/comptes/{}/etat", marie.0),
            &[("etat", "desactive"), ("q", "marie")],
        )
        .await?;
    assert_eq!(location(&answer), "/admin/comptes?q=marie");

    assert!(
        !at_account(&app, &browser).await?,
        "her session ended at once"
    );
    assert_eq!(
        client()?
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await?
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert!(
        store::accounts::app_password_person(&app.db, "marie@ac-lille.fr", &app_password)
            .await?
            .is_none()
    );
    let again = client()?;
    let refused = app.login(&again, "marie@ac-lille.fr", PASSWORD).await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(text(refused).await?.contains("Ce compte est désactivé"));

    app.submit(
        &admin,
        "/admin/comptes?q=marie",
        &format!("/admin/comptes/{}/etat", marie.0),
        &[("etat", "actif")],
    )
    .await?;
    signed_in(&app, "marie@ac-lille.fr").await?;
    assert!(
        store::accounts::app_password_person(&app.db, "marie@ac-lille.fr", &app_password)
            .await?
            .is_some()
    );

    // An administrator cannot lock themselves out.
    let me = store::accounts::search_people(&app.db, "admin@", 1).await?;
    let answer = app
        .submit(
            &admin,
            "/admin/comptes?q=admin",
            &format!("/admin/comptes/{}/etat", me[0].id),
            &[("etat", "desactive")],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let answer = app
        .submit(
            &admin,
            "/admin/comptes?q=admin",
            &format!("/admin/comptes/{}/role", me[0].id),
            &[("administrateur", "non")],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    Ok(())
}

#[tokio::test]
async fn only_administrators_reach_the_accounts_and_the_audit_trail() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.create_person(
        "admin@ac-lille.fr",
        Function::ChargeDeMission,
        PASSWORD,
        true,
    )
    .await?;
    let marie = app
        .create_person("marie@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    let teacher = signed_in(&app, "marie@ac-lille.fr").await?;
    for page in [
        "/admin/comptes?q=a",
        "/admin/journal",
        "/admin/conservation",
    ] {
        assert_eq!(
            teacher.get(app.url(page)).send().await?.status(),
            StatusCode::FORBIDDEN,
            "{page}"
        );
        let anonymous = client()?.get(app.url(page)).send().await?;
        let back: String = url::form_urlencoded::byte_serialize(page.as_bytes()).collect();
        assert_eq!(
            location(&anonymous),
            format!("/connexion?suivant={back}"),
            "{page}"
        );
    }
    let answer = app
        .submit(
            &teacher,
            "/compte",
            &format!("/admin/comptes/{}/role", marie.0),
            &[("administrateur", "oui")],
        )
        .await?;
    assert_eq!(
        answer.status(),
        StatusCode::FORBIDDEN,
        "no one makes themselves an administrator"
    );
    let token = store::accounts::create_api_token(&app.db, marie).await?;
    let api = client()?
        .get(app.url("/api/v1/audit"))
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    assert!(
        !text(teacher.get(app.url("/compte")).send().await?)
            .await?
            .contains("Administration")
    );
    Ok(())
}

#[tokio::test]
async fn security_events_are_in_the_audit_trail() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let admin_id = app
        .create_person(
            "admin@ac-lille.fr",
            Function::ChargeDeMission,
            PASSWORD,
            true,
        )
        .await?;
    let marie = app
        .create_person("marie@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;

    app.login(&client()?, "marie@ac-lille.fr", "pas le bon mot de passe")
        .await?;
    app.login(
        &client()?,
        "personne@ailleurs.fr",
        "pas le bon mot de passe",
    )
    .await?;
    let browser = signed_in(&app, "marie@ac-lille.fr").await?;
    app.submit(
        &browser,
        "/compte",
        "/compte/mots-de-passe",
        &[("label", "Ordinateur du collège")],
    )
    .await?;
    app.submit(&browser, "/compte", "/deconnexion", &[]).await?;
    let admin = signed_in(&app, "admin@ac-lille.fr").await?;
    app.submit(
        &admin,
        "/admin/comptes?q=marie",
        &format!("/admin/comptes/{}/role", marie.0),
        &[("administrateur", "oui")],
    )
    .await?;

    let token = store::accounts::create_api_token(&app.db, admin_id).await?;
    let api = client()?;
    let all: Vec<Value> = api
        .get(app.url("/api/v1/audit"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let summary: Vec<(String, String)> = all
        .iter()
        .rev()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default().to_owned(),
                e["target"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let marie_target = format!("personne:{}", marie.0);
    let admin_target = format!("personne:{}", admin_id.0);
    let expected: Vec<(String, String)> = [
        ("sign-in-failed", marie_target.as_str()),
        ("sign-in-failed", "adresse inconnue (…@ailleurs.fr)"),
        ("sign-in", marie_target.as_str()),
        ("app-password-created", marie_target.as_str()),
        ("sign-out", marie_target.as_str()),
        ("sign-in", admin_target.as_str()),
        ("role-changed", marie_target.as_str()),
    ]
    .iter()
    .map(|(a, t)| ((*a).to_owned(), (*t).to_owned()))
    .collect();
    assert_eq!(summary, expected);
    assert!(all.iter().all(|e| e["ip"] == "127.0.0.1"));
    assert_eq!(all[0]["actor"], admin_id.0, "who gave the role");
    assert_eq!(all[0]["detail"], "administrateur : oui");

    let failures: Vec<Value> = api
        .get(app.url("/api/v1/audit?action=sign-in-failed"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(failures.len(), 2);
    let hers: Vec<Value> = api
        .get(app.url(&format!(
            "/api/v1/audit?cible={marie_target}&action=sign-in"
        )))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(hers.len(), 1);
    let bad = api
        .get(app.url("/api/v1/audit?action=inconnue"))
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let body: Value = bad.json().await?;
    assert_eq!(body["error"], "bad_request");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("inconnue du journal")
    );

    let page = text(
        admin
            .get(app.url("/admin/journal?action=role-changed"))
            .send()
            .await?,
    )
    .await?;
    assert!(page.contains("Changement de rôle") && page.contains("administrateur : oui"));
    assert!(!page.contains("Échec de connexion</td>"), "filtered");
    let page = text(
        admin
            .get(app.url("/admin/journal?du=2020-13-01"))
            .send()
            .await?,
    )
    .await?;
    assert!(page.contains("n'est pas une date"), "a bad date is said");
    let empty = admin
        .get(app.url("/admin/journal?action=&personne=&cible=&texte=&ip=&du=&au="))
        .send()
        .await?;
    assert_eq!(empty.status(), StatusCode::OK, "the form's empty fields");
    let bad = admin
        .get(app.url("/admin/journal?personne=marie"))
        .send()
        .await?;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(text(bad).await?.contains("n'est pas un nombre"));
    let page = text(admin.get(app.url("/admin/conservation")).send().await?).await?;
    assert!(
        page.contains("Si la tâche passait maintenant, elle supprimerait : <strong>rien</strong>"),
        "{page}"
    );
    Ok(())
}

#[tokio::test]
async fn the_audit_trail_cannot_be_rewritten() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.login(&client()?, "personne@ailleurs.fr", "faux")
        .await?;
    let rewritten = execute(&app.db, "UPDATE audit_events SET ip = '10.0.0.1'").await;
    let error = rewritten.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("ne se modifie pas"), "{error}");
    Ok(())
}
