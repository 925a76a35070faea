//! Accounts through HTTP: login, logout, CSRF, throttling, password reset, the API caller.

use domain::accounts::Function;
use reqwest::StatusCode;
use reqwest::header::{LOCATION, SET_COOKIE};
use serde_json::Value;
use testkit::{TestApp, client};

const PASSWORD: &str = "une phrase de passe solide";

#[tokio::test]
async fn login_opens_a_session_and_logout_closes_it() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.create_person("marie@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    let browser = client()?;

    let anonymous = browser.get(app.url("/compte")).send().await?;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        anonymous.headers()[LOCATION],
        "/connexion?suivant=%2Fcompte"
    );

    let response = app.login(&browser, "Marie@AC-Lille.fr", PASSWORD).await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/");
    let cookie = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("territoire_session="));
    let cookie = cookie.unwrap_or_default();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP in tests");

    let account = browser.get(app.url("/compte")).send().await?.text().await?;
    assert!(account.contains("marie@ac-lille.fr") && account.contains("Professeur des écoles"));
    assert!(account.contains("Se déconnecter"));

    let csrf = app.csrf(&browser, "/compte").await?;
    let out = browser
        .post(app.url("/deconnexion"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await?;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = browser.get(app.url("/compte")).send().await?;
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "the session is gone");
    Ok(())
}

#[tokio::test]
async fn wrong_password_keeps_the_address_and_says_so() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.create_person("marie@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    let browser = client()?;
    for email in [
        "marie@ac-lille.fr",
        "personne@ac-lille.fr",
        "pas-une-adresse",
    ] {
        let response = app.login(&browser, email, "mauvais mot de passe").await?;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let html = response.text().await?;
        assert!(
            html.contains("Adresse électronique ou mot de passe incorrect."),
            "{email}"
        );
        assert!(
            html.contains(&format!("value=\"{email}\"")),
            "the address typed is kept"
        );
    }
    Ok(())
}

#[tokio::test]
async fn repeated_failures_are_throttled() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.create_person("marie@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    let browser = client()?;
    for _ in 0..5 {
        assert_eq!(
            app.login(&browser, "marie@ac-lille.fr", "faux")
                .await?
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let blocked = app.login(&browser, "marie@ac-lille.fr", PASSWORD).await?;
    assert_eq!(
        blocked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(blocked.text().await?.contains("Trop de tentatives"));
    // Another address from the same place is not blocked by these five.
    app.create_person("jean@ac-lille.fr", Function::Cpc, PASSWORD, false)
        .await?;
    assert_eq!(
        app.login(&browser, "jean@ac-lille.fr", PASSWORD)
            .await?
            .status(),
        StatusCode::SEE_OTHER
    );
    Ok(())
}

#[tokio::test]
async fn forms_without_the_csrf_token_or_from_elsewhere_are_refused() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.create_person("marie@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    let browser = client()?;
    app.csrf(&browser, "/connexion").await?;
    let forged = browser
        .post(app.url("/connexion"))
        .form(&[
            ("csrf", "0".repeat(48).as_str()),
            ("email", "marie@ac-lille.fr"),
            ("password", PASSWORD),
        ])
        .send()
        .await?;
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    assert!(forged.text().await?.contains("Le formulaire a expiré"));
    let missing = browser
        .post(app.url("/connexion"))
        .form(&[("email", "marie@ac-lille.fr"), ("password", PASSWORD)])
        .send()
        .await?;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);

    let csrf = app.csrf(&browser, "/connexion").await?;
    let cross_site = browser
        .post(app.url("/connexion"))
        .header("Origin", "https://malveillant.example")
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "marie@ac-lille.fr"),
            ("password", PASSWORD),
        ])
        .send()
        .await?;
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test]
async fn login_returns_only_to_paths_of_this_site() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.create_person("marie@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    for (next, expected) in [
        ("/territoires", "/territoires"),
        ("", "/"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        // Browsers drop tabs and line breaks from URLs and read a backslash as a slash.
        ("/\t/evil.example/", "/"),
        ("/\n/evil.example/", "/"),
        ("/\r\n/evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("\\/evil.example", "/"),
        (" //evil.example", "/"),
        ("/ /evil.example", "/"),
        ("/pratiques?q=%0d%0a", "/pratiques?q=%0d%0a"),
    ] {
        let browser = client()?;
        let csrf = app.csrf(&browser, "/connexion").await?;
        let response = browser
            .post(app.url("/connexion"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", "marie@ac-lille.fr"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await?;
        assert_eq!(response.headers()[LOCATION], expected, "{next:?}");
    }
    // A NUL byte is refused with the rest of the form (a French 400), never followed.
    let browser = client()?;
    let csrf = app.csrf(&browser, "/connexion").await?;
    let response = browser
        .post(app.url("/connexion"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "marie@ac-lille.fr"),
            ("password", PASSWORD),
            ("next", "/\u{0}/evil.example"),
        ])
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get(LOCATION).is_none());
    assert!(
        response
            .text()
            .await?
            .contains("caractère invisible interdit")
    );
    // Signed in, the sign-in page sends on at once: the same rule, and no address, however
    // written, makes it fail. The query is sent as a browser sends a crafted link.
    let browser = client()?;
    app.login(&browser, "marie@ac-lille.fr", PASSWORD).await?;
    for (raw, expected) in [
        ("%2Fterritoires", "/territoires"),
        ("/%09/evil.example/", "/"),
        ("%2F%0A%2Fevil.example", "/"),
        ("%2F%0D%0ASet-Cookie:%20x=1", "/"),
        ("%2F%5Cevil.example", "/"),
        ("%00", "/"),
        ("%FF%FE", "/"),
        ("https:%2F%2Fevil.example", "/"),
    ] {
        let response = browser
            .get(app.url(&format!("/connexion?suivant={raw}")))
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{raw}");
        assert_eq!(response.headers()[LOCATION], expected, "{raw}");
    }
    // Anonymous, the page shows its form whatever the address says.
    for raw in ["%0A", "%00", "%FF", "/%09/x", &"%2F".repeat(5000)] {
        let response = client()?
            .get(app.url(&format!("/connexion?suivant={raw}")))
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::OK, "{raw}");
    }
    Ok(())
}

fn reset_link(app: &TestApp) -> anyhow::Result<String> {
    let mut mails = std::fs::read_dir(app.outbox())?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect::<Vec<_>>();
    mails.sort();
    let mail = std::fs::read_to_string(mails.last().ok_or_else(|| anyhow::anyhow!("no mail"))?)?;
    let unfolded = mail.replace("=\r\n", "").replace("=\n", "");
    let start = unfolded
        .find("/mot-de-passe/")
        .ok_or_else(|| anyhow::anyhow!("no link in {unfolded}"))?;
    Ok(unfolded[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned())
}

#[tokio::test]
async fn password_reset_by_mail() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.create_person("marie@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    let browser = client()?;

    // Unknown address: same answer, no mail.
    let csrf = app.csrf(&browser, "/mot-de-passe-oublie").await?;
    let page = browser
        .post(app.url("/mot-de-passe-oublie"))
        .form(&[("csrf", csrf.as_str()), ("email", "inconnu@ac-lille.fr")])
        .send()
        .await?
        .text()
        .await?;
    assert!(page.contains("Si un compte existe pour inconnu@ac-lille.fr"));
    assert!(std::fs::read_dir(app.outbox())?.next().is_none());
    let bad = browser
        .post(app.url("/mot-de-passe-oublie"))
        .form(&[("csrf", csrf.as_str()), ("email", "marie")])
        .send()
        .await?;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    browser
        .post(app.url("/mot-de-passe-oublie"))
        .form(&[("csrf", csrf.as_str()), ("email", "marie@ac-lille.fr")])
        .send()
        .await?;
    let link = reset_link(&app)?;
    assert!(
        browser
            .get(app.url(&link))
            .send()
            .await?
            .text()
            .await?
            .contains("Choisir un nouveau mot de passe")
    );

    let csrf = app.csrf(&browser, &link).await?;
    let short = browser
        .post(app.url(&link))
        .form(&[
            ("csrf", csrf.as_str()),
            ("password", "court"),
            ("confirmation", "court"),
        ])
        .send()
        .await?;
    assert_eq!(short.status(), StatusCode::BAD_REQUEST);
    assert!(short.text().await?.contains("au moins 10 caractères"));
    let differ = browser
        .post(app.url(&link))
        .form(&[
            ("csrf", csrf.as_str()),
            ("password", "nouvelle phrase de passe"),
            ("confirmation", "autre phrase de passe"),
        ])
        .send()
        .await?;
    assert!(differ.text().await?.contains("différents"));
    let done = browser
        .post(app.url(&link))
        .form(&[
            ("csrf", csrf.as_str()),
            ("password", "nouvelle phrase de passe"),
            ("confirmation", "nouvelle phrase de passe"),
        ])
        .send()
        .await?;
    assert_eq!(done.headers()[LOCATION], "/connexion?reinitialise=1");
    assert_eq!(
        app.login(&client()?, "marie@ac-lille.fr", PASSWORD)
            .await?
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&client()?, "marie@ac-lille.fr", "nouvelle phrase de passe")
            .await?
            .status(),
        StatusCode::SEE_OTHER
    );
    let reused = browser.get(app.url(&link)).send().await?;
    assert_eq!(reused.status(), StatusCode::GONE, "a link works once");
    Ok(())
}

#[tokio::test]
async fn api_me_needs_a_valid_token() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let person = app
        .create_person("ien@ac-lille.fr", Function::Ien, PASSWORD, false)
        .await?;
    let token = store::accounts::create_api_token(&app.db, person).await?;

    let me: Value = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(me["id"], person.0);
    assert_eq!(me["email"], "ien@ac-lille.fr");
    assert_eq!(me["function"], "ien");
    assert!(me["assignments"].is_array());

    for response in [
        app.client.get(app.url("/api/v1/me")).send().await?,
        app.client
            .get(app.url("/api/v1/me"))
            .bearer_auth("faux")
            .send()
            .await?,
        app.client
            .get(app.url("/api/v1/me"))
            .header("Authorization", "Basic eDp5")
            .send()
            .await?,
    ] {
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let body: Value = response.json().await?;
        assert_eq!(body["error"], "unauthorized");
    }

    // A browser session also works for the API.
    let browser = client()?;
    app.login(&browser, "ien@ac-lille.fr", PASSWORD).await?;
    let me: Value = browser
        .get(app.url("/api/v1/me"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(me["function"], "ien");
    Ok(())
}

/// Posts the sign-in form as a browser behind `forwarded_for` would (through a proxy that
/// writes `X-Forwarded-For`).
async fn login_from(
    app: &TestApp,
    forwarded_for: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<StatusCode> {
    let browser = client()?;
    let csrf = app.csrf(&browser, "/connexion").await?;
    Ok(browser
        .post(app.url("/connexion"))
        .header("X-Forwarded-For", forwarded_for)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await?
        .status())
}

#[tokio::test]
async fn attempts_sent_at_once_are_throttled_all_the_same() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.create_person("marie@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    let browser = client()?;
    let csrf = app.csrf(&browser, "/connexion").await?;
    let attempts = (0..50).map(|_| {
        browser
            .post(app.url("/connexion"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", "marie@ac-lille.fr"),
                ("password", "faux"),
            ])
            .send()
    });
    let answers = futures::future::try_join_all(attempts).await?;
    let checked = answers
        .iter()
        .filter(|a| a.status() == StatusCode::UNAUTHORIZED)
        .count();
    let refused = answers
        .iter()
        .filter(|a| a.status() == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(checked <= 5, "{checked} passwords checked out of 50");
    assert_eq!(checked + refused, 50);
    let failures = testkit::audit_trail(&app.db)
        .await?
        .into_iter()
        .filter(|(action, _)| action == "sign-in-failed")
        .count();
    assert!(failures <= 5, "{failures} failures recorded");
    Ok(())
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_attacker_locks_out_nobody_else() -> anyhow::Result<()> {
    let app = TestApp::spawn_with(web::WebSettings {
        trusted_proxies: web::TrustedProxies::parse("127.0.0.1, ::1")
            .map_err(anyhow::Error::msg)?,
        ..web::WebSettings::default()
    })
    .await?;
    app.create_person(
        "admin@ac-lille.fr",
        Function::ChargeDeMission,
        PASSWORD,
        true,
    )
    .await?;
    app.create_person("marie@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    // 120 wrong passwords from one address, on the administrator and on others.
    for n in 0..120 {
        let email = if n % 2 == 0 {
            "admin@ac-lille.fr".to_owned()
        } else {
            format!("x{n}@ac-lille.fr")
        };
        let status = login_from(&app, "198.51.100.7", &email, "faux").await?;
        assert!(
            [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(&status),
            "{status}"
        );
    }
    // The attacker is stopped: on the administrator, and on every address (ceiling per IP).
    assert_eq!(
        login_from(&app, "198.51.100.7", "admin@ac-lille.fr", PASSWORD).await?,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login_from(&app, "198.51.100.7", "marie@ac-lille.fr", PASSWORD).await?,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Everybody else, behind the same proxy, signs in: the administrator too.
    assert_eq!(
        login_from(&app, "203.0.113.20", "admin@ac-lille.fr", PASSWORD).await?,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        login_from(
            &app,
            "203.0.113.21, 10.0.0.2",
            "marie@ac-lille.fr",
            PASSWORD
        )
        .await?,
        StatusCode::SEE_OTHER,
        "a chain ending with an untrusted hop: that hop is the client"
    );
    // The audit trail names the attacker, not the proxy.
    let ips = testkit::find_text(&app.db, "198.51.100.7").await?;
    assert!(ips.iter().any(|t| t.starts_with("audit")), "{ips:?}");
    Ok(())
}

#[tokio::test]
async fn forwarding_headers_from_anybody_else_are_ignored() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.create_person("marie@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    // No trusted proxy: a client writing a new X-Forwarded-For each time is still one client.
    for n in 0..5 {
        assert_eq!(
            login_from(&app, &format!("192.0.2.{n}"), "marie@ac-lille.fr", "faux").await?,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login_from(&app, "192.0.2.99", "marie@ac-lille.fr", PASSWORD).await?,
        StatusCode::TOO_MANY_REQUESTS
    );
    let ips = testkit::find_text(&app.db, "192.0.2.").await?;
    assert!(
        ips.is_empty(),
        "a header nobody vouches for was recorded: {ips:?}"
    );
    Ok(())
}

/// A link opened signed out (from an e-mail, a calendar invitation) leads to sign in, then to
/// its page: the redirect of a page for signed-in people and the « Se connecter » of a page
/// that does not show itself to strangers both carry it. An error page keeps the header of
/// whoever is signed in and leads back to its section's list.
#[tokio::test]
async fn signing_in_brings_back_to_the_page_asked_for() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.create_person("marie@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    app.create_person("paul@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    let marie = client()?;
    app.login(&marie, "marie@ac-lille.fr", PASSWORD).await?;
    let csrf = app.csrf(&marie, "/espaces").await?;
    let created = marie
        .post(app.url("/espaces"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Conseil des maîtres"),
            ("description", ""),
            ("visibility", "members"),
        ])
        .send()
        .await?;
    let space = testkit::location(&created);
    assert!(space.starts_with("/espaces/"), "{space}");
    let back: String = url::form_urlencoded::byte_serialize(space.as_bytes()).collect();

    // Signed out: a page for signed-in people redirects to sign in, then back.
    let stranger = client()?;
    let redirected = stranger
        .get(app.url("/mes-pratiques?page=2"))
        .send()
        .await?;
    assert_eq!(
        testkit::location(&redirected),
        "/connexion?suivant=%2Fmes-pratiques%3Fpage%3D2"
    );
    // A space hidden from strangers: the same 404 as a missing one, whose « Se connecter »
    // comes back to it.
    let hidden = stranger.get(app.url(&space)).send().await?;
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    let page = hidden.text().await?;
    let sign_in = format!("/connexion?suivant={back}");
    assert!(page.contains(&format!("href=\"{sign_in}\"")), "{page}");
    assert!(page.contains("href=\"/espaces\""), "{page}");
    let form = stranger.get(app.url(&sign_in)).send().await?.text().await?;
    assert!(
        form.contains(&format!("name=\"next\" value=\"{space}\"")),
        "{form}"
    );
    let csrf = testkit::csrf_of(&form).unwrap_or_default();
    let signed_in = stranger
        .post(app.url("/connexion"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "marie@ac-lille.fr"),
            ("password", PASSWORD),
            ("next", space.as_str()),
        ])
        .send()
        .await?;
    assert_eq!(testkit::location(&signed_in), space);
    let shown = stranger.get(app.url(&space)).send().await?;
    assert_eq!(shown.status(), StatusCode::OK);

    // Signed in and refused: the page keeps Paul's header, offers no sign-in, leads back.
    let paul = client()?;
    app.login(&paul, "paul@ac-lille.fr", PASSWORD).await?;
    let refused = paul.get(app.url(&space)).send().await?;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let page = refused.text().await?;
    assert!(page.contains("Se déconnecter"), "{page}");
    assert!(!page.contains("Se connecter<"), "{page}");
    assert!(page.contains("href=\"/espaces\""), "{page}");
    Ok(())
}
