//! Invitations into spaces and sign-up, through HTTP: single-use links that expire, invited
//! accounts that end, sign-up that a platform can switch off.

use domain::accounts::Function;
use domain::ids::{PersonId, SpaceId};
use domain::spaces::{SpaceContent, SpaceInput};
use reqwest::StatusCode;
use testkit::{TestApp, client, execute, location, text};
use web::WebSettings;

const PASSWORD: &str = "une phrase de passe solide";

async fn space(app: &TestApp, owner: PersonId, name: &str) -> anyhow::Result<SpaceId> {
    let content = SpaceContent::parse(
        &SpaceInput {
            name: name.into(),
            visibility: "members".into(),
            ..SpaceInput::default()
        },
        false,
    )?;
    Ok(store::spaces::create(&app.db, &content, None, owner, 1 << 30).await?)
}

/// The link of the newest mail to `to`.
fn link_mailed_to(app: &TestApp, to: &str) -> anyhow::Result<String> {
    let mail = app.newest_mail_to(to)?;
    let start = mail
        .find("/invitation/")
        .ok_or_else(|| anyhow::anyhow!("no link in {mail}"))?;
    Ok(mail[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned())
}

async fn signed_in(app: &TestApp, email: &str) -> anyhow::Result<reqwest::Client> {
    let browser = client()?;
    assert_eq!(location(&app.login(&browser, email, PASSWORD).await?), "/");
    Ok(browser)
}

#[tokio::test]
async fn a_partner_is_invited_into_spaces_once_and_until_a_date() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let owner = app
        .create_person(
            "coordo@ac-lille.fr",
            Function::ChargeDeMission,
            PASSWORD,
            false,
        )
        .await?;
    let other = app
        .create_person("autre@ac-lille.fr", Function::Cpc, PASSWORD, false)
        .await?;
    let ours = space(&app, owner, "Cité éducative d'Arras").await?;
    let theirs = space(&app, other, "Espace d'un autre").await?;
    let coordo = signed_in(&app, "coordo@ac-lille.fr").await?;

    let page = text(coordo.get(app.url("/invitations")).send().await?).await?;
    assert!(
        page.contains("Cité éducative d'Arras") && !page.contains("Espace d'un autre"),
        "only the spaces they own"
    );

    // Refused, with the input kept: another's space, a hierarchical function, a date too far.
    for (fields, words) in [
        (
            vec![("espace", theirs.0.to_string())],
            "dont vous êtes responsable",
        ),
        (
            vec![
                ("espace", ours.0.to_string()),
                ("function", "ien".to_owned()),
            ],
            "partenaire, étudiant MEEF ou chercheur",
        ),
        (
            vec![
                ("espace", ours.0.to_string()),
                ("fin", "2099-01-01".to_owned()),
            ],
            "au plus trois ans",
        ),
        (vec![], "au moins un espace"),
    ] {
        let mut form = vec![
            ("name", "Léa Partenaire".to_owned()),
            ("email", "lea@mediatheque-arras.fr".to_owned()),
        ];
        if !fields.iter().any(|(k, _)| *k == "function") {
            form.push(("function", "partenaire".to_owned()));
        }
        form.extend(fields.into_iter());
        let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = app
            .submit(&coordo, "/invitations", "/invitations", &borrowed)
            .await?;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{words}");
        let page = text(refused).await?;
        assert!(page.contains(words), "{words}: {page}");
        assert!(
            page.contains("lea@mediatheque-arras.fr"),
            "the input is kept"
        );
    }
    assert!(
        std::fs::read_dir(app.outbox())
            .map(|d| d.count())
            .unwrap_or(0)
            == 0,
        "nothing sent"
    );

    let end = (time::OffsetDateTime::now_utc().date() + time::Duration::days(200)).to_string();
    let sent = app
        .submit(
            &coordo,
            "/invitations",
            "/invitations",
            &[
                ("name", "Léa Partenaire"),
                ("email", "lea@mediatheque-arras.fr"),
                ("function", "partenaire"),
                ("fin", &end),
                ("espace", &ours.0.to_string()),
            ],
        )
        .await?;
    assert_eq!(sent.status(), StatusCode::OK);
    let page = text(sent).await?;
    assert!(
        page.contains("Invitation envoyée à lea@mediatheque-arras.fr")
            && page.contains("En attente")
    );
    let link = link_mailed_to(&app, "lea@mediatheque-arras.fr")?;
    let path = link.trim_start_matches(&app.url(""));

    let lea = client()?;
    let welcome = text(lea.get(app.url(path)).send().await?).await?;
    assert!(
        welcome.contains("Cité éducative d'Arras") && welcome.contains("restera ouvert jusqu'au")
    );
    let short = app
        .submit(
            &lea,
            path,
            path,
            &[("password", "court"), ("confirmation", "court")],
        )
        .await?;
    assert_eq!(short.status(), StatusCode::BAD_REQUEST);
    let created = app
        .submit(
            &lea,
            path,
            path,
            &[("password", PASSWORD), ("confirmation", PASSWORD)],
        )
        .await?;
    assert_eq!(location(&created), "/compte", "signed in at once");
    let me: serde_json::Value = lea.get(app.url("/api/v1/me")).send().await?.json().await?;
    assert_eq!(me["function"], "partenaire");
    let lea_id = PersonId(me["id"].as_i64().unwrap_or_default());
    let members = store::spaces::members(&app.db, ours).await?;
    assert!(
        members
            .iter()
            .any(|m| m.person_id == lea_id.0 && m.role == "member"),
        "a member of the chosen space"
    );
    assert!(
        store::spaces::members(&app.db, theirs)
            .await?
            .iter()
            .all(|m| m.person_id != lea_id.0)
    );
    let person = store::accounts::person(&app.db, lea_id).await?;
    let expected_end =
        time::Date::parse(&end, &time::format_description::well_known::Iso8601::DATE)?
            .midnight()
            .assume_utc()
            .unix_timestamp()
            + 24 * 3600;
    assert_eq!(
        person.ends_at,
        Some(expected_end),
        "the account ends after the chosen day"
    );

    // The link works once.
    let again = client()?;
    let reused = again.get(app.url(path)).send().await?;
    assert_eq!(reused.status(), StatusCode::GONE);
    assert!(text(reused).await?.contains("déjà servi"));
    let reused = app
        .submit(
            &again,
            "/connexion",
            path,
            &[("password", PASSWORD), ("confirmation", PASSWORD)],
        )
        .await?;
    assert_eq!(reused.status(), StatusCode::GONE);
    assert!(
        text(coordo.get(app.url("/invitations")).send().await?)
            .await?
            .contains("Acceptée le")
    );

    // Past its end date, the account signs in no more.
    execute(
        &app.db,
        &format!(
            "UPDATE people SET ends_at = {} WHERE id = {}",
            store::now() - 1,
            lea_id.0
        ),
    )
    .await?;
    assert_eq!(
        lea.get(app.url("/compte")).send().await?.status(),
        StatusCode::SEE_OTHER,
        "its session ended"
    );
    let refused = app
        .login(&client()?, "lea@mediatheque-arras.fr", PASSWORD)
        .await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let trail = testkit::audit_trail(&app.db).await?;
    assert!(trail.iter().any(|(a, _)| a == "invitation-sent"));
    assert!(trail.contains(&(
        "invitation-accepted".to_owned(),
        format!("personne:{}", lea_id.0)
    )));
    Ok(())
}

#[tokio::test]
async fn an_expired_link_opens_nothing() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let owner = app
        .create_person(
            "coordo@ac-lille.fr",
            Function::ChargeDeMission,
            PASSWORD,
            false,
        )
        .await?;
    let ours = space(&app, owner, "Réseau des médiathèques").await?;
    let coordo = signed_in(&app, "coordo@ac-lille.fr").await?;
    app.submit(
        &coordo,
        "/invitations",
        "/invitations",
        &[
            ("name", "Paul Étudiant"),
            ("email", "paul@etu.univ-lille.fr"),
            ("function", "etudiant-meef"),
            ("espace", &ours.0.to_string()),
        ],
    )
    .await?;
    let link = link_mailed_to(&app, "paul@etu.univ-lille.fr")?;
    let path = link.trim_start_matches(&app.url("")).to_owned();
    execute(
        &app.db,
        &format!("UPDATE invitations SET expires_at = {}", store::now() - 1),
    )
    .await?;
    let paul = client()?;
    let page = paul.get(app.url(&path)).send().await?;
    assert_eq!(page.status(), StatusCode::GONE);
    assert!(text(page).await?.contains("a expiré"));
    let refused = app
        .submit(
            &paul,
            "/connexion",
            &path,
            &[("password", PASSWORD), ("confirmation", PASSWORD)],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::GONE);
    assert_eq!(
        store::accounts::count_people(&app.db).await?,
        1,
        "no account"
    );
    let unknown = paul.get(app.url("/invitation/inconnue")).send().await?;
    assert_eq!(unknown.status(), StatusCode::GONE);
    Ok(())
}

#[tokio::test]
async fn sign_up_by_mail_and_a_platform_that_switches_it_off() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.create_person("deja@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    let visitor = client()?;
    assert!(
        text(visitor.get(app.url("/connexion")).send().await?)
            .await?
            .contains("Créer un compte")
    );
    let form = text(visitor.get(app.url("/inscription")).send().await?).await?;
    assert!(
        form.contains("Professeur des écoles") && !form.contains("value=\"ien\""),
        "no hierarchical function"
    );

    let refused = app
        .submit(
            &visitor,
            "/inscription",
            "/inscription",
            &[
                ("name", "Zoé"),
                ("email", "zoe@ac-lille.fr"),
                ("function", "ien"),
            ],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(text(refused).await?.contains("Choisissez votre fonction"));

    let sent = app
        .submit(
            &visitor,
            "/inscription",
            "/inscription",
            &[
                ("name", "Zoé Martin"),
                ("email", "zoe@ac-lille.fr"),
                ("function", "enseignant-2d"),
            ],
        )
        .await?;
    assert!(text(sent).await?.contains("Vérifiez votre messagerie"));
    let link = link_mailed_to(&app, "zoe@ac-lille.fr")?;
    let path = link.trim_start_matches(&app.url("")).to_owned();
    let created = app
        .submit(
            &visitor,
            &path,
            &path,
            &[("password", PASSWORD), ("confirmation", PASSWORD)],
        )
        .await?;
    assert_eq!(location(&created), "/compte");
    let zoe = store::accounts::search_people(&app.db, "zoe@", 1).await?;
    assert_eq!(zoe[0].function, "enseignant-2d");
    assert_eq!(zoe[0].ends_at, None, "a signed-up account has no end");

    // An address that has an account: the page says the same, the mail says why.
    let sent = app
        .submit(
            &client()?,
            "/inscription",
            "/inscription",
            &[
                ("name", "Déjà Là"),
                ("email", "deja@ac-lille.fr"),
                ("function", "enseignant-1d"),
            ],
        )
        .await?;
    assert!(text(sent).await?.contains("Vérifiez votre messagerie"));
    assert!(
        link_mailed_to(&app, "deja@ac-lille.fr").is_err(),
        "no link for an existing account"
    );

    let closed = TestApp::spawn_with(WebSettings {
        local_signup: false,
        ..WebSettings::default()
    })
    .await?;
    let visitor = client()?;
    assert!(
        !text(visitor.get(closed.url("/connexion")).send().await?)
            .await?
            .contains("Créer un compte")
    );
    let page = visitor.get(closed.url("/inscription")).send().await?;
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert!(text(page).await?.contains("Inscription fermée"));
    let refused = closed
        .submit(
            &visitor,
            "/connexion",
            "/inscription",
            &[
                ("name", "Zoé Martin"),
                ("email", "zoe@ac-lille.fr"),
                ("function", "enseignant-2d"),
            ],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(
        std::fs::read_dir(closed.outbox())
            .map(|d| d.count())
            .unwrap_or(0)
            == 0,
        "no mail"
    );
    Ok(())
}
