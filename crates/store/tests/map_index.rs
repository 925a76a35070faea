//! The map's data in memory on both databases: not reread while the database is unchanged,
//! reread when something the map draws changed.

use std::sync::Arc;
use std::time::Duration;

use store::indicators::map::MapIndex;
use testkit::{execute, fresh_db};

#[tokio::test]
async fn the_map_is_reread_only_when_the_database_changed() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let index = Arc::new(MapIndex::new(Duration::ZERO));
    let first = index.get(&db).await?;
    let again = index.get(&db).await?;
    assert!(
        Arc::ptr_eq(&first, &again),
        "nothing changed: the same data"
    );
    execute(
        &db,
        "INSERT INTO territories (slug, name, description, created_at) VALUES ('t', 'T', '', 0)",
    )
    .await?;
    let after = index.get(&db).await?;
    assert!(!Arc::ptr_eq(&first, &after), "a territory more: reread");
    execute(
        &db,
        "INSERT INTO events (kind, title, capacity, starts_at, ends_at, created_at) VALUES ('partage', 'Fête', 10, 5, 6, 0)",
    )
    .await?;
    assert!(
        !Arc::ptr_eq(&after, &index.get(&db).await?),
        "an event more: reread"
    );
    Ok(())
}
