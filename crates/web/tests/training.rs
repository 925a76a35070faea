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

    // The demand is the training office's: refused to anyone else.
    assert_eq!(
        app.client
            .get(app.url("/api/v1/training-demand"))
            .bearer_auth(&tokens[0])
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    let office = store::accounts::by_email(
        &app.db,
        &domain::accounts::Email::parse("prof6@ac-lille.fr")?,
    )
    .await?
    .map(|(p, _)| p.id())
    .ok_or_else(|| anyhow::anyhow!("prof6"))?;
    store::training::staff::appoint(&app.db, office, domain::training::StaffKind::Office).await?;
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
            {"theme": "conduire un débat réglé", "count": 5, "modules": []},
            {"theme": "autres", "count": null, "modules": []}
        ])
    );
    // « Climat scolaire », asked for once, is in « autres »: named without a count; not counted.
    assert_eq!(
        seen["other_themes"],
        json!([{"theme": "Climat scolaire", "modules": []}])
    );
    assert_eq!(
        (&seen["covered"], &seen["not_covered"]),
        (&json!(0), &json!(5))
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

/// A module body for the API: two sessions a month from now.
fn module_body(capacity: i64, reserved: i64) -> Value {
    let start = time::OffsetDateTime::now_utc() + time::Duration::days(30);
    let at = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    json!({
        "title": "Conduire un débat réglé au cycle 3",
        "objectives": "Préparer, animer et évaluer un débat réglé.",
        "plan": "departemental",
        "public": "premier-degre",
        "capacity": capacity,
        "reserved_seats": reserved,
        "themes": ["Débat réglé"],
        "trainers": ["formatrice@ac-lille.fr"],
        "sessions": [
            {"starts_at": at(start), "ends_at": at(start + time::Duration::hours(3)), "place": "Collège Jean Zay, Lens"},
            {"starts_at": at(start + time::Duration::days(7)), "ends_at": at(start + time::Duration::days(7) + time::Duration::hours(3)),
             "video_url": "https://visio.education.fr/debat"}
        ]
    })
}

#[tokio::test]
async fn the_office_turns_the_demand_into_a_module_that_people_register_to() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let person = |email: &'static str, admin: bool| {
        app.create_person(email, Function::Enseignant1d, "une phrase de passe", admin)
    };
    let admin = person("admin@ac-lille.fr", true).await?;
    let office = person("formation@ac-lille.fr", false).await?;
    let trainer = person("formatrice@ac-lille.fr", false).await?;
    let mut teachers = Vec::new();
    for i in 0..3 {
        let id = app
            .create_person(
                &format!("prof{i}@ac-lille.fr"),
                Function::Enseignant1d,
                "une phrase de passe",
                false,
            )
            .await?;
        teachers.push((id, store::accounts::create_api_token(&app.db, id).await?));
    }
    let token = |id| store::accounts::create_api_token(&app.db, id);
    let (admin_token, office_token, trainer_token) = (
        token(admin).await?,
        token(office).await?,
        token(trainer).await?,
    );
    let api = |path: &str| app.url(&format!("/api/v1{path}"));

    // Only an administrator gives places in the training staff.
    let appoint = |token: &str, email: &str| {
        app.client
            .post(api("/training-staff"))
            .bearer_auth(token)
            .json(&json!({"email": email, "kind": "office"}))
            .send()
    };
    assert_eq!(
        appoint(&office_token, "formation@ac-lille.fr")
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        appoint(&admin_token, "formation@ac-lille.fr")
            .await?
            .status(),
        StatusCode::NO_CONTENT
    );
    let bad_kind = app
        .client
        .post(api("/training-staff"))
        .bearer_auth(&admin_token)
        .json(&json!({"email": "formation@ac-lille.fr", "kind": "chef"}))
        .send()
        .await?;
    assert_eq!(bad_kind.status(), StatusCode::BAD_REQUEST);

    // Two teachers ask for « débat réglé ».
    for (_, t) in teachers.iter().take(2) {
        let answer = app
            .client
            .post(api("/training-needs"))
            .bearer_auth(t)
            .json(&json!({"theme": "Débat réglé", "public": "premier-degre"}))
            .send()
            .await?;
        assert_eq!(answer.status(), StatusCode::CREATED);
    }

    // A teacher may not write a module; the office may, and bad input is explained.
    let create = |token: &str, body: &Value| {
        app.client
            .post(api("/training-modules"))
            .bearer_auth(token)
            .json(body)
            .send()
    };
    assert_eq!(
        create(&teachers[0].1, &module_body(2, 0)).await?.status(),
        StatusCode::FORBIDDEN
    );
    let refused = create(&office_token, &module_body(2, 3)).await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(
        refused.json::<Value>().await?["message"]
            .as_str()
            .is_some_and(|m| m.contains("places réservées")),
    );
    let created = create(&office_token, &module_body(2, 0)).await?;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await?;
    assert_eq!(created["told"], 2);
    let id = created["module"]["id"].as_i64().unwrap_or_default();
    assert_eq!(
        created["module"]["trainers"],
        json!(["Personne formatrice"])
    );
    let told = store::practices::notifications(&app.db, teachers[0].0, 10).await?;
    assert!(
        told.iter()
            .any(|n| n.link == format!("/formation/modules/{id}"))
    );

    // The demand now shows the theme answered by the module.
    let demand: Value = app
        .client
        .get(api("/training-demand"))
        .bearer_auth(&office_token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(
        demand["items"],
        json!([{"theme": "autres", "count": null, "modules": []}])
    );

    // Three register for two seats: the third waits.
    let register = |token: &str| {
        app.client
            .post(api(&format!("/training-modules/{id}/registrations")))
            .bearer_auth(token)
            .send()
    };
    let mut statuses = Vec::new();
    for (_, t) in &teachers {
        statuses.push(register(t).await?.json::<Value>().await?["status"].clone());
    }
    assert_eq!(
        statuses,
        [
            json!("registered"),
            json!("registered"),
            json!("waitlisted")
        ]
    );
    let module: Value = app
        .client
        .get(api(&format!("/training-modules/{id}")))
        .bearer_auth(&teachers[2].1)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(module["waitlist_position"], 1);
    assert_eq!(module["sessions"].as_array().map(Vec::len), Some(2));

    // The registrations are for the office and the module's trainer.
    let registrations = |token: &str| {
        app.client
            .get(api(&format!("/training-modules/{id}/registrations")))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(
        registrations(&teachers[0].1).await?.status(),
        StatusCode::FORBIDDEN
    );
    let list: Value = registrations(&trainer_token).await?.json().await?;
    assert_eq!(list.as_array().map(Vec::len), Some(3));
    let session = module["sessions"][0]["id"].as_i64().unwrap_or_default();
    let attendance = |token: &str, present: Value| {
        app.client
            .put(api(&format!(
                "/training-modules/{id}/sessions/{session}/attendance"
            )))
            .bearer_auth(token)
            .json(&json!({ "present": present }))
            .send()
    };
    assert_eq!(
        attendance(&teachers[0].1, json!([teachers[0].0.0]))
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    // Someone on the waiting list was not there.
    assert_eq!(
        attendance(&trainer_token, json!([teachers[2].0.0]))
            .await?
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        attendance(&trainer_token, json!([teachers[0].0.0]))
            .await?
            .status(),
        StatusCode::NO_CONTENT
    );

    // The attestation: a PDF for who came, nothing for who did not.
    let attestation = |token: &str| {
        app.client
            .get(api(&format!("/training-modules/{id}/attestation")))
            .bearer_auth(token)
            .send()
    };
    let pdf = attestation(&teachers[0].1).await?;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(
        pdf.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let bytes = pdf.bytes().await?;
    assert!(bytes.starts_with(b"%PDF-"));
    let text = testkit::pdf_text(&bytes);
    assert!(text.contains("Attestation de présence"), "{text}");
    assert!(text.contains("Il est attesté que Personne prof0"), "{text}");
    assert!(
        text.contains("« Conduire un débat réglé au cycle 3 »"),
        "{text}"
    );
    assert!(text.contains("Durée totale de présence : 3 h."), "{text}");
    assert_eq!(
        attestation(&teachers[1].1).await?.status(),
        StatusCode::NOT_FOUND
    );

    // A seat freed goes to the one waiting; the office cancels, everyone is told.
    let leave = app
        .client
        .delete(api(&format!("/training-modules/{id}/registrations/me")))
        .bearer_auth(&teachers[1].1)
        .send()
        .await?;
    assert_eq!(leave.status(), StatusCode::NO_CONTENT);
    let module: Value = app
        .client
        .get(api(&format!("/training-modules/{id}")))
        .bearer_auth(&teachers[2].1)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(module["my_status"], "registered");
    let cancel = |token: &str| {
        app.client
            .delete(api(&format!("/training-modules/{id}")))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(
        cancel(&trainer_token).await?.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        cancel(&office_token).await?.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        register(&teachers[1].1).await?.status(),
        StatusCode::CONFLICT
    );
    let list: Value = app
        .client
        .get(api("/training-modules"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(list, json!([]));
    Ok(())
}

#[tokio::test]
async fn the_training_pages_work_without_javascript() -> anyhow::Result<()> {
    use testkit::text;
    let app = TestApp::spawn().await?;
    let password = "une phrase de passe";
    for (email, admin) in [
        ("admin@ac-lille.fr", true),
        ("formation@ac-lille.fr", false),
        ("prof@ac-lille.fr", false),
    ] {
        app.create_person(email, Function::Enseignant1d, password, admin)
            .await?;
    }
    let mut clients = Vec::new();
    for email in [
        "admin@ac-lille.fr",
        "formation@ac-lille.fr",
        "prof@ac-lille.fr",
    ] {
        let client = testkit::client()?;
        app.login(&client, email, password).await?;
        clients.push(client);
    }
    let [admin, office, teacher] =
        <[reqwest::Client; 3]>::try_from(clients).map_err(|_| anyhow::anyhow!("three clients"))?;

    // Anonymous: sign in first.
    assert_eq!(
        testkit::client()?
            .get(app.url("/formation"))
            .send()
            .await?
            .status(),
        StatusCode::SEE_OTHER
    );
    // A need refused keeps what was typed; accepted, it is listed.
    let bad = app
        .submit(
            &teacher,
            "/formation",
            "/formation/besoins",
            &[("theme", "Débat réglé"), ("public", "tous")],
        )
        .await?;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let bad = text(bad).await?;
    assert!(bad.contains("Le public est"), "{bad}");
    assert!(bad.contains("value=\"Débat réglé\""));
    let good = app
        .submit(
            &teacher,
            "/formation",
            "/formation/besoins",
            &[
                ("theme", "Débat réglé"),
                ("public", "premier-degre"),
                ("level", "Cycle 3"),
            ],
        )
        .await?;
    let good = text(good).await?;
    assert!(good.contains("Votre besoin est enregistré."));
    assert!(
        good.contains("<th scope=\"row\">Débat réglé</th>"),
        "{good}"
    );

    // The office's pages: refused to a teacher, and the staff page to all but administrators.
    assert_eq!(
        teacher
            .get(app.url("/formation/demande"))
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        office
            .get(app.url("/formation/equipe"))
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    let appointed = app
        .submit(
            &admin,
            "/formation/equipe",
            "/formation/equipe",
            &[("email", "formation@ac-lille.fr"), ("kind", "office")],
        )
        .await?;
    assert!(text(appointed).await?.contains("Bureau de la formation"));
    let unknown = app
        .submit(
            &admin,
            "/formation/equipe",
            "/formation/equipe",
            &[("email", "personne@ac-lille.fr"), ("kind", "office")],
        )
        .await?;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    assert!(
        text(unknown)
            .await?
            .contains("value=\"personne@ac-lille.fr\"")
    );

    let demand = text(office.get(app.url("/formation/demande")).send().await?).await?;
    assert!(demand.contains("Demande et offre de formation"));
    assert!(
        demand.contains("Autres thèmes"),
        "one need: under five, not counted"
    );
    // The office still sees the theme, without a count, and may make a module of it; the
    // counters say they leave it out.
    let others = demand
        .split("id=\"autres-themes\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        others.contains("<li>Débat réglé —")
            && others.contains("/formation/modules/nouveau?theme=D%C3%A9bat+r%C3%A9gl%C3%A9"),
        "{demand}"
    );
    assert!(demand.contains("Ces nombres laissent de côté les thèmes « autres »"));

    // Another teacher finds the theme already expressed and joins it (« moi aussi »); the same
    // theme in other words is the same need.
    app.create_person(
        "collegue@ac-lille.fr",
        Function::Enseignant2d,
        password,
        false,
    )
    .await?;
    let colleague = testkit::client()?;
    app.login(&colleague, "collegue@ac-lille.fr", password)
        .await?;
    let page = text(colleague.get(app.url("/formation")).send().await?).await?;
    assert!(
        page.contains("<option value=\"Débat réglé\"></option>"),
        "suggested: {page}"
    );
    assert!(page.contains("Moi aussi<span class=\"fr-sr-only\"> : « Débat réglé »"));
    let joined = app
        .submit(
            &colleague,
            "/formation",
            "/formation/besoins",
            &[("theme", "Débat réglé"), ("public", "second-degre")],
        )
        .await?;
    let joined = text(joined).await?;
    assert!(joined.contains("Votre besoin est enregistré."));
    assert!(!joined.contains("Moi aussi<span class=\"fr-sr-only\"> : « Débat réglé »"));
    let again = app
        .submit(
            &colleague,
            "/formation",
            "/formation/besoins",
            &[("theme", "les débats réglés"), ("public", "second-degre")],
        )
        .await?;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(
        text(again)
            .await?
            .contains("Vous avez déjà exprimé ce besoin")
    );
    let bad_year = office
        .get(app.url("/formation/demande?annee=demain"))
        .send()
        .await?;
    assert_eq!(bad_year.status(), StatusCode::BAD_REQUEST);

    // A module without a session is refused with what was typed; with one, it is created.
    let new = "/formation/modules/nouveau?theme=D%C3%A9bat%20r%C3%A9gl%C3%A9";
    let form = text(office.get(app.url(new)).send().await?).await?;
    assert!(form.contains(">Débat réglé</textarea>"), "{form}");
    let date = (time::OffsetDateTime::now_utc() + time::Duration::days(20))
        .date()
        .to_string();
    let mut fields = vec![
        ("title", "Débattre en classe"),
        ("objectives", "Conduire un débat réglé."),
        ("themes", "Débat réglé"),
        ("plan", "departemental"),
        ("public", "premier-degre"),
        ("territory", ""),
        ("capacity", "1"),
        ("reserved_seats", "0"),
        ("trainers", ""),
    ];
    let refused = app
        .submit(&office, new, "/formation/modules", &fields)
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = text(refused).await?;
    assert!(
        refused.contains("Un module compte au moins une session"),
        "{refused}"
    );
    assert!(refused.contains("value=\"Débattre en classe\""));
    fields.extend([
        ("session_date", date.as_str()),
        ("session_start", "09:00"),
        ("session_end", "12:00"),
        ("session_place", "Atelier Canopé d'Arras"),
        ("session_video", ""),
        ("session_date", ""),
        ("session_start", ""),
        ("session_end", ""),
        ("session_place", ""),
        ("session_video", ""),
    ]);
    let created = app
        .submit(&office, new, "/formation/modules", &fields)
        .await?;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let module = testkit::location(&created);
    assert!(module.starts_with("/formation/modules/"), "{module}");
    let told = text(teacher.get(app.url("/notifications")).send().await?).await?;
    assert!(told.contains("Un module de formation répond à un besoin que vous avez exprimé"));

    // The teacher registers; the page says so and offers to cancel.
    let registered = app
        .submit(&teacher, &module, &format!("{module}/inscription"), &[])
        .await?;
    let registered = text(registered).await?;
    assert!(
        registered.contains("Vous êtes inscrit·e au module."),
        "{registered}"
    );
    assert!(registered.contains("Annuler mon inscription"));
    let home = text(teacher.get(app.url("/formation")).send().await?).await?;
    assert!(
        home.contains("Débattre en classe</a> — inscrit·e"),
        "{home}"
    );
    // The office sees who registered and records attendance.
    let seen = text(office.get(app.url(&module)).send().await?).await?;
    assert!(seen.contains("Personne prof"));
    assert!(seen.contains("Présences à la session 1"));
    assert!(
        !text(teacher.get(app.url(&module)).send().await?)
            .await?
            .contains("Présences à la session 1")
    );
    Ok(())
}

/// An account placed in the directory (for the hierarchy), with its API token.
async fn staff_account(
    app: &TestApp,
    email: &str,
    function: Function,
    school: Option<&str>,
    circonscription: Option<&str>,
) -> anyhow::Result<(domain::ids::PersonId, String)> {
    let password = Some("une phrase de passe");
    let id =
        testkit::create_staff(&app.db, email, function, password, school, circonscription).await?;
    Ok((id, store::accounts::create_api_token(&app.db, id).await?))
}

#[tokio::test]
async fn a_path_is_followed_to_the_end_and_its_cohort_hides_from_the_hierarchy()
-> anyhow::Result<()> {
    use domain::training::StaffKind;
    let app = TestApp::spawn().await?;
    app.import(&testkit::sample_annuaire()).await?;
    let (cpc, cpc_token) =
        staff_account(&app, "cpc@ac-lille.fr", Function::Cpc, None, None).await?;
    let (ien, ien_token) = staff_account(
        &app,
        "ien@ac-lille.fr",
        Function::Ien,
        None,
        Some("0629001X"),
    )
    .await?;
    let (teacher, teacher_token) = staff_account(
        &app,
        "prof@ac-lille.fr",
        Function::Enseignant1d,
        Some("0620001P"),
        None,
    )
    .await?;
    for person in [cpc, ien] {
        store::training::staff::appoint(&app.db, person, StaffKind::Trainer).await?;
    }
    let api = |path: &str| app.url(&format!("/api/v1{path}"));
    let body = json!({
        "title": "Débattre en classe",
        "summary": "Mettre en place le débat réglé au cycle 3.",
        "public": "premier-degre",
        "themes": ["Débat réglé"],
        "levels": ["Cycle 3"]
    });
    let post = |token: &str, path: &str, body: &Value| {
        app.client
            .post(api(path))
            .bearer_auth(token)
            .json(body)
            .send()
    };
    // Only trainers compose; bad input is explained.
    assert_eq!(
        post(&teacher_token, "/paths", &body).await?.status(),
        StatusCode::FORBIDDEN
    );
    let bad = post(
        &cpc_token,
        "/paths",
        &json!({"title": "Débattre", "summary": "Oui.", "public": "premier-degre", "themes": []}),
    )
    .await?;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let mut ids = Vec::new();
    for token in [&cpc_token, &ien_token] {
        let created: Value = post(token, "/paths", &body).await?.json().await?;
        let id = created["id"].as_i64().unwrap_or_default();
        // A draft is its author's only.
        assert_eq!(
            app.client
                .get(api(&format!("/paths/{id}")))
                .bearer_auth(&teacher_token)
                .send()
                .await?
                .status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            post(token, &format!("/paths/{id}/publication"), &json!({}))
                .await?
                .status(),
            StatusCode::BAD_REQUEST,
            "no step yet"
        );
        let step = |kind: &str, title: &str, body: &str, url: &str, minutes: i64| json!({"kind": kind, "title": title, "body": body, "url": url, "minutes": minutes});
        assert_eq!(
            post(
                token,
                &format!("/paths/{id}/steps"),
                &step("document", "Lire", "", "ftp://x", 10)
            )
            .await?
            .status(),
            StatusCode::BAD_REQUEST
        );
        for s in [
            step(
                "document",
                "Le débat réglé selon Eduscol",
                "",
                "https://eduscol.education.fr/debat",
                20,
            ),
            step(
                "reflection",
                "Et dans votre classe ?",
                "Quel sujet de débat proposeriez-vous ?",
                "",
                10,
            ),
        ] {
            let added = post(token, &format!("/paths/{id}/steps"), &s).await?;
            assert_eq!(added.status(), StatusCode::CREATED);
        }
        assert_eq!(
            post(token, &format!("/paths/{id}/publication"), &json!({}))
                .await?
                .status(),
            StatusCode::NO_CONTENT
        );
        ids.push(id);
    }

    // Suggested to the teacher from their level; followed to the end with notes.
    let suggested: Value = app
        .client
        .get(api("/paths/suggestions"))
        .bearer_auth(&teacher_token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(suggested.as_array().map(Vec::len), Some(2));
    for id in &ids {
        let started: Value = post(&teacher_token, &format!("/paths/{id}/progress"), &json!({}))
            .await?
            .json()
            .await?;
        let path: Value = app
            .client
            .get(api(&format!("/paths/{id}")))
            .bearer_auth(&teacher_token)
            .send()
            .await?
            .json()
            .await?;
        let steps: Vec<i64> = path["steps"]
            .as_array()
            .map(|s| s.iter().filter_map(|x| x["id"].as_i64()).collect())
            .unwrap_or_default();
        assert_eq!(started["resume"].as_i64(), steps.first().copied());
        let put = |step: i64, body: Value| {
            app.client
                .put(api(&format!("/paths/{id}/steps/{step}/progress")))
                .bearer_auth(&teacher_token)
                .json(&body)
                .send()
        };
        let first: Value = put(steps[0], json!({"done": true, "note": "Lu."}))
            .await?
            .json()
            .await?;
        assert_eq!(first["resume"].as_i64(), Some(steps[1]));
        assert_eq!(
            first["notes"],
            json!([{"step_id": steps[0], "note": "Lu."}])
        );
        let last: Value = put(steps[1], json!({"done": true, "note": "Les écrans"}))
            .await?
            .json()
            .await?;
        assert_eq!(last["resume"], Value::Null);
        assert!(last["completed_at"].is_string());
        let pdf = app
            .client
            .get(api(&format!("/paths/{id}/attestation")))
            .bearer_auth(&teacher_token)
            .send()
            .await?;
        assert_eq!(pdf.status(), StatusCode::OK);
        let text = testkit::pdf_text(&pdf.bytes().await?);
        assert!(text.contains("Attestation de formation"), "{text}");
        assert!(text.contains("Il est attesté que Personne prof"), "{text}");
        assert!(
            text.contains("Réflexion — Et dans votre classe ?"),
            "{text}"
        );
    }

    // The CPC sees the teacher's progress (never the notes); the IEN, the teacher's superior,
    // never does, even on their own path; nor an administrator, nor another teacher.
    let cohort = |token: &str, id: i64| {
        app.client
            .get(api(&format!("/paths/{id}/cohort")))
            .bearer_auth(token)
            .send()
    };
    let seen: Value = cohort(&cpc_token, ids[0]).await?.json().await?;
    assert_eq!(seen.as_array().map(Vec::len), Some(1));
    assert_eq!(seen[0]["person_id"].as_i64(), Some(teacher.0));
    assert_eq!(seen[0]["done"], 2);
    assert!(seen[0].get("notes").is_none());
    let hidden: Value = cohort(&ien_token, ids[1]).await?.json().await?;
    assert_eq!(hidden, json!([]));
    let admin = app
        .create_person(
            "admin@ac-lille.fr",
            Function::Enseignant1d,
            "une phrase de passe",
            true,
        )
        .await?;
    let admin_token = store::accounts::create_api_token(&app.db, admin).await?;
    assert_eq!(
        cohort(&admin_token, ids[0]).await?.json::<Value>().await?,
        json!([])
    );
    assert_eq!(
        cohort(&teacher_token, ids[0]).await?.status(),
        StatusCode::FORBIDDEN
    );
    // The IEN's page says why it stays empty.
    let client = testkit::client()?;
    app.login(&client, "ien@ac-lille.fr", "une phrase de passe")
        .await?;
    let page = testkit::text(
        client
            .get(app.url(&format!("/parcours/{}/cohorte", ids[1])))
            .send()
            .await?,
    )
    .await?;
    assert!(page.contains("ne vous est jamais montrée"), "{page}");
    assert!(!page.contains("Personne prof"), "{page}");
    Ok(())
}

#[tokio::test]
async fn a_path_is_composed_and_followed_through_pages_without_javascript() -> anyhow::Result<()> {
    use testkit::{location, text};
    let app = TestApp::spawn().await?;
    let password = "une phrase de passe";
    let trainer = app
        .create_person(
            "formateur@ac-lille.fr",
            Function::Formateur,
            password,
            false,
        )
        .await?;
    store::training::staff::appoint(&app.db, trainer, domain::training::StaffKind::Trainer).await?;
    app.create_person("prof@ac-lille.fr", Function::Enseignant1d, password, false)
        .await?;
    let mut clients = Vec::new();
    for email in ["formateur@ac-lille.fr", "prof@ac-lille.fr"] {
        let client = testkit::client()?;
        app.login(&client, email, password).await?;
        clients.push(client);
    }
    let [trainer, teacher] =
        <[reqwest::Client; 2]>::try_from(clients).map_err(|_| anyhow::anyhow!("two clients"))?;
    assert_eq!(
        teacher
            .get(app.url("/parcours/nouveau"))
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    let created = app
        .submit(
            &trainer,
            "/parcours/nouveau",
            "/parcours",
            &[
                ("title", "Différencier en mathématiques"),
                ("summary", "Trois étapes pour commencer."),
                ("public", "premier-degre"),
                ("themes", "Différenciation"),
            ],
        )
        .await?;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let path = location(&created);
    let refused = app
        .submit(
            &trainer,
            &path,
            &format!("{path}/etapes"),
            &[
                ("kind", "reflection"),
                ("title", "Votre classe"),
                ("minutes", "10"),
                ("body", ""),
            ],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = text(refused).await?;
    assert!(refused.contains("Écrivez la consigne"), "{refused}");
    assert!(refused.contains("value=\"Votre classe\""));
    for (title, body) in [
        ("Observer", "Observez un élève en difficulté."),
        ("Votre classe", "Que changeriez-vous ?"),
    ] {
        let added = app
            .submit(
                &trainer,
                &path,
                &format!("{path}/etapes"),
                &[
                    ("kind", "activity"),
                    ("title", title),
                    ("minutes", "15"),
                    ("body", body),
                ],
            )
            .await?;
        assert!(text(added).await?.contains("L'étape est ajoutée."));
    }
    // A draft is not the teacher's to see.
    assert_eq!(
        teacher.get(app.url(&path)).send().await?.status(),
        StatusCode::NOT_FOUND
    );
    let published = app
        .submit(&trainer, &path, &format!("{path}/publier"), &[])
        .await?;
    assert!(text(published).await?.contains("Le parcours est publié"));

    // The teacher starts, takes notes, goes on, finishes.
    let started = app
        .submit(&teacher, &path, &format!("{path}/commencer"), &[])
        .await?;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    let first = location(&started);
    let step = text(teacher.get(app.url(&first)).send().await?).await?;
    assert!(step.contains("Étape 1 sur 2"), "{step}");
    let saved = app
        .submit(
            &teacher,
            &first,
            &first,
            &[
                ("note", "Léa compte sur ses doigts."),
                ("action", "enregistrer"),
            ],
        )
        .await?;
    let saved_at = location(&saved);
    let saved = text(teacher.get(app.url(&saved_at)).send().await?).await?;
    assert!(saved.contains("Vos notes sont enregistrées."));
    assert!(saved.contains(">Léa compte sur ses doigts.</textarea>"));
    let next = app
        .submit(
            &teacher,
            &first,
            &first,
            &[("note", "Léa compte sur ses doigts."), ("action", "fait")],
        )
        .await?;
    let second = location(&next);
    assert_ne!(second, first);
    // Leaving and coming back: the path page offers to resume at the second step.
    let overview = text(teacher.get(app.url(&path)).send().await?).await?;
    assert!(overview.contains("1 étape(s) sur 2"), "{overview}");
    assert!(
        overview.contains(&format!("href=\"{second}\">Reprendre où j'en étais")),
        "{overview}"
    );
    let done = app
        .submit(
            &teacher,
            &second,
            &second,
            &[("note", ""), ("action", "fait")],
        )
        .await?;
    let end = location(&done);
    assert!(end.ends_with("?acheve=1"), "{end}");
    let end = text(teacher.get(app.url(&end)).send().await?).await?;
    assert!(end.contains("Bravo, vous avez achevé le parcours"));
    assert!(end.contains("attestation.pdf"));
    let pdf = teacher
        .get(app.url(&format!("{path}/attestation.pdf")))
        .send()
        .await?;
    assert_eq!(pdf.status(), StatusCode::OK);
    // The trainer's cohort page: the teacher, two steps done.
    let cohort = text(
        trainer
            .get(app.url(&format!("{path}/cohorte")))
            .send()
            .await?,
    )
    .await?;
    assert!(cohort.contains("Personne prof"), "{cohort}");
    assert!(cohort.contains("2 sur 2"));
    assert!(!cohort.contains("Léa compte"));
    Ok(())
}
