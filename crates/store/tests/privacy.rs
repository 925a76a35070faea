//! Retention rules on both databases: the dry run counts, the run removes exactly that.

use domain::accounts::Function;
use domain::accounts::privacy::Privacy;
use store::accounts::privacy::{apply_retention, retention_due};
use testkit::{create_person, execute, fresh_db};

const DAY: i64 = 24 * 3600;

#[tokio::test]
async fn retention_removes_what_is_past_its_time_and_the_dry_run_says_so() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let now = store::now();
    let idle = create_person(
        &db,
        "endormi@ac-lille.fr",
        Function::Enseignant1d,
        None,
        false,
    )
    .await?;
    let busy = create_person(
        &db,
        "actif@ac-lille.fr",
        Function::Enseignant1d,
        None,
        false,
    )
    .await?;
    let admin = create_person(
        &db,
        "admin@ac-lille.fr",
        Function::ChargeDeMission,
        None,
        true,
    )
    .await?;
    for (person, days) in [(idle, 1200), (admin, 2000)] {
        execute(
            &db,
            &format!(
                "UPDATE people SET created_at = {}, last_seen_at = {} WHERE id = {}",
                now - days * DAY,
                now - days * DAY,
                person.0
            ),
        )
        .await?;
    }
    execute(
        &db,
        &format!(
            "UPDATE people SET created_at = {} , last_seen_at = {} WHERE id = {}",
            now - 2000 * DAY,
            now - DAY,
            busy.0
        ),
    )
    .await?;

    for (email, expires) in [
        ("vieille@x.fr", now - 40 * DAY),
        ("recente@x.fr", now - 10 * DAY),
        ("valide@x.fr", now + DAY),
    ] {
        execute(&db, &format!(
            "INSERT INTO invitations (token_hash, email, name, function, account_ends_at, created_at, expires_at) \
             VALUES ('{email}', '{email}', 'Invité', 'partenaire', NULL, {}, {expires})", expires - 14 * DAY
        )).await?;
    }
    execute(
        &db,
        &format!("INSERT INTO chat_rooms (id, name, created_at) VALUES (1, 'Salon', {now})"),
    )
    .await?;
    for (id, days) in [(1, 400), (2, 100), (3, 1)] {
        execute(&db, &format!(
            "INSERT INTO chat_messages (id, room_id, author_id, body, created_at, rev) VALUES ({id}, 1, {}, 'message {id}', {}, {id})",
            busy.0, now - days * DAY
        )).await?;
    }
    for days in [500, 10] {
        execute(&db, &format!(
            "INSERT INTO audit_events (at, actor_id, action, target, ip, detail) VALUES ({}, NULL, 'sign-in', 'x', '', '')",
            now - days * DAY
        )).await?;
    }

    let rules = Privacy {
        chat_history_days: 365,
        ..Privacy::default()
    };
    let cutoffs = rules.cutoffs(now);
    let due = retention_due(&db, &cutoffs).await?;
    assert_eq!(
        due.inactive_accounts,
        [idle],
        "not the busy one, not the administrator"
    );
    assert_eq!(
        (due.invitations, due.chat_messages, due.audit_entries),
        (1, 1, 1)
    );
    assert_eq!(
        due.summary(),
        "1 compte inactif, 1 invitation, 1 message de salon, 1 entrée du journal de sécurité"
    );
    assert_eq!(
        retention_due(&db, &cutoffs).await?,
        due,
        "the dry run changed nothing"
    );
    assert_eq!(store::accounts::count_people(&db).await?, 3);

    let done = apply_retention(&db, &cutoffs, "test").await?;
    assert_eq!(done, due, "the run removes what the dry run said");
    let person = store::accounts::person(&db, idle).await?;
    assert_eq!(person.name, "Ancien membre");
    assert!(person.disabled_at.is_some());
    assert!(testkit::find_text(&db, "endormi").await?.is_empty());
    assert!(testkit::find_text(&db, "vieille@x.fr").await?.is_empty());
    assert_eq!(
        testkit::find_text(&db, "recente@x.fr").await?,
        ["invitations.email", "invitations.token_hash"]
    );
    assert!(testkit::find_text(&db, "message 1").await?.is_empty());
    assert_eq!(
        testkit::find_text(&db, "message 2").await?,
        ["chat_messages.body"]
    );
    let trail = testkit::audit_trail(&db).await?;
    assert_eq!(
        trail.len(),
        2,
        "the recent entry, and the run itself: {trail:?}"
    );
    assert_eq!(trail[1].0, "retention");
    assert!(
        retention_due(&db, &cutoffs).await?.is_empty(),
        "nothing left to do"
    );

    let none = Privacy {
        inactive_account_days: 0,
        expired_invitation_days: 0,
        chat_history_days: 0,
        audit_days: 0,
        ..Privacy::default()
    };
    assert!(
        retention_due(&db, &none.cutoffs(now + 10_000 * DAY))
            .await?
            .is_empty(),
        "0 days: kept"
    );
    Ok(())
}
