//! Observatories and peer visits through HTTP (JSON API and pages), on SQLite and (with
//! `TERRITOIRE_TEST_POSTGRES`) PostgreSQL: a request, its binôme, its date, its observation and
//! its analysis — and the confidentiality matrix: a visit is seen by its binôme, its observed
//! teachers and the referent only; never by a hierarchical superior of an observed teacher,
//! even when that person pilots the observatory and administers the platform.

use domain::accounts::{Email, Function, PersonName, password};
use domain::directory::Uai;
use domain::ids::PersonId;
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::accounts::NewPerson;
use testkit::{TestApp, client, location, sample_annuaire, text};

const PASSWORD: &str = "une phrase de passe";

struct Someone {
    id: PersonId,
    email: String,
    token: String,
}

async fn someone(
    app: &TestApp,
    name: &str,
    function: Function,
    uai: Option<&str>,
    circonscription: Option<&str>,
    admin: bool,
) -> anyhow::Result<Someone> {
    let email = format!("{}@ac-lille.fr", name.to_lowercase().replace(' ', "."));
    let new = NewPerson {
        email: Email::parse(&email)?,
        name: PersonName::parse(name)?,
        function,
        password_hash: Some(password::hash(PASSWORD).map_err(|e| anyhow::anyhow!(e))?),
        admin,
        establishments: uai.map(Uai::parse).transpose()?.into_iter().collect(),
        circonscription: circonscription.map(str::to_owned),
        academie: None,
        subjects: vec![],
        levels: vec!["CE1".to_owned()],
    };
    let id = store::accounts::create_person(&app.db, &new).await?;
    let token = store::accounts::create_api_token(&app.db, id).await?;
    Ok(Someone { id, email, token })
}

/// The cast: an IEN who pilots the observatory and administers the platform (the superior of
/// the observed teacher), a referent, the observed teacher and a colleague of her école,
/// three observers, and someone with no part.
struct Cast {
    ien: Someone,
    referent: Someone,
    observed: Someone,
    colleague: Someone,
    observers: [Someone; 3],
    outsider: Someone,
}

async fn cast(app: &TestApp) -> anyhow::Result<Cast> {
    app.import(&sample_annuaire()).await?;
    Ok(Cast {
        ien: someone(
            app,
            "Inès Inspectrice",
            Function::Ien,
            None,
            Some("0629001X"),
            true,
        )
        .await?,
        referent: someone(
            app,
            "Rémi Référent",
            Function::Enseignant2d,
            Some("0620100X"),
            None,
            false,
        )
        .await?,
        observed: someone(
            app,
            "Olga Observée",
            Function::Enseignant1d,
            Some("0620001P"),
            None,
            false,
        )
        .await?,
        colleague: someone(
            app,
            "Carl Collègue",
            Function::Enseignant1d,
            Some("0620001P"),
            None,
            false,
        )
        .await?,
        observers: [
            someone(
                app,
                "Anne Observatrice",
                Function::Enseignant2d,
                Some("0620100X"),
                None,
                false,
            )
            .await?,
            someone(
                app,
                "Bruno Observateur",
                Function::Cpe,
                Some("0620101Y"),
                None,
                false,
            )
            .await?,
            someone(
                app,
                "Chloé Observatrice",
                Function::Enseignant1d,
                Some("0620002R"),
                None,
                false,
            )
            .await?,
        ],
        outsider: someone(
            app,
            "Xavier Extérieur",
            Function::Enseignant2d,
            Some("0620101Y"),
            None,
            false,
        )
        .await?,
    })
}

async fn api(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> anyhow::Result<(StatusCode, Value)> {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await?;
    let status = answer.status();
    let text = answer.text().await?;
    Ok((
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    ))
}

use reqwest::Method;

/// Creates the observatory and one pending request of the observed teacher; answers their ids.
async fn observatory_with_request(app: &TestApp, c: &Cast) -> anyhow::Result<(i64, i64)> {
    let admin = &c.ien;
    let (status, observatory) = api(
        app,
        Method::POST,
        "/api/v1/observatories",
        &admin.token,
        Some(json!({
            "name": "Observatoire de l'oral",
            "theme": "L'oral au cycle 2",
            "pilot_ids": [c.ien.id.0],
            "referent_ids": [c.referent.id.0],
            "observer_ids": [c.observers[0].id.0, c.observers[1].id.0, c.observers[2].id.0, c.ien.id.0, c.colleague.id.0],
        })),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{observatory}");
    let observatory = observatory["id"].as_i64().unwrap_or_default();
    let (status, request) = api(
        app,
        Method::POST,
        "/api/v1/visit-requests",
        &c.observed.token,
        Some(json!({
            "observatory_id": observatory,
            "uai": "0620001P",
            "teacher_ids": [c.observed.id.0],
            "focus": "La reformulation des consignes à l'oral",
            "periods": [{"from": "2027-01-11", "to": "2027-01-22"}],
        })),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{request}");
    assert_eq!(request["state"], "pending");
    Ok((observatory, request["id"].as_i64().unwrap_or_default()))
}

#[tokio::test]
async fn a_visit_goes_from_request_to_closed_analysis_through_the_api() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let c = cast(&app).await?;
    let (observatory, request) = observatory_with_request(&app, &c).await?;

    // Only administrators create observatories; a pilot and a referent are required.
    let (status, _) = api(&app, Method::POST, "/api/v1/observatories", &c.outsider.token,
        Some(json!({"name": "Un autre", "theme": "Le numérique", "pilot_ids": [c.ien.id.0], "referent_ids": [c.referent.id.0]}))).await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = api(&app, Method::POST, "/api/v1/observatories", &c.ien.token,
        Some(json!({"name": "Un autre", "theme": "Le numérique", "pilot_ids": [], "referent_ids": [c.referent.id.0]}))).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("pilote"),
        "{body}"
    );

    // Bad requests are refused with their reason, and nothing is recorded.
    for (body, expected) in [
        (
            json!({"observatory_id": observatory, "uai": "0620001P", "teacher_ids": [c.outsider.id.0], "focus": "La reformulation des consignes", "periods": [{"from": "2027-01-11", "to": "2027-01-22"}]}),
            "ne travaille pas",
        ),
        (
            json!({"observatory_id": observatory, "uai": "0620001P", "teacher_ids": [c.observed.id.0], "focus": "La reformulation des consignes", "periods": []}),
            "période",
        ),
        (
            json!({"observatory_id": observatory, "uai": "0620001P", "teacher_ids": [c.observed.id.0], "focus": "La reformulation des consignes", "periods": [{"from": "2027-01-22", "to": "2027-01-11"}]}),
            "après son début",
        ),
        (
            json!({"observatory_id": observatory, "uai": "0620001P", "teacher_ids": [c.observed.id.0], "focus": "court", "periods": [{"from": "2027-01-11", "to": "2027-01-22"}]}),
            "problématique",
        ),
        (
            json!({"observatory_id": observatory, "uai": "0620100X", "teacher_ids": [c.referent.id.0], "focus": "La reformulation des consignes", "periods": [{"from": "2027-01-11", "to": "2027-01-22"}]}),
            "seul le personnel",
        ),
    ] {
        let (status, answer) = api(
            &app,
            Method::POST,
            "/api/v1/visit-requests",
            &c.observed.token,
            Some(body),
        )
        .await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert!(
            answer["message"]
                .as_str()
                .unwrap_or_default()
                .to_lowercase()
                .contains(expected),
            "{answer}"
        );
    }
    let (status, _) = api(&app, Method::POST, "/api/v1/visit-requests", &c.observed.token,
        Some(json!({"observatory_id": 99_999, "uai": "0620001P", "teacher_ids": [c.observed.id.0], "focus": "La reformulation des consignes", "periods": [{"from": "2027-01-11", "to": "2027-01-22"}]}))).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Only the referent runs the assignment — not the pilot, even an administrator.
    let path = format!("/api/v1/observatories/{observatory}/assignments");
    let (status, _) = api(&app, Method::POST, &path, &c.ien.token, None).await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, assignment) = api(&app, Method::POST, &path, &c.referent.token, None).await?;
    assert_eq!(status, StatusCode::OK, "{assignment}");
    assert_eq!(assignment["unassigned"], json!([]));
    let proposed = &assignment["visits"][0];
    assert_eq!(proposed["request_id"], request);
    let binome: Vec<i64> = proposed["observer_ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_i64)
        .collect();
    assert_eq!(binome.len(), 2);
    // Never the IEN (hierarchy), the colleague (same école) nor the observed teacher.
    for excluded in [&c.ien, &c.colleague, &c.observed] {
        assert!(!binome.contains(&excluded.id.0), "{assignment}");
    }
    assert!(
        proposed["reasons"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "{assignment}"
    );
    let visit = proposed["id"].as_i64().unwrap_or_default();
    let observer = c
        .observers
        .iter()
        .find(|o| binome.contains(&o.id.0))
        .ok_or_else(|| anyhow::anyhow!("no observer"))?;
    let spare = c
        .observers
        .iter()
        .find(|o| !binome.contains(&o.id.0))
        .ok_or_else(|| anyhow::anyhow!("no spare"))?;

    // The confidentiality matrix of the API.
    let visit_path = format!("/api/v1/visits/{visit}");
    for (who, expected) in [
        (
            &c.observers[0],
            if binome.contains(&c.observers[0].id.0) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            },
        ),
        (&c.observed, StatusCode::OK),
        (&c.referent, StatusCode::OK),
        (&c.ien, StatusCode::NOT_FOUND),
        (&c.colleague, StatusCode::NOT_FOUND),
        (&c.outsider, StatusCode::NOT_FOUND),
    ] {
        for path in [
            visit_path.clone(),
            format!("{visit_path}/observation"),
            format!("{visit_path}/analysis"),
            format!("/api/v1/visit-requests/{request}"),
        ] {
            let (status, _) = api(&app, Method::GET, &path, &who.token, None).await?;
            assert_eq!(status, expected, "{} {path}", who.email);
        }
    }
    let anonymous = app.client.get(app.url(&visit_path)).send().await?;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // The referent swaps an observer, within the hard rules only.
    let out = binome[0];
    for (replacement, refusal) in [
        (&c.colleague, "travaille dans l'établissement observé"),
        (&c.ien, "lien hiérarchique"),
    ] {
        let (status, body) = api(
            &app,
            Method::PATCH,
            &visit_path,
            &c.referent.token,
            Some(json!({"out": out, "replacement": replacement.id.0})),
        )
        .await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or_default()
                .contains(refusal),
            "{body}"
        );
    }
    let (status, _) = api(
        &app,
        Method::PATCH,
        &visit_path,
        &observer.token,
        Some(json!({"out": out, "replacement": spare.id.0})),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = api(
        &app,
        Method::PATCH,
        &visit_path,
        &c.referent.token,
        Some(json!({"out": out, "replacement": spare.id.0})),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let binome: Vec<i64> = body["observers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["id"].as_i64())
        .collect();
    assert!(binome.contains(&spare.id.0) && !binome.contains(&out));
    let observer = c
        .observers
        .iter()
        .find(|o| binome.contains(&o.id.0))
        .ok_or_else(|| anyhow::anyhow!("no observer"))?;

    // The date: the referent sets it; everyone in the visit gets an invitation by mail.
    let (status, _) = api(&app, Method::PATCH, &visit_path, &observer.token,
        Some(json!({"starts_at": "2027-01-14T09:30:00+01:00", "ends_at": "2027-01-14T11:30:00+01:00"}))).await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = api(&app, Method::PATCH, &visit_path, &c.referent.token,
        Some(json!({"starts_at": "2027-01-14T11:30:00+01:00", "ends_at": "2027-01-14T09:30:00+01:00"}))).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = api(&app, Method::PATCH, &visit_path, &c.referent.token,
        Some(json!({"starts_at": "2027-01-14T09:30:00+01:00", "ends_at": "2027-01-14T11:30:00+01:00"}))).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "scheduled");
    assert_eq!(body["starts_at"], "2027-01-14T08:30:00Z");
    let mails = wait_for_mails(&app, 3).await?;
    let invitation = mails
        .iter()
        .find(|m| m.contains(&c.observed.email))
        .ok_or_else(|| anyhow::anyhow!("no invitation for the observed teacher"))?;
    assert!(invitation.contains("method=REQUEST"), "{invitation}");
    assert!(
        invitation.contains("BEGIN:VCALENDAR") || invitation.contains("QkVHSU46VkNBTEVOREFS"),
        "{invitation}"
    );
    assert!(!mails.iter().any(|m| m.contains(&c.ien.email)));

    // The observation: the binôme's, saved as typed; no score anywhere. Not before the day.
    let observation = format!("{visit_path}/observation");
    let early = json!({"items": [{"category": "geste", "text": "Trop tôt", "at": 1}], "notes": ""});
    let (status, body) = api(
        &app,
        Method::PUT,
        &observation,
        &observer.token,
        Some(early),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("s'ouvre le jour de la visite, le 14 janvier 2027")),
        "{body}"
    );
    // The day comes (the visit's date moved to this morning in the database, as time would).
    the_day_comes(&app, visit).await?;
    let items = json!({"items": [
        {"category": "geste", "text": "Reformule la consigne avec les mots des élèves", "at": 5},
        {"category": "outil", "text": "Ardoises", "at": null},
    ], "notes": "Séance en demi-groupe."});
    let (status, _) = api(
        &app,
        Method::PUT,
        &observation,
        &c.observed.token,
        Some(items.clone()),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, saved) = api(
        &app,
        Method::PUT,
        &observation,
        &observer.token,
        Some(items),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (status, body) = api(
        &app,
        Method::PUT,
        &observation,
        &observer.token,
        Some(json!({"items": [{"category": "note", "text": "8/10"}], "notes": ""})),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (_, read) = api(&app, Method::GET, &observation, &c.observed.token, None).await?;
    assert_eq!(
        read["items"][0]["text"],
        "Reformule la consigne avec les mots des élèves"
    );
    assert_eq!(read["items"][0]["at"], 5);
    assert_eq!(read["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(read["notes"], "Séance en demi-groupe.");

    // The analysis, written together, closes when both sides agree to the same text.
    let analysis = format!("{visit_path}/analysis");
    let (status, _) = api(
        &app,
        Method::PUT,
        &analysis,
        &observer.token,
        Some(json!({"body": "Premier jet."})),
    )
    .await?;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the class is not observed yet"
    );
    let (status, body) = api(
        &app,
        Method::PATCH,
        &visit_path,
        &observer.token,
        Some(json!({"event": "observe"})),
    )
    .await?;
    assert_eq!(
        (status, body["state"].clone()),
        (StatusCode::OK, json!("observed"))
    );
    let (_, body) = api(
        &app,
        Method::PUT,
        &analysis,
        &observer.token,
        Some(json!({"body": "Premier jet.", "agree": true})),
    )
    .await?;
    assert_eq!(body["state"], "analysis");
    assert!(body["observers_agreed_at"].is_string(), "{body}");
    let (_, body) = api(
        &app,
        Method::PUT,
        &analysis,
        &c.observed.token,
        Some(json!({"body": "Premier jet, complété ensemble."})),
    )
    .await?;
    assert!(
        body["observers_agreed_at"].is_null(),
        "a changed text asks both sides again: {body}"
    );
    let (_, body) = api(
        &app,
        Method::PUT,
        &analysis,
        &c.observed.token,
        Some(json!({"body": "Premier jet, complété ensemble.", "agree": true})),
    )
    .await?;
    assert_eq!(body["state"], "analysis");
    let (status, _) = api(
        &app,
        Method::PUT,
        &analysis,
        &c.referent.token,
        Some(json!({"body": "x", "agree": true})),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, body) = api(
        &app,
        Method::PUT,
        &analysis,
        &observer.token,
        Some(json!({"body": "Premier jet, complété ensemble.", "agree": true})),
    )
    .await?;
    assert_eq!(body["state"], "closed", "{body}");
    let (status, _) = api(
        &app,
        Method::PUT,
        &analysis,
        &observer.token,
        Some(json!({"body": "Encore ?"})),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Outcomes: a training need; the pilot's figures count it, without names.
    let (status, _) = api(
        &app,
        Method::POST,
        &format!("{visit_path}/training-needs"),
        &observer.token,
        Some(json!({"theme": "Enseigner l'oral", "public": "premier-degre", "level": "Cycle 2"})),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = api(
        &app,
        Method::POST,
        &format!("{visit_path}/training-needs"),
        &observer.token,
        Some(json!({"theme": "Enseigner l'oral", "public": "tous"})),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let figures_path = format!("/api/v1/observatories/{observatory}/figures");
    let (status, figures) = api(&app, Method::GET, &figures_path, &c.ien.token, None).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(figures["visits"]["closed"], 1);
    assert_eq!(figures["needs"]["Enseigner l'oral"], 1);
    let text = figures.to_string();
    assert!(
        !text.contains("Olga") && !text.contains("reformulation") && !text.contains("Jaurès"),
        "{text}"
    );
    let (status, _) = api(&app, Method::GET, &figures_path, &c.outsider.token, None).await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "figures are for pilots");
    Ok(())
}

#[tokio::test]
async fn participants_are_reminded_by_mail_once_before_the_visit() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let c = cast(&app).await?;
    let (observatory, _) = observatory_with_request(&app, &c).await?;
    let (_, assignment) = api(
        &app,
        Method::POST,
        &format!("/api/v1/observatories/{observatory}/assignments"),
        &c.referent.token,
        None,
    )
    .await?;
    let visit = assignment["visits"][0]["id"].as_i64().unwrap_or_default();
    let rfc3339 = |t: i64| {
        time::OffsetDateTime::from_unix_timestamp(t)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default()
    };
    // Nothing is due while the visit is in two weeks.
    let in_two_weeks = store::now() + 14 * 86_400;
    let (status, _) = api(
        &app,
        Method::PATCH,
        &format!("/api/v1/visits/{visit}"),
        &c.referent.token,
        Some(json!({"starts_at": rfc3339(in_two_weeks), "ends_at": rfc3339(in_two_weeks + 3_600)})),
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    let invitations = wait_for_mails(&app, 3).await?.len();
    assert_eq!(web::remind_visits(&app.state).await?, 0);
    // Nor while it is the day after tomorrow: the reminder comes the day before.
    let after_tomorrow = store::now() + 2 * 86_400 + 3_600;
    let (status, _) = api(
        &app,
        Method::PATCH,
        &format!("/api/v1/visits/{visit}"),
        &c.referent.token,
        Some(json!({"starts_at": rfc3339(after_tomorrow), "ends_at": rfc3339(after_tomorrow + 3_600)})),
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    let invitations = wait_for_mails(&app, invitations + 3).await?.len();
    assert_eq!(web::remind_visits(&app.state).await?, 0);
    // Tomorrow: each participant is reminded, once.
    let tomorrow = store::now() + 86_400;
    let (status, _) = api(
        &app,
        Method::PATCH,
        &format!("/api/v1/visits/{visit}"),
        &c.referent.token,
        Some(json!({"starts_at": rfc3339(tomorrow), "ends_at": rfc3339(tomorrow + 3_600)})),
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    wait_for_mails(&app, invitations + 3).await?;
    std::fs::remove_dir_all(app.outbox())?;
    std::fs::create_dir_all(app.outbox())?;
    assert_eq!(web::remind_visits(&app.state).await?, 1);
    let reminders = wait_for_mails(&app, 3).await?;
    assert_eq!(reminders.len(), 3, "the binôme and the observed teacher");
    assert!(
        reminders
            .iter()
            .all(|m| m.contains("BEGIN:VCALENDAR") || m.contains("text/calendar"))
    );
    assert!(reminders.iter().any(|m| m.contains(&c.observed.email)));
    assert!(!reminders.iter().any(|m| m.contains(&c.ien.email)));
    assert_eq!(web::remind_visits(&app.state).await?, 0, "once");
    Ok(())
}

/// The `.eml` files of the outbox, once there are at least `count`.
async fn wait_for_mails(app: &TestApp, count: usize) -> anyhow::Result<Vec<String>> {
    for _ in 0..100 {
        let mails: Vec<String> = std::fs::read_dir(app.outbox())
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                    .collect()
            })
            .unwrap_or_default();
        if mails.len() >= count {
            return Ok(mails);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    anyhow::bail!("fewer than {count} mails in the outbox")
}

#[tokio::test]
async fn a_superior_of_the_observed_sees_nothing_on_pages_feeds_and_exports() -> anyhow::Result<()>
{
    let app = TestApp::spawn().await?;
    let c = cast(&app).await?;
    let (observatory, request) = observatory_with_request(&app, &c).await?;
    let (_, assignment) = api(
        &app,
        Method::POST,
        &format!("/api/v1/observatories/{observatory}/assignments"),
        &c.referent.token,
        None,
    )
    .await?;
    let visit = assignment["visits"][0]["id"].as_i64().unwrap_or_default();
    let (status, _) = api(&app, Method::PATCH, &format!("/api/v1/visits/{visit}"), &c.referent.token,
        Some(json!({"starts_at": "2027-01-14T09:30:00+01:00", "ends_at": "2027-01-14T11:30:00+01:00"}))).await?;
    assert_eq!(status, StatusCode::OK);

    let pages = [
        format!("/visites/{visit}"),
        format!("/visites/{visit}/observation"),
        format!("/visites/{visit}/invitation.ics"),
        format!("/demandes/{request}"),
    ];
    let focus = "reformulation des consignes";
    // Those with a part read every page.
    for who in [&c.observed, &c.referent] {
        let browser = client()?;
        assert!(
            app.login(&browser, &who.email, PASSWORD)
                .await?
                .status()
                .is_redirection()
        );
        for page in &pages {
            let answer = browser.get(app.url(page)).send().await?;
            assert_eq!(answer.status(), StatusCode::OK, "{} {page}", who.email);
        }
        let mine = browser
            .get(app.url("/visites"))
            .send()
            .await
            .map(text)?
            .await?;
        assert!(mine.contains(focus), "{}", who.email);
    }
    // The IEN — pilot and administrator, and the observed teacher's superior — sees none of
    // it: not the pages, not their list, not their calendar feed, not the figures' export.
    let ien = client()?;
    assert!(
        app.login(&ien, &c.ien.email, PASSWORD)
            .await?
            .status()
            .is_redirection()
    );
    for page in &pages {
        let answer = ien.get(app.url(page)).send().await?;
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{page}");
        assert!(!text(answer).await?.contains(focus));
    }
    let mine = ien.get(app.url("/visites")).send().await.map(text)?.await?;
    assert!(!mine.contains(focus) && !mine.contains("Jean Jaurès"));
    let observatory_page = ien
        .get(app.url(&format!("/observatoires/{observatory}")))
        .send()
        .await
        .map(text)?
        .await?;
    assert!(observatory_page.contains("Chiffres de l'observatoire"));
    assert!(!observatory_page.contains(focus) && !observatory_page.contains("Jean Jaurès"));
    let csv = ien
        .get(app.url(&format!("/observatoires/{observatory}/chiffres.csv")))
        .send()
        .await?;
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await?;
    assert!(csv.contains("visites : Date fixée;1"), "{csv}");
    assert!(!csv.contains("Olga") && !csv.contains("Jaurès") && !csv.contains(focus));
    let search = ien
        .get(app.url("/api/v1/search?q=reformulation"))
        .send()
        .await
        .map(text)?
        .await?;
    assert!(!search.contains(focus), "{search}");

    // Calendar feeds: the observed teacher's has the visit; the IEN's has nothing of it.
    for (who, expected) in [(&c.observed, true), (&c.ien, false)] {
        let token = store::observatories::visits::renew_calendar_feed(&app.db, who.id).await?;
        let feed = app
            .client
            .get(app.url(&format!("/calendrier/{token}.ics")))
            .send()
            .await?;
        assert_eq!(feed.status(), StatusCode::OK);
        let feed = feed.text().await?;
        assert!(feed.starts_with("BEGIN:VCALENDAR"));
        assert_eq!(feed.contains("Jean Jaurès"), expected, "{}", who.email);
    }
    let wrong = app
        .client
        .get(app.url("/calendrier/0000.ics"))
        .send()
        .await?;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn pages_take_a_request_to_a_closed_analysis() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let c = cast(&app).await?;
    let admin = client()?;
    assert!(
        app.login(&admin, &c.ien.email, PASSWORD)
            .await?
            .status()
            .is_redirection()
    );
    // Creating an observatory: an unknown address is said, and the form keeps what was typed.
    let fields = [
        ("name", "Observatoire des sciences"),
        ("theme", "La démarche d'investigation"),
        ("pilots", c.ien.email.as_str()),
        ("referents", "personne@ac-lille.fr"),
        ("observers", ""),
    ];
    let refused = app
        .submit(&admin, "/observatoires", "/observatoires", &fields)
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let page = text(refused).await?;
    assert!(
        page.contains("Référents : aucun compte n'a l'adresse personne@ac-lille.fr"),
        "{page}"
    );
    assert!(page.contains("value=\"La démarche d'investigation\""));
    let mut fields = fields;
    fields[3].1 = c.referent.email.as_str();
    let created = app
        .submit(&admin, "/observatoires", "/observatoires", &fields)
        .await?;
    let target = location(&created);
    assert!(target.starts_with("/observatoires/"), "{target}");
    let observatory = target.trim_start_matches("/observatoires/").to_owned();

    // Observers volunteer from the observatory's page.
    for o in &c.observers {
        let browser = client()?;
        app.login(&browser, &o.email, PASSWORD).await?;
        let answer = app
            .submit(
                &browser,
                &target,
                &format!("{target}/observateur"),
                &[("max_visits", "3"), ("themes", "sciences")],
            )
            .await?;
        assert_eq!(answer.status(), StatusCode::OK);
        assert!(text(answer).await?.contains("Merci"));
    }

    // The observed teacher asks for a visit for herself and her colleague, who must consent.
    let teacher = client()?;
    app.login(&teacher, &c.observed.email, PASSWORD).await?;
    let form = format!("/observatoires/{observatory}/demandes/nouvelle");
    let page = teacher.get(app.url(&form)).send().await.map(text)?.await?;
    assert!(
        page.contains("Carl Collègue"),
        "the form lists the staff of her école"
    );
    let observed = c.observed.id.0.to_string();
    let colleague = c.colleague.id.0.to_string();
    let request = [
        ("uai", "0620001P"),
        ("teachers", observed.as_str()),
        ("teachers", colleague.as_str()),
        ("focus", "Les sciences par l'investigation en CE1"),
        ("constraints", ""),
        ("from", "2027-02-01"),
        ("to", "2027-02-12"),
        ("from", ""),
        ("to", ""),
    ];
    let bad = [
        ("uai", "0620001P"),
        ("teachers", observed.as_str()),
        ("focus", "Les sciences par l'investigation en CE1"),
        ("from", "2027-02-12"),
        ("to", "2027-02-01"),
    ];
    let refused = app
        .submit(
            &teacher,
            &form,
            &format!("/observatoires/{observatory}/demandes"),
            &bad,
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(
        text(refused)
            .await?
            .contains("Une période finit après son début")
    );
    let sent = app
        .submit(
            &teacher,
            &form,
            &format!("/observatoires/{observatory}/demandes"),
            &request,
        )
        .await?;
    let request_page = location(&sent);
    assert!(request_page.starts_with("/demandes/"), "{request_page}");

    // Until the colleague consents, the referent's batch leaves the request waiting, and says why.
    let referent = client()?;
    app.login(&referent, &c.referent.email, PASSWORD).await?;
    let batch = app
        .submit(&referent, &target, &format!("{target}/binomes"), &[])
        .await
        .map(text)?
        .await?;
    assert!(
        batch.contains("en attente du consentement de Carl Collègue"),
        "{batch}"
    );
    let colleague_browser = client()?;
    app.login(&colleague_browser, &c.colleague.email, PASSWORD)
        .await?;
    let page = colleague_browser
        .get(app.url(&request_page))
        .send()
        .await
        .map(text)?
        .await?;
    assert!(page.contains("Votre accord est demandé"));
    let consented = app
        .submit(
            &colleague_browser,
            &request_page,
            &format!("{request_page}/consentement"),
            &[],
        )
        .await?;
    assert_eq!(location(&consented), request_page);
    let batch = app
        .submit(&referent, &target, &format!("{target}/binomes"), &[])
        .await
        .map(text)?
        .await?;
    assert!(batch.contains("1 binôme(s) proposé(s)"), "{batch}");
    let visit = store::observatories::visits::request_detail(
        &app.db,
        domain::ids::VisitRequestId(request_page.trim_start_matches("/demandes/").parse()?),
    )
    .await?
    .visit
    .ok_or_else(|| anyhow::anyhow!("no visit"))?;
    let visit_page = format!("/visites/{}", visit.0);
    let page = referent
        .get(app.url(&visit_page))
        .send()
        .await
        .map(text)?
        .await?;
    assert!(page.contains("Pourquoi ce binôme") && page.contains("Remplacer un observateur"));
    let trail = testkit::audit_trail(&app.db).await?;
    let request_id = request_page.trim_start_matches("/demandes/");
    assert!(
        trail.contains(&(
            "consent-changed".to_owned(),
            format!("demande:{request_id}")
        )),
        "{trail:?}"
    );
    assert_eq!(
        trail.last(),
        Some(&("observation-read".to_owned(), format!("visite:{}", visit.0))),
        "reading a visit's observations is recorded"
    );

    // The referent dates it; the binôme fills the grid, without JavaScript.
    let dated = app
        .submit(
            &referent,
            &visit_page,
            &format!("{visit_page}/date"),
            &[("date", "2027-02-04"), ("start", "09:00"), ("end", "10:30")],
        )
        .await?;
    assert_eq!(location(&dated), visit_page);
    let past = app
        .submit(
            &referent,
            &visit_page,
            &format!("{visit_page}/date"),
            &[("date", "2020-02-04"), ("start", "09:00"), ("end", "10:30")],
        )
        .await?;
    assert_eq!(past.status(), StatusCode::BAD_REQUEST);
    let details = store::observatories::visits::get(&app.db, visit).await?;
    let observer = c
        .observers
        .iter()
        .find(|o| details.observers.iter().any(|p| p.id == o.id))
        .ok_or_else(|| anyhow::anyhow!("no observer"))?;
    let observer_browser = client()?;
    app.login(&observer_browser, &observer.email, PASSWORD)
        .await?;
    let grid = format!("{visit_page}/observation");
    // Not before the day of the visit: refused in French, what was written shown again.
    let early = app
        .submit(
            &observer_browser,
            &grid,
            &grid,
            &[
                ("category", "pratique"),
                ("text", "Écrit trop tôt"),
                ("at", ""),
            ],
        )
        .await?;
    assert_eq!(early.status(), StatusCode::BAD_REQUEST);
    let early = text(early).await?;
    assert!(early.contains("le 4 février 2027"), "{early}");
    assert!(early.contains("Écrit trop tôt"));
    let too_soon = app
        .submit(
            &observer_browser,
            &visit_page,
            &format!("{visit_page}/etape/observee"),
            &[],
        )
        .await?;
    assert_eq!(too_soon.status(), StatusCode::BAD_REQUEST);
    the_day_comes(&app, visit.0).await?;
    let saved = app
        .submit(
            &observer_browser,
            &grid,
            &grid,
            &[
                ("category", "pratique"),
                ("text", "Les élèves formulent des hypothèses par deux"),
                ("at", "12"),
                ("category", "outil"),
                ("text", "Des ardoises pour chaque binôme"),
                ("at", ""),
                ("category", "geste"),
                ("text", ""),
                ("at", ""),
                ("notes", "Matériel prêt à l'avance."),
            ],
        )
        .await?;
    assert_eq!(location(&saved), grid);
    let page = teacher
        .get(app.url(&visit_page))
        .send()
        .await
        .map(text)?
        .await?;
    assert!(page.contains("Les élèves formulent des hypothèses par deux"));
    assert!(page.contains("12 min"));
    // Written without its minute, ten minutes into the visit: stamped by the server.
    assert!(
        ["10 min", "11 min"]
            .iter()
            .any(|m| page.contains(&format!("{m} — </span>Des ardoises pour chaque binôme"))),
        "{page}"
    );
    let refused = app
        .submit(
            &observer_browser,
            &grid,
            &grid,
            &[("category", "note"), ("text", "15/20"), ("at", "")],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let observed_step = app
        .submit(
            &observer_browser,
            &visit_page,
            &format!("{visit_page}/etape/observee"),
            &[],
        )
        .await?;
    assert_eq!(location(&observed_step), visit_page);

    // The analysis: written, agreed by both sides, closed.
    let written = app
        .submit(
            &teacher,
            &visit_page,
            &format!("{visit_page}/analyse"),
            &[("body", "Ce que nous retenons ensemble.")],
        )
        .await?;
    assert!(written.status().is_redirection());
    for browser in [&teacher, &observer_browser] {
        let agreed = app
            .submit(browser, &visit_page, &format!("{visit_page}/accord"), &[])
            .await?;
        assert!(agreed.status().is_redirection());
    }
    let page = teacher
        .get(app.url(&visit_page))
        .send()
        .await
        .map(text)?
        .await?;
    assert!(page.contains("Analyse close"), "{page}");
    assert!(page.contains("Partager ma pratique"));
    let suggested = app
        .submit(
            &observer_browser,
            &visit_page,
            &format!("{visit_page}/pratique"),
            &[],
        )
        .await?;
    assert!(suggested.status().is_redirection());
    // She shares her practice: the sheet is pre-filled from the visit, her colleague co-author;
    // the binôme cannot open it for her.
    let sheet = teacher
        .get(app.url(&format!("/pratiques/nouvelle?visite={}", visit.0)))
        .send()
        .await
        .map(text)?
        .await?;
    assert!(
        sheet.contains("Les sciences par l'investigation en CE1"),
        "{sheet}"
    );
    assert!(sheet.contains("- Les élèves formulent des hypothèses par deux"));
    assert!(sheet.contains("Ce que nous retenons ensemble."));
    assert!(sheet.contains(&c.colleague.email));
    let refused = observer_browser
        .get(app.url(&format!("/pratiques/nouvelle?visite={}", visit.0)))
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let notifications = teacher
        .get(app.url("/notifications"))
        .send()
        .await
        .map(text)?
        .await?;
    assert!(
        notifications.contains("vous propose de partager"),
        "{notifications}"
    );
    Ok(())
}

/// The day of the visit comes: its date moves to this morning, as time would move it.
async fn the_day_comes(app: &TestApp, visit: i64) -> anyhow::Result<()> {
    let now = store::now();
    let moved = testkit::execute(
        &app.db,
        &format!(
            "UPDATE visits SET starts_at = {}, ends_at = {} WHERE id = {visit}",
            now - 600,
            now + 7_200
        ),
    )
    .await?;
    assert_eq!(moved, 1);
    Ok(())
}

/// Signs `email` in through the form, as a browser does.
async fn browser_of(app: &TestApp, email: &str) -> anyhow::Result<reqwest::Client> {
    let browser = client()?;
    let answer = app.login(&browser, email, PASSWORD).await?;
    assert_eq!(location(&answer), "/", "signing in leads home");
    Ok(browser)
}

#[tokio::test]
async fn the_home_page_says_what_waits_for_each_person() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let c = cast(&app).await?;
    let (observatory, _) = observatory_with_request(&app, &c).await?;
    // A request observing two teachers: the colleague has to consent.
    let (status, request) = api(
        &app,
        Method::POST,
        "/api/v1/visit-requests",
        &c.observed.token,
        Some(json!({
            "observatory_id": observatory,
            "uai": "0620001P",
            "teacher_ids": [c.observed.id.0, c.colleague.id.0],
            "focus": "Le coin écoute en autonomie",
            "periods": [{"from": "2027-01-11", "to": "2027-01-22"}],
        })),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{request}");
    // A territory the colleague coordinates, its launch not begun.
    let (status, territory) = api(
        &app,
        Method::POST,
        "/api/v1/territories",
        &c.ien.token,
        Some(json!({
            "name": "Territoire apprenant de Lens",
            "uais": ["0620001P"],
            "coordination": c.colleague.email,
        })),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{territory}");
    // A practice of cycle 2 published by someone else; another of cycle 4.
    for (title, level) in [
        ("Les boîtes à mots du CE1", "cycle-2"),
        ("Le débat réglé en 4e", "cycle-4"),
    ] {
        let content = domain::practices::PracticeContent {
            title: title.to_owned(),
            summary: "Une pratique.".to_owned(),
            body_markdown: String::new(),
            objectives: String::new(),
            class_size: None,
            licence: domain::practices::Licence::CcBy,
            visibility: domain::practices::Visibility::Platform,
            territory: None,
            tags: vec![domain::practices::Tag::parse("level", level).map_err(anyhow::Error::msg)?],
        };
        let id = store::practices::create(
            &app.db,
            c.observers[0].id,
            false,
            &content,
            &store::practices::Context::default(),
        )
        .await?;
        store::practices::publish(&app.db, id, c.observers[0].id).await?;
    }

    let colleague = browser_of(&app, &c.colleague.email).await?;
    let home = text(colleague.get(app.url("/")).send().await?).await?;
    assert!(home.contains("Bonjour, Carl Collègue"), "{home}");
    // The consent to give, linked to its request.
    let consents = home
        .split("Consentements à donner")
        .nth(1)
        .unwrap_or_default();
    assert!(
        consents.contains(&format!("/demandes/{}", request["id"]))
            && consents.contains("Le coin écoute en autonomie"),
        "{home}"
    );
    // The territory, the step its launch is at, linked to that step's screen.
    assert!(home.contains(
        "/territoires/territoire-apprenant-de-lens/lancement/etape-1\">Mener le lancement : Étape 1 — Réaliser l'état des lieux partagé du territoire (à faire)"
    ), "{home}");
    // The new practice of the level taught (CE1: cycle 2), not the other.
    assert!(home.contains("Les boîtes à mots du CE1"), "{home}");
    assert!(!home.contains("Le débat réglé en 4e"));
    // Being made coordinator came as a notification, still unread.
    assert!(home.contains("2 non lue(s)"), "{home}");
    assert!(
        home.contains("Vous coordonnez désormais le territoire « Territoire apprenant de Lens »")
    );
    assert!(!home.contains("Le pilotage de votre académie"));

    // Once the step is under way, the home page says so.
    let launch = "/territoires/territoire-apprenant-de-lens/lancement";
    let moved = app
        .submit(
            &colleague,
            launch,
            &format!("{launch}/etapes/1"),
            &[("state", "done")],
        )
        .await?;
    assert_eq!(moved.status(), StatusCode::OK);
    let home = text(colleague.get(app.url("/")).send().await?).await?;
    assert!(
        home.contains("Étape 2 — Déterminer une problématique commune (à faire)"),
        "{home}"
    );

    // The observed teacher waits for nobody's consent but her colleague's: nothing to give.
    let observed = browser_of(&app, &c.observed.email).await?;
    let home = text(observed.get(app.url("/")).send().await?).await?;
    assert!(!home.contains("Consentements à donner"), "{home}");

    // An IA-IPR of an académie finds its dashboards and strategic project there.
    let new = NewPerson {
        email: Email::parse("ia-ipr@ac-lille.fr")?,
        name: PersonName::parse("Irène Inspectrice")?,
        function: Function::IaIpr,
        password_hash: Some(password::hash(PASSWORD).map_err(|e| anyhow::anyhow!(e))?),
        admin: false,
        establishments: vec![],
        circonscription: None,
        academie: Some("09".to_owned()),
        subjects: vec!["Mathématiques".to_owned()],
        levels: vec![],
    };
    store::accounts::create_person(&app.db, &new).await?;
    let steering = browser_of(&app, "ia-ipr@ac-lille.fr").await?;
    let home = text(steering.get(app.url("/")).send().await?).await?;
    assert!(
        home.contains("href=\"/tableaux-de-bord/academie/09\""),
        "{home}"
    );
    // Its project is not opened yet: the list of projects, where it is opened, not a 404.
    assert!(!home.contains("href=\"/projet-strategique/09\""), "{home}");
    assert!(
        home.contains("celui de l'académie reste à ouvrir"),
        "{home}"
    );
    store::indicators::project::save_project(&app.db, "09", "Projet de Lille", "Nos axes.").await?;
    let home = text(steering.get(app.url("/")).send().await?).await?;
    assert!(home.contains("href=\"/projet-strategique/09\""), "{home}");

    // A visitor sees what the platform is, nobody's business.
    let visitor = text(app.client.get(app.url("/")).send().await?).await?;
    assert!(visitor.contains("la plateforme des territoires apprenants"));
    assert!(!visitor.contains("Bonjour"));
    Ok(())
}
