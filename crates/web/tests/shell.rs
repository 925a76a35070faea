//! The shell every page shares: security headers, French error pages, probes, assets.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use testkit::TestApp;

#[tokio::test]
async fn pages_carry_security_headers_and_a_strict_csp() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    for path in [
        "/",
        "/annuaire",
        "/connexion",
        "/api/v1/establishments",
        "/introuvable",
    ] {
        let response = app.client.get(app.url(path)).send().await?;
        let headers = response.headers();
        let csp = headers
            .get(CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            csp.contains("script-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
    }
    let home = app.client.get(app.url("/")).send().await?.text().await?;
    assert!(
        !home.contains("<script>") && !home.contains("style=\""),
        "no inline script or style"
    );
    assert!(
        home.contains("<html lang=\"fr\"") && home.contains("href=\"#contenu\""),
        "French, with skip links"
    );
    Ok(())
}

#[tokio::test]
async fn error_pages_are_french_without_internals() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let response = app.client.get(app.url("/nulle/part")).send().await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = response.text().await?;
    assert!(html.contains("Page non trouvée") && html.contains("Erreur 404"));
    let api = app.client.get(app.url("/api/v1/nulle-part")).send().await?;
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.headers()[CONTENT_TYPE], "application/json");
    Ok(())
}

#[tokio::test]
async fn health_readiness_and_metrics() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    assert_eq!(
        app.client.get(app.url("/healthz")).send().await?.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.client.get(app.url("/readyz")).send().await?.status(),
        StatusCode::OK
    );
    app.client.get(app.url("/annuaire")).send().await?;
    // Operations data is not served to the public, only on the operators' listener.
    assert_eq!(
        app.client.get(app.url("/metrics")).send().await?.status(),
        StatusCode::NOT_FOUND
    );
    let operators = format!("http://{}", app.metrics_address);
    assert_eq!(
        app.client
            .get(format!("{operators}/annuaire"))
            .send()
            .await?
            .status(),
        StatusCode::NOT_FOUND
    );
    let metrics = app
        .client
        .get(format!("{operators}/metrics"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        metrics.contains(
            "territoire_http_requests_total{method=\"GET\",route=\"/annuaire\",status=\"200\"}"
        ),
        "{metrics}"
    );
    assert!(metrics.contains("territoire_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("territoire_db_connections"));
    app.db.close().await;
    assert_eq!(
        app.client.get(app.url("/readyz")).send().await?.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        app.client.get(app.url("/healthz")).send().await?.status(),
        StatusCode::OK
    );
    Ok(())
}

#[tokio::test]
async fn the_dsfr_is_served_by_the_binary_with_caching() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let css = app
        .client
        .get(app.url("/static/vendor/dsfr/dsfr.min.css"))
        .send()
        .await?;
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(css.headers()[CONTENT_TYPE], "text/css");
    let etag = css.headers()[ETAG].clone();
    assert!(css.text().await?.contains(".fr-header"));
    let again = app
        .client
        .get(app.url("/static/vendor/dsfr/dsfr.min.css"))
        .header(IF_NONE_MATCH, etag)
        .send()
        .await?;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let font = app
        .client
        .get(app.url("/static/vendor/dsfr/fonts/Marianne-Regular.woff2"))
        .send()
        .await?;
    assert_eq!(font.status(), StatusCode::OK);
    assert_eq!(
        app.client
            .get(app.url("/static/../Cargo.toml"))
            .send()
            .await?
            .status(),
        StatusCode::NOT_FOUND
    );
    Ok(())
}

/// Every refusal of the API is its documented `{error, message}` JSON in French with the
/// right status, even those axum's extractors write on their own; pages get the French error
/// page with the security headers. Sent raw, as a client or an attacker sends them.
#[tokio::test]
async fn refusals_speak_the_platforms_language() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let id = app
        .create_person(
            "api@ac-lille.fr",
            domain::accounts::Function::Enseignant1d,
            "une phrase de passe",
            false,
        )
        .await?;
    let token = store::accounts::create_api_token(&app.db, id).await?;
    let auth = format!("Authorization: Bearer {token}");
    let big = format!("{{\"title\": \"{}\"}}", "a".repeat(1_100_000));
    let cases: Vec<(String, Vec<u8>, u16)> = vec![
        // A path parameter that is not a number.
        (
            format!("GET /api/v1/practices/abc HTTP/1.1\r\n{auth}"),
            Vec::new(),
            400,
        ),
        (
            format!("GET /api/v1/spaces/99999999999999999999 HTTP/1.1\r\n{auth}"),
            Vec::new(),
            400,
        ),
        // A query that cannot be read.
        (
            format!("GET /api/v1/spaces/1/topics?offset=beaucoup HTTP/1.1\r\n{auth}"),
            Vec::new(),
            400,
        ),
        // A body that is not JSON, JSON of the wrong shape, of another type, too large.
        (
            format!("POST /api/v1/practices HTTP/1.1\r\n{auth}\r\nContent-Type: application/json"),
            b"{\"title\": ".to_vec(),
            400,
        ),
        (
            format!("POST /api/v1/practices HTTP/1.1\r\n{auth}\r\nContent-Type: application/json"),
            b"{\"title\": 3}".to_vec(),
            400,
        ),
        (
            format!("POST /api/v1/practices HTTP/1.1\r\n{auth}\r\nContent-Type: text/plain"),
            b"{}".to_vec(),
            415,
        ),
        (
            format!("POST /api/v1/practices HTTP/1.1\r\n{auth}\r\nContent-Type: application/json"),
            big.into_bytes(),
            413,
        ),
        // A method the route does not take; a route that does not exist.
        (
            format!("DELETE /api/v1/search HTTP/1.1\r\n{auth}"),
            Vec::new(),
            405,
        ),
        (
            format!("GET /api/v1/nulle-part HTTP/1.1\r\n{auth}"),
            Vec::new(),
            404,
        ),
        // Another site's page posting with the visitor's credentials.
        (
            format!(
                "POST /api/v1/spaces HTTP/1.1\r\n{auth}\r\nOrigin: https://malveillant.example\r\nContent-Type: application/json"
            ),
            b"{}".to_vec(),
            403,
        ),
    ];
    for (head, body, status) in cases {
        let answer = testkit::raw::send(app.address, &head, &body).await?;
        let line = head.lines().next().unwrap_or_default().to_owned();
        assert_eq!(answer.status, status, "{line}: {}", answer.text());
        assert!(
            answer
                .header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{line}: {:?}",
            answer.headers
        );
        let json: serde_json::Value = serde_json::from_slice(&answer.body)?;
        let message = json["message"].as_str().unwrap_or_default();
        assert!(
            json["error"].is_string() && !message.is_empty(),
            "{line}: {json}"
        );
        for english in [
            "Invalid URL",
            "Failed to",
            "Cannot parse",
            "Expected request",
            "missing field",
            "invalid type",
        ] {
            assert!(!message.contains(english), "{line}: {message}");
        }
    }
    // Pages: the French error page, with its security headers.
    for (path, status) in [("/pratiques/abc", 400), ("/espaces/abc/forum", 400)] {
        let answer = testkit::raw::send(app.address, &format!("GET {path} HTTP/1.1"), b"").await?;
        assert_eq!(answer.status, status, "{path}");
        assert!(
            answer
                .header("content-type")
                .is_some_and(|t| t.starts_with("text/html"))
        );
        assert!(answer.header("content-security-policy").is_some(), "{path}");
        assert!(
            answer.text().contains("Demande impossible à traiter"),
            "{path}"
        );
    }
    Ok(())
}

/// Every API route that takes a JSON body checks the caller's rights on what its path names
/// before it reads the body: an outsider sending a broken body learns `404` for a missing or
/// hidden object, exactly as with a good one, never `400`, `413` or `415`.
#[tokio::test]
async fn rights_come_before_the_body() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let mut tokens = Vec::new();
    for email in ["owner@ac-lille.fr", "outsider@ac-lille.fr"] {
        let id = app
            .create_person(
                email,
                domain::accounts::Function::Enseignant1d,
                "une phrase de passe",
                false,
            )
            .await?;
        tokens.push(store::accounts::create_api_token(&app.db, id).await?);
    }
    let (owner, outsider) = (&tokens[0], &tokens[1]);
    let bodies: [(&str, &[u8]); 3] = [
        ("application/json", b"{\"title\": "),
        ("application/json", b"[1, 2, 3]"),
        ("text/plain", b"bonjour"),
    ];
    let send = |method: &str, path: &str, token: &str, (kind, body): (&str, &[u8])| {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nAuthorization: Bearer {token}\r\nContent-Type: {kind}"
        );
        let body = body.to_vec();
        let address = app.address;
        async move { testkit::raw::send(address, &head, &body).await }
    };

    // Every documented route with a body and a path parameter, on objects that do not exist.
    let openapi: serde_json::Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await?
        .json()
        .await?;
    let mut checked = 0;
    for (template, operations) in openapi["paths"].as_object().into_iter().flatten() {
        if !template.contains('{') {
            continue;
        }
        let path = template
            .split('/')
            .map(|s| if s.starts_with('{') { "999999" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        for (method, operation) in operations.as_object().into_iter().flatten() {
            let json_body = operation["requestBody"]["content"]["application/json"].is_object();
            if !json_body {
                continue;
            }
            for body in bodies {
                let answer = send(&method.to_uppercase(), &path, outsider, body).await?;
                assert_eq!(
                    answer.status,
                    404,
                    "{method} {template} ({}): {}",
                    body.0,
                    answer.text()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 45, "{checked} routes with a body and a path");

    // A members-only space: an outsider learns what a missing space tells, its members learn
    // what was wrong with their body.
    let space: serde_json::Value = app
        .client
        .post(app.url("/api/v1/spaces"))
        .bearer_auth(owner)
        .json(&serde_json::json!({"name": "Espace fermé", "visibility": "members"}))
        .send()
        .await?
        .json()
        .await?;
    let id = space["id"].as_i64().unwrap_or_default();
    for route in ["posts", "topics", "members", "folders", "rooms", "pads"] {
        let path = format!("/api/v1/spaces/{id}/{route}");
        for body in bodies {
            let hidden = send("POST", &path, outsider, body).await?;
            assert_eq!(hidden.status, 404, "{path}: {}", hidden.text());
            let missing = send(
                "POST",
                &format!("/api/v1/spaces/999999/{route}"),
                outsider,
                body,
            )
            .await?;
            assert_eq!(hidden.body, missing.body, "{path}");
            let member = send("POST", &path, owner, body).await?;
            let expected = if body.0 == "text/plain" { 415 } else { 400 };
            assert_eq!(member.status, expected, "{path}: {}", member.text());
        }
    }
    Ok(())
}

/// Every `fr-icon-…` class the templates, the Rust views and our scripts write has its rule in
/// a stylesheet every page links, and the image that rule masks with is served (an icon
/// missing shows as a solid square).
#[tokio::test]
async fn every_icon_a_page_uses_is_served() -> anyhow::Result<()> {
    fn scan(dir: &std::path::Path, used: &mut std::collections::BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                scan(&path, used);
            } else if path
                .extension()
                .is_some_and(|e| ["html", "rs", "js", "mjs"].iter().any(|k| e == *k))
            {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for (at, _) in text.match_indices("fr-icon-") {
                    let name: String = text[at + 8..]
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                        .collect();
                    let name = name.trim_end_matches('-');
                    if !name.is_empty() {
                        used.insert(name.to_owned());
                    }
                }
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut used = std::collections::BTreeSet::new();
    for dir in ["templates", "crates/web/src", "front"] {
        scan(&root.join(dir), &mut used);
    }
    assert!(used.len() >= 20, "{used:?}");

    let app = TestApp::spawn().await?;
    let home = app.client.get(app.url("/")).send().await?.text().await?;
    let mut css = String::new();
    for sheet in [
        "/static/vendor/dsfr/dsfr.min.css",
        "/static/vendor/dsfr/icons.min.css",
    ] {
        assert!(home.contains(sheet), "every page links {sheet}");
        let answer = app.client.get(app.url(sheet)).send().await?;
        assert_eq!(answer.status(), StatusCode::OK, "{sheet}");
        css.push_str(&answer.text().await?);
    }
    let mut missing = Vec::new();
    for icon in &used {
        let selector = format!(".fr-icon-{icon}:before");
        let Some(at) = css.find(&selector) else {
            missing.push(format!("{icon} : aucune règle"));
            continue;
        };
        let rule = &css[at..css[at..].find('}').map_or(css.len(), |end| at + end)];
        let Some(url) = rule
            .split("url(")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .map(|u| u.trim_matches(['"', '\'']))
        else {
            missing.push(format!("{icon} : règle sans image"));
            continue;
        };
        let image = app
            .client
            .get(app.url(&format!("/static/vendor/dsfr/{url}")))
            .send()
            .await?;
        if image.status() != StatusCode::OK {
            missing.push(format!("{icon} : {url} {}", image.status()));
        }
    }
    assert!(missing.is_empty(), "icônes absentes : {missing:?}");
    Ok(())
}
