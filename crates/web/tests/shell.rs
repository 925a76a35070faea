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
