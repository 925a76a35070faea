//! The directory through HTTP: pages and JSON API.

use reqwest::StatusCode;
use serde_json::Value;
use testkit::{TestApp, sample_annuaire};

async fn app() -> anyhow::Result<TestApp> {
    let app = TestApp::spawn().await?;
    app.import(&sample_annuaire()).await?;
    Ok(app)
}

#[tokio::test]
async fn search_page_finds_by_words_and_filters() -> anyhow::Result<()> {
    let app = app().await?;
    let page = app
        .client
        .get(app.url("/annuaire?q=jaur%C3%A8s+arras"))
        .send()
        .await?;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await?;
    assert!(html.contains("1 établissement trouvé"), "{html}");
    assert!(html.contains("École primaire Jean Jaurès"));
    assert!(html.contains("href=\"/etablissements/0620001P\""));
    assert!(!html.contains("Clermont-Ferrand —"));

    let html = app
        .client
        .get(app.url("/annuaire?departement=62&type=college"))
        .send()
        .await?
        .text()
        .await?;
    assert!(html.contains("2 établissements trouvés"), "{html}");
    assert!(
        html.contains("Fermé"),
        "the closed collège is shown as closed"
    );
    // Choosing a département offers its circonscriptions and bassins.
    assert!(
        html.contains("Circonscription d&#39;Arras 1")
            || html.contains("Circonscription d'Arras 1"),
        "{html}"
    );
    assert!(html.contains("<option value=\"06202\""));

    let html = app
        .client
        .get(app.url("/annuaire?statut=prive"))
        .send()
        .await?
        .text()
        .await?;
    assert!(html.contains("Lycée privé Saint-Joseph") && html.contains("1 établissement trouvé"));
    let html = app
        .client
        .get(app.url("/annuaire?q=zzz"))
        .send()
        .await?
        .text()
        .await?;
    assert!(html.contains("Aucun établissement ne correspond"));
    Ok(())
}

#[tokio::test]
async fn bad_search_parameters_are_explained_in_french() -> anyhow::Result<()> {
    let app = app().await?;
    let html = app
        .client
        .get(app.url("/annuaire?type=usine&q=arras"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        html.contains("type d&#39;établissement « usine » inconnu")
            || html.contains("type d'établissement « usine » inconnu"),
        "{html}"
    );
    assert!(html.contains("value=\"arras\""), "the words typed are kept");
    assert!(
        html.contains("3 établissements trouvés"),
        "and searched: {html}"
    );
    let api = app
        .client
        .get(app.url("/api/v1/establishments?page=0"))
        .send()
        .await?;
    assert_eq!(api.status(), StatusCode::BAD_REQUEST);
    let body: Value = api.json().await?;
    assert_eq!(body["error"], "bad_request");
    assert_eq!(body["message"], "Numéro de page « 0 » invalide");
    let api = app
        .client
        .get(app.url("/api/v1/establishments?departement=99"))
        .send()
        .await?;
    assert_eq!(api.status(), StatusCode::BAD_REQUEST);
    Ok(())
}

#[tokio::test]
async fn pagination_links_keep_the_search() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.import(&testkit::numbered_ecoles(45, 20000, |i| {
        format!("École {i:02} des Lilas")
    }))
    .await?;
    let html = app
        .client
        .get(app.url("/annuaire?q=lilas"))
        .send()
        .await?
        .text()
        .await?;
    assert!(html.contains("45 établissements trouvés"), "{html}");
    assert!(
        html.contains("href=\"/annuaire?q=lilas&#38;page=2\""),
        "{html}"
    );
    let third = app
        .client
        .get(app.url("/annuaire?q=lilas&page=3"))
        .send()
        .await?
        .text()
        .await?;
    assert!(third.contains("École 44 des Lilas") && !third.contains("École 39 des Lilas"));
    Ok(())
}

#[tokio::test]
async fn establishment_page() -> anyhow::Result<()> {
    let app = app().await?;
    let html = app
        .client
        .get(app.url("/etablissements/0620100X"))
        .send()
        .await?
        .text()
        .await?;
    assert!(html.contains("<h1>Collège Victor Hugo</h1>"));
    assert!(
        html.contains("Lille")
            && html.contains("Pas-de-Calais (62)")
            && html.contains("Éducation prioritaire REP")
    );
    let lower = app
        .client
        .get(app.url("/etablissements/0620100x"))
        .send()
        .await?;
    assert_eq!(lower.status(), StatusCode::OK, "UAI in lower case");
    for missing in ["/etablissements/0999999Z", "/etablissements/n-importe-quoi"] {
        let response = app.client.get(app.url(missing)).send().await?;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let html = response.text().await?;
        assert!(html.contains("Page non trouvée") && html.contains("lang=\"fr\""));
    }
    Ok(())
}

#[tokio::test]
async fn api_lists_and_gets_establishments() -> anyhow::Result<()> {
    let app = app().await?;
    let body: Value = app
        .client
        .get(app.url("/api/v1/establishments?q=jaures&departement=062"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(body["total"], 1);
    let item = &body["items"][0];
    for key in [
        "uai",
        "name",
        "kind",
        "public",
        "commune_code",
        "commune",
        "departement",
        "academie",
        "circonscription",
        "latitude",
        "longitude",
        "open",
    ] {
        assert!(item.get(key).is_some(), "missing {key}");
    }
    assert_eq!(item["uai"], "0620001P");
    assert_eq!(item["kind"], "ecole");
    assert_eq!(item["academie"], "Lille");
    assert_eq!(item["departement"], "62");
    assert_eq!(item["circonscription"], "Circonscription d'Arras 1");
    assert_eq!(item["education_prioritaire"], "REP+");

    let all: Value = app
        .client
        .get(app.url("/api/v1/establishments?type=ecole"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(all["total"], 3);
    let page2: Value = app
        .client
        .get(app.url("/api/v1/establishments?page=2"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(page2["items"].as_array().map(Vec::len), Some(0));
    assert_eq!(page2["total"], 6);

    let one: Value = app
        .client
        .get(app.url("/api/v1/establishments/0620101Y"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(one["public"], false);
    assert_eq!(one["latitude"], Value::Null);
    let missing = app
        .client
        .get(app.url("/api/v1/establishments/0999999Z"))
        .send()
        .await?;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let body: Value = missing.json().await?;
    assert_eq!(body["error"], "not_found");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("n'existe pas"))
    );
    Ok(())
}

#[tokio::test]
async fn openapi_documents_the_api() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let doc: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await?
        .json()
        .await?;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    for path in [
        "/api/v1/establishments",
        "/api/v1/establishments/{uai}",
        "/api/v1/me",
        "/api/v1/territories",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
    let params = doc["paths"]["/api/v1/establishments"]["get"]["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let names: Vec<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
    for name in ["q", "departement", "type", "page"] {
        assert!(names.contains(&name), "{names:?}");
    }
    assert!(
        doc["components"]["schemas"]
            .get("EstablishmentJson")
            .is_some()
    );
    Ok(())
}
