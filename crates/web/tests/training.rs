//! Training needs and the demand through the API, on the database the environment chooses.

use domain::accounts::Function;
use domain::policy::TerritoryRole;
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::TestApp;

#[tokio::test]
async fn a_need_expressed_counts_in_the_demand_only_among_five() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let territory = store::territories::create(
        &app.db,
        &domain::territories::NewTerritory::parse("Territoire apprenant de Lens", "")?,
    )
    .await?;
    let mut tokens = Vec::new();
    for i in 0..7 {
        let person = app
            .create_person(
                &format!("prof{i}@ac-lille.fr"),
                Function::Enseignant1d,
                "une phrase de passe",
                false,
            )
            .await?;
        if i < 6 {
            store::territories::set_member(&app.db, territory, person, TerritoryRole::Member)
                .await?;
        }
        tokens.push(store::accounts::create_api_token(&app.db, person).await?);
    }
    let url = app.url("/api/v1/training-needs");
    let express =
        |token: &str, body: Value| app.client.post(&url).bearer_auth(token).json(&body).send();
    let need = |theme: &str| json!({"theme": theme, "public": "premier-degre", "level": "Cycle 3", "territory_id": territory.0});

    assert_eq!(
        app.client
            .post(&url)
            .json(&need("Oral"))
            .send()
            .await?
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let bad = express(&tokens[0], json!({"theme": "Oral", "public": "tous"})).await?;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(
        bad.json::<Value>().await?["message"]
            .as_str()
            .is_some_and(|m| m.contains("premier-degre"))
    );
    // Not a member of the territory: refused there.
    assert_eq!(
        express(&tokens[6], need("Débat réglé")).await?.status(),
        StatusCode::FORBIDDEN
    );
    for (i, token) in tokens.iter().take(5).enumerate() {
        let theme = if i == 0 {
            "Conduire un débat réglé"
        } else {
            "conduire un débat réglé "
        };
        assert_eq!(
            express(token, need(theme)).await?.status(),
            StatusCode::CREATED
        );
    }
    assert_eq!(
        express(&tokens[0], need("CONDUIRE UN DEBAT REGLE"))
            .await?
            .status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        express(&tokens[5], need("Climat scolaire")).await?.status(),
        StatusCode::CREATED
    );

    let demand = |query: String| {
        app.client
            .get(app.url(&format!("/api/v1/training-demand{query}")))
            .bearer_auth(&tokens[6])
            .send()
    };
    let seen: Value = demand(format!("?territory={}", territory.0))
        .await?
        .json()
        .await?;
    assert_eq!(
        seen["items"],
        json!([
            {"theme": "conduire un débat réglé", "count": 5},
            {"theme": "autres", "count": null}
        ])
    );
    assert_eq!(
        demand("?period=2015-2016".to_owned())
            .await?
            .json::<Value>()
            .await?["items"],
        json!([])
    );
    assert_eq!(
        demand("?period=hier".to_owned()).await?.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        demand("?territory=9999".to_owned()).await?.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.client
            .get(app.url("/api/v1/training-demand"))
            .send()
            .await?
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // One's own needs: listed, and withdrawn by oneself only.
    let mine: Value = app
        .client
        .get(&url)
        .bearer_auth(&tokens[5])
        .send()
        .await?
        .json()
        .await?;
    let id = mine[0]["id"].as_i64().unwrap_or_default();
    let withdraw = |token: &str| {
        app.client
            .delete(app.url(&format!("/api/v1/training-needs/{id}")))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(withdraw(&tokens[0]).await?.status(), StatusCode::NOT_FOUND);
    assert_eq!(withdraw(&tokens[5]).await?.status(), StatusCode::NO_CONTENT);
    let seen: Value = demand(format!("?territory={}", territory.0))
        .await?
        .json()
        .await?;
    assert_eq!(seen["items"].as_array().map(Vec::len), Some(1));
    Ok(())
}
