//! Single sign-on against a real OpenID Connect provider (`oidc-provider`, run by Node.js):
//! the first sign-in creates or links the account, and a forged state, a token issued for
//! another application, an expired token or a forged signature open no session.

use domain::accounts::Function;
use reqwest::StatusCode;
use serde_json::Value;
use testkit::oidc::{CLIENT_ID, CLIENT_SECRET, Provider};
use testkit::{TestApp, client, location, text};
use web::WebSettings;
use web::sso::SsoConfig;

async fn spawn() -> anyhow::Result<(TestApp, Provider)> {
    let mut provider = Provider::start().await?;
    let settings = WebSettings {
        sso: Some(SsoConfig {
            issuer: provider.issuer.clone(),
            client_id: CLIENT_ID.to_owned(),
            client_secret: CLIENT_SECRET.to_owned(),
            scopes: ["openid", "email", "profile", "education"]
                .map(str::to_owned)
                .to_vec(),
            label: "Se connecter avec mon compte académique".to_owned(),
            function_claim: "fonction".to_owned(),
            uai_claim: "uai".to_owned(),
            default_function: Function::Enseignant2d,
        }),
        ..WebSettings::default()
    };
    let app = TestApp::spawn_with(settings).await?;
    app.import(&testkit::sample_annuaire()).await?;
    provider.register(&app.url("")).await?;
    Ok((app, provider))
}

/// Goes from the platform's sign-in link through the provider's sign-in form (as `login`)
/// and returns the address the provider sends the browser back to, not yet followed.
async fn through_provider(
    app: &TestApp,
    browser: &reqwest::Client,
    login: &str,
) -> anyhow::Result<String> {
    let start = browser.get(app.url("/auth/oidc/login")).send().await?;
    assert_eq!(
        start.status(),
        StatusCode::SEE_OTHER,
        "{}",
        text(start).await?
    );
    let mut next = location(&start);
    assert!(
        next.contains("code_challenge=") && next.contains("code_challenge_method=S256"),
        "PKCE: {next}"
    );
    assert!(next.contains("nonce=") && next.contains("state="), "{next}");
    for _ in 0..10 {
        if next.starts_with(&app.url("/auth/oidc/callback")) {
            return Ok(next);
        }
        let answer = browser.get(&next).send().await?;
        let base = reqwest::Url::parse(&next)?;
        if answer.status().is_redirection() {
            next = base.join(&location(&answer))?.to_string();
            continue;
        }
        let page = answer.text().await?;
        let action = page
            .split("action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .ok_or_else(|| anyhow::anyhow!("no form on the provider's page: {page}"))?;
        let submitted = browser
            .post(base.join(action)?)
            .form(&[
                ("prompt", "login"),
                ("login", login),
                ("password", "peu importe"),
            ])
            .send()
            .await?;
        assert!(
            submitted.status().is_redirection(),
            "{}",
            submitted.status()
        );
        next = base.join(&location(&submitted))?.to_string();
    }
    anyhow::bail!("the provider never sent the browser back")
}

async fn me(app: &TestApp, browser: &reqwest::Client) -> anyhow::Result<Value> {
    Ok(browser
        .get(app.url("/api/v1/me"))
        .send()
        .await?
        .json()
        .await?)
}

async fn audit_actions(app: &TestApp) -> anyhow::Result<Vec<String>> {
    Ok(testkit::audit_trail(&app.db)
        .await?
        .into_iter()
        .map(|(action, _)| action)
        .collect())
}

#[tokio::test]
async fn the_first_sign_in_creates_the_account_from_the_claims_and_the_next_finds_it()
-> anyhow::Result<()> {
    let (app, _provider) = spawn().await?;
    let login_page = text(client()?.get(app.url("/connexion")).send().await?).await?;
    assert!(
        login_page.contains("Se connecter avec mon compte académique"),
        "the button shows"
    );

    let browser = client()?;
    let back = through_provider(&app, &browser, "ien.marie.curie").await?;
    let landed = browser.get(&back).send().await?;
    assert_eq!(landed.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&landed), "/");
    let me = me(&app, &browser).await?;
    assert_eq!(me["email"], "ien.marie.curie@ac-lille.fr");
    assert_eq!(me["name"], "Marie Curie");
    assert_eq!(me["function"], "ien", "the function claim");
    assert_eq!(me["assignments"][0]["uai"], "0620001P", "the UAI claim");
    let account = text(browser.get(app.url("/compte")).send().await?).await?;
    assert!(
        account.contains("compte académique"),
        "the session says how it was opened"
    );

    let again = client()?;
    let back = through_provider(&app, &again, "ien.marie.curie").await?;
    assert_eq!(location(&again.get(&back).send().await?), "/");
    assert_eq!(me_id(&app, &again).await?, me["id"], "the same account");
    assert_eq!(store::accounts::count_people(&app.db).await?, 1);
    assert_eq!(
        audit_actions(&app).await?,
        ["account-created", "sign-in", "sign-in"]
    );
    Ok(())
}

async fn me_id(app: &TestApp, browser: &reqwest::Client) -> anyhow::Result<Value> {
    Ok(me(app, browser).await?["id"].clone())
}

#[tokio::test]
async fn a_verified_address_links_the_existing_account_an_unverified_one_does_not()
-> anyhow::Result<()> {
    let (app, _provider) = spawn().await?;
    let marie = app
        .create_person(
            "marie.curie@ac-lille.fr",
            Function::Enseignant1d,
            "une phrase de passe solide",
            false,
        )
        .await?;
    let browser = client()?;
    let back = through_provider(&app, &browser, "marie.curie").await?;
    assert_eq!(location(&browser.get(&back).send().await?), "/");
    assert_eq!(
        me_id(&app, &browser).await?,
        marie.0,
        "linked, not a second account"
    );
    assert_eq!(
        me(&app, &browser).await?["function"],
        "enseignant-1d",
        "the account keeps its function"
    );

    app.create_person(
        "paul.martin@ac-lille.fr",
        Function::Cpe,
        "une phrase de passe solide",
        false,
    )
    .await?;
    let intruder = client()?;
    let back = through_provider(&app, &intruder, "nonverifie.paul.martin").await?;
    let refused = intruder.get(&back).send().await?;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(
        text(refused)
            .await?
            .contains("ne garantit pas cette adresse")
    );
    assert_eq!(
        intruder.get(app.url("/api/v1/me")).send().await?.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        audit_actions(&app).await?,
        ["account-linked", "sign-in", "sign-in-failed"]
    );
    Ok(())
}

#[tokio::test]
async fn a_forged_or_replayed_state_opens_no_session() -> anyhow::Result<()> {
    let (app, _provider) = spawn().await?;
    let browser = client()?;
    let back = through_provider(&app, &browser, "marie.curie").await?;
    let mut forged = reqwest::Url::parse(&back)?;
    let pairs: Vec<(String, String)> = forged
        .query_pairs()
        .map(|(k, v)| {
            let value = if k == "state" {
                "etat-falsifie".to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), value)
        })
        .collect();
    forged.query_pairs_mut().clear().extend_pairs(pairs);
    let refused = browser.get(forged).send().await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(
        text(refused)
            .await?
            .contains("ne correspond à aucune connexion en cours")
    );

    // The genuine answer, in another browser (no state cookie): refused too.
    let other = client()?;
    assert_eq!(
        other.get(&back).send().await?.status(),
        StatusCode::BAD_REQUEST
    );

    // In the right browser it works once — its state cookie was kept — then never again.
    let browser = client()?;
    let back = through_provider(&app, &browser, "marie.curie").await?;
    assert_eq!(
        browser.get(&back).send().await?.status(),
        StatusCode::SEE_OTHER
    );
    let replay = client()?;
    let replayed = replay
        .get(&back)
        .header("cookie", format!("territoire_oidc={}", state_of(&back)?))
        .send()
        .await?;
    assert_eq!(
        replayed.status(),
        StatusCode::BAD_REQUEST,
        "a state is used once"
    );
    assert_eq!(store::accounts::count_people(&app.db).await?, 1);
    assert_eq!(
        audit_actions(&app).await?,
        [
            "sign-in-failed",
            "sign-in-failed",
            "account-created",
            "sign-in",
            "sign-in-failed"
        ]
    );
    Ok(())
}

fn state_of(url: &str) -> anyhow::Result<String> {
    Ok(reqwest::Url::parse(url)?
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default())
}

#[tokio::test]
async fn tokens_for_another_application_expired_or_forged_are_refused() -> anyhow::Result<()> {
    let (app, mut provider) = spawn().await?;
    for (mode, words) in [
        ("wrong-audience", "émis pour une autre application"),
        ("expired", "il a expiré"),
        (
            "wrong-nonce",
            "il ne correspond pas à cette connexion (nonce)",
        ),
        (
            "forged-signature",
            "sa signature n'est pas celle du fournisseur",
        ),
    ] {
        provider.mode(mode).await?;
        let browser = client()?;
        let back = through_provider(&app, &browser, "marie.curie").await?;
        let refused = browser.get(&back).send().await?;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "{mode}");
        let page = text(refused).await?;
        assert!(page.contains(words), "{mode}: {page}");
        assert_eq!(
            browser.get(app.url("/api/v1/me")).send().await?.status(),
            StatusCode::UNAUTHORIZED,
            "{mode}"
        );
    }
    assert_eq!(
        store::accounts::count_people(&app.db).await?,
        0,
        "no account was made"
    );
    let failures = store::accounts::audit::search(
        &app.db,
        &store::accounts::audit::Filter {
            limit: 10,
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(failures.len(), 4);
    assert!(
        failures
            .iter()
            .all(|e| e.action == "sign-in-failed" && e.ip == "127.0.0.1")
    );

    provider.mode("normal").await?;
    let browser = client()?;
    let back = through_provider(&app, &browser, "marie.curie").await?;
    assert_eq!(location(&browser.get(&back).send().await?), "/");
    Ok(())
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_through_the_provider() -> anyhow::Result<()> {
    let (app, _provider) = spawn().await?;
    let browser = client()?;
    let back = through_provider(&app, &browser, "marie.curie").await?;
    assert_eq!(location(&browser.get(&back).send().await?), "/");
    let id = me_id(&app, &browser).await?.as_i64().unwrap_or_default();
    store::accounts::sessions::set_disabled(&app.db, domain::ids::PersonId(id), true).await?;
    assert_eq!(
        browser.get(app.url("/api/v1/me")).send().await?.status(),
        StatusCode::UNAUTHORIZED,
        "its sessions ended"
    );
    let again = client()?;
    let back = through_provider(&app, &again, "marie.curie").await?;
    let refused = again.get(&back).send().await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(text(refused).await?.contains("désactivé"));
    Ok(())
}

#[tokio::test]
async fn without_a_provider_there_is_no_single_sign_on() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let browser = client()?;
    assert_eq!(
        browser
            .get(app.url("/auth/oidc/login"))
            .send()
            .await?
            .status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        !text(browser.get(app.url("/connexion")).send().await?)
            .await?
            .contains("compte académique")
    );
    Ok(())
}
