//! Territories through HTTP: pages, and creation through the API by administrators only.

use domain::accounts::Function;
use domain::policy::TerritoryRole;
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::{TestApp, sample_annuaire};

#[tokio::test]
async fn only_administrators_create_territories() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let admin = app
        .create_person(
            "admin@ac-lille.fr",
            Function::ChargeDeMission,
            "une phrase de passe",
            true,
        )
        .await?;
    let teacher = app
        .create_person(
            "prof@ac-lille.fr",
            Function::Enseignant2d,
            "une phrase de passe",
            false,
        )
        .await?;
    let admin_token = store::accounts::create_api_token(&app.db, admin).await?;
    let teacher_token = store::accounts::create_api_token(&app.db, teacher).await?;
    let url = app.url("/api/v1/territories");

    let anonymous = app
        .client
        .post(&url)
        .json(&json!({"name": "Territoire d'Arras"}))
        .send()
        .await?;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let forbidden = app
        .client
        .post(&url)
        .bearer_auth(&teacher_token)
        .json(&json!({"name": "Territoire d'Arras"}))
        .send()
        .await?;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let body: Value = forbidden.json().await?;
    assert_eq!(body["error"], "forbidden");

    let created = app
        .client
        .post(&url)
        .bearer_auth(&admin_token)
        .json(&json!({"name": "Territoire d'Arras", "description": "Écoles et collèges d'Arras."}))
        .send()
        .await?;
    assert_eq!(created.status(), StatusCode::CREATED);
    let body: Value = created.json().await?;
    assert_eq!(body["slug"], "territoire-d-arras");

    let again = app
        .client
        .post(&url)
        .bearer_auth(&admin_token)
        .json(&json!({"name": "Territoire  d'Arras"}))
        .send()
        .await?;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let short = app
        .client
        .post(&url)
        .bearer_auth(&admin_token)
        .json(&json!({"name": "A"}))
        .send()
        .await?;
    assert_eq!(short.status(), StatusCode::BAD_REQUEST);
    let body: Value = short.json().await?;
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("entre 3 et 120"))
    );
    let broken = app
        .client
        .post(&url)
        .bearer_auth(&admin_token)
        .header("Content-Type", "application/json")
        .body("{\"name\":")
        .send()
        .await?;
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    let body: Value = broken.json().await?;
    assert_eq!(body["error"], "bad_request");

    let list: Value = app.client.get(&url).send().await?.json().await?;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    Ok(())
}

#[tokio::test]
async fn territory_pages_show_establishments_partners_and_coordination() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.import(&sample_annuaire()).await?;
    let ids = store::directory::ids_by_uai(&app.db).await?;
    let territory = store::territories::create(
        &app.db,
        &domain::territories::NewTerritory::parse(
            "Territoire apprenant d'Arras",
            "Un réseau d'écoles.",
        )?,
    )
    .await?;
    store::territories::add_establishments(&app.db, territory, &[ids["0620001A"], ids["0620100C"]])
        .await?;
    store::territories::add_partner(&app.db, territory, "Ville d'Arras", "collectivite").await?;
    let perdir = app
        .create_person(
            "principal@ac-lille.fr",
            Function::Perdir,
            "une phrase de passe",
            false,
        )
        .await?;
    store::territories::set_member(&app.db, territory, perdir, TerritoryRole::Coordinator).await?;

    let list = app
        .client
        .get(app.url("/territoires"))
        .send()
        .await?
        .text()
        .await?;
    assert!(list.contains("href=\"/territoires/territoire-apprenant-d-arras\""));
    assert!(list.contains("2 établissement(s) — 1 membre(s)"));
    let page = app
        .client
        .get(app.url("/territoires/territoire-apprenant-d-arras"))
        .send()
        .await?
        .text()
        .await?;
    assert!(page.contains("Collège Victor Hugo") && page.contains("École primaire Jean Jaurès"));
    assert!(page.contains("Collectivité territoriale"));
    assert!(page.contains("Personne principal — Personnel de direction"));
    assert_eq!(
        app.client
            .get(app.url("/territoires/inconnu"))
            .send()
            .await?
            .status(),
        StatusCode::NOT_FOUND
    );
    Ok(())
}

#[tokio::test]
async fn a_large_territory_lists_its_first_establishments_and_counts_all() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.import(&testkit::numbered_ecoles(205, 21000, |i| {
        format!("École {i:03} du réseau")
    }))
    .await?;
    let ids: Vec<i64> = store::directory::ids_by_uai(&app.db)
        .await?
        .into_values()
        .collect();
    let territory = store::territories::create(
        &app.db,
        &domain::territories::NewTerritory::parse("Grand réseau", "")?,
    )
    .await?;
    store::territories::add_establishments(&app.db, territory, &ids).await?;
    let page = app
        .client
        .get(app.url("/territoires/grand-reseau"))
        .send()
        .await?
        .text()
        .await?;
    assert!(page.contains("205 établissement(s)"));
    assert!(page.contains("Les 200 premiers, par ordre alphabétique"));
    assert!(page.contains("École 199 du réseau") && !page.contains("École 200 du réseau"));
    Ok(())
}
