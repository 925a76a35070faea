//! WebDAV locks (class 2) of one space, kept in the database so that every node sees the same
//! locks. The conflict rules are those of dav-server's in-memory lock system, over the rows of
//! `store::spaces::locks`.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dav_server::davpath::DavPath;
use dav_server::ls::{DavLock, DavLockSystem, LsFuture};
use domain::ids::SpaceId;
use store::Db;
use store::spaces::locks::{self, LockRow};
use xmltree::Element;

#[derive(Debug, Clone)]
pub struct DbLocks {
    db: Db,
    space: SpaceId,
    /// The URL prefix of the space (`/dav/spaces/3`), for the paths of the locks shown.
    prefix: String,
    /// For a `PROPFIND` (which takes no lock): the locks read once for every entry listed.
    listing: Option<Arc<tokio::sync::OnceCell<Vec<LockRow>>>>,
}

impl DbLocks {
    /// `listing`: the request only reads (a `PROPFIND`), so the locks may be read once.
    pub fn new(db: Db, space: SpaceId, prefix: String, listing: bool) -> Self {
        Self {
            db,
            space,
            prefix,
            listing: listing.then(Arc::default),
        }
    }

    /// The lock of a row; its path is read back from the row, `near` being used should that
    /// ever fail (it cannot: the rows hold paths dav-server gave).
    fn to_dav(&self, row: &LockRow, near: &DavPath) -> DavLock {
        let path = DavPath::new(&format!("{}{}", self.prefix, row.path))
            .ok()
            .and_then(|mut p| p.set_prefix(&self.prefix).ok().map(|()| p))
            .unwrap_or_else(|| near.clone());
        DavLock {
            token: row.token.clone(),
            path: Box::new(path),
            principal: row.principal.clone(),
            owner: row
                .owner_xml
                .as_deref()
                .and_then(|xml| Element::parse(xml.as_bytes()).ok())
                .map(Box::new),
            timeout_at: row
                .expires_at
                .map(|at| UNIX_EPOCH + Duration::from_secs(at.max(0) as u64)),
            timeout: row
                .timeout_secs
                .map(|t| Duration::from_secs(t.max(0) as u64)),
            shared: row.shared,
            deep: row.deep,
        }
    }

    async fn rows(&self) -> Vec<LockRow> {
        match &self.listing {
            Some(once) => once.get_or_init(|| self.read_rows()).await.clone(),
            None => self.read_rows().await,
        }
    }

    async fn read_rows(&self) -> Vec<LockRow> {
        match locks::all(&self.db, self.space).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!(error = %e, "WebDAV locks unreadable");
                Vec::new()
            }
        }
    }
}

/// The key of a path among the locks: URL-encoded, without a final `/` (but `/` itself).
fn key(path: &DavPath) -> String {
    let url = path.as_url_string();
    match url.trim_end_matches('/') {
        "" => "/".to_owned(),
        trimmed => trimmed.to_owned(),
    }
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// Whether `ancestor` is `path` or one of its folders.
fn covers(ancestor: &str, path: &str) -> bool {
    let (a, p) = (segments(ancestor), segments(path));
    a.len() <= p.len() && a.iter().zip(&p).all(|(x, y)| x == y)
}

struct Check<'a> {
    principal: Option<&'a str>,
    ignore_principal: bool,
    tokens: &'a [String],
    shared_ok: bool,
}

impl Check<'_> {
    fn holds(&self, lock: &LockRow) -> bool {
        self.tokens.contains(&lock.token)
            && (self.ignore_principal || self.principal == lock.principal.as_deref())
    }

    /// The locks on `path` and its folders (deep ones for the folders) must be held, or shared
    /// when shared ones are fine.
    fn up_to<'r>(&self, rows: &'r [LockRow], path: &str) -> Result<(), &'r LockRow> {
        let depth = segments(path).len();
        let mut on_path: Vec<&LockRow> = rows
            .iter()
            .filter(|l| covers(&l.path, path))
            .filter(|l| l.deep || segments(&l.path).len() == depth)
            .collect();
        on_path.sort_by_key(|l| segments(&l.path).len());
        let mut holds = false;
        let mut first_shared = None;
        for lock in on_path {
            if self.holds(lock) {
                holds = true;
            } else if !lock.shared {
                return Err(lock);
            } else if !self.shared_ok {
                first_shared.get_or_insert(lock);
            }
        }
        match first_shared {
            Some(lock) if !holds => Err(lock),
            _ => Ok(()),
        }
    }

    /// The locks on `path` and everything under it must be held (or shared and fine).
    fn below<'r>(&self, rows: &'r [LockRow], path: &str) -> Result<(), &'r LockRow> {
        match rows
            .iter()
            .filter(|l| covers(path, &l.path))
            .find(|l| (!l.shared || !self.shared_ok) && !self.holds(l))
        {
            Some(lock) => Err(lock),
            None => Ok(()),
        }
    }
}

fn epoch(at: SystemTime) -> i64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl DavLockSystem for DbLocks {
    fn lock(
        &'_ self,
        path: &DavPath,
        principal: Option<&str>,
        owner: Option<&Element>,
        timeout: Option<Duration>,
        shared: bool,
        deep: bool,
    ) -> LsFuture<'_, Result<DavLock, DavLock>> {
        let near = path.clone();
        let path = key(path);
        let principal = principal.map(str::to_owned);
        let owner_xml = owner.and_then(|o| {
            // The element comes with the `D:` prefix of its request: declare it to write it.
            let mut o = o.clone();
            o.namespace = Some("DAV:".to_owned());
            let mut namespaces = o
                .namespaces
                .take()
                .unwrap_or_else(xmltree::Namespace::empty);
            namespaces.put("D", "DAV:");
            o.namespaces = Some(namespaces);
            let mut out = Vec::new();
            o.write(&mut out).ok()?;
            String::from_utf8(out).ok()
        });
        Box::pin(async move {
            let row = LockRow {
                token: format!("urn:uuid:{}", uuid::Uuid::new_v4()),
                path: path.clone(),
                principal,
                owner_xml,
                timeout_secs: timeout.map(|t| t.as_secs() as i64),
                expires_at: timeout.map(|t| epoch(SystemTime::now() + t)),
                shared,
                deep,
            };
            let check = Check {
                principal: None,
                ignore_principal: true,
                tokens: &[],
                shared_ok: shared,
            };
            let granted = locks::insert_unless(&self.db, self.space, row.clone(), |live| {
                check
                    .up_to(live, &path)
                    .and_then(|()| {
                        if deep {
                            check.below(live, &path)
                        } else {
                            Ok(())
                        }
                    })
                    .err()
                    .cloned()
            })
            .await;
            match granted {
                Ok(Ok(lock)) => Ok(self.to_dav(&lock, &near)),
                Ok(Err(existing)) => Err(self.to_dav(&existing, &near)),
                Err(e) => {
                    tracing::error!(error = %e, "WebDAV lock not recorded");
                    Err(self.to_dav(&row, &near))
                }
            }
        })
    }

    fn unlock(&'_ self, path: &DavPath, token: &str) -> LsFuture<'_, Result<(), ()>> {
        let path = key(path);
        let token = token.to_owned();
        Box::pin(async move {
            let rows = self.rows().await;
            if !rows
                .iter()
                .any(|l| l.token == token && covers(&l.path, &path))
            {
                return Err(());
            }
            match locks::delete(&self.db, self.space, &[token]).await {
                Ok(n) if n > 0 => Ok(()),
                _ => Err(()),
            }
        })
    }

    fn refresh(
        &'_ self,
        path: &DavPath,
        token: &str,
        timeout: Option<Duration>,
    ) -> LsFuture<'_, Result<DavLock, ()>> {
        let near = path.clone();
        let path = key(path);
        let token = token.to_owned();
        Box::pin(async move {
            let rows = self.rows().await;
            if !rows
                .iter()
                .any(|l| l.token == token && covers(&l.path, &path))
            {
                return Err(());
            }
            match locks::refresh(
                &self.db,
                self.space,
                &token,
                timeout.map(|t| t.as_secs() as i64),
            )
            .await
            {
                Ok(Some(row)) => Ok(self.to_dav(&row, &near)),
                _ => Err(()),
            }
        })
    }

    fn check(
        &'_ self,
        path: &DavPath,
        principal: Option<&str>,
        ignore_principal: bool,
        deep: bool,
        submitted_tokens: &[String],
    ) -> LsFuture<'_, Result<(), DavLock>> {
        let near = path.clone();
        let path = key(path);
        let principal = principal.map(str::to_owned);
        let tokens = submitted_tokens.to_vec();
        Box::pin(async move {
            let rows = self.rows().await;
            let check = Check {
                principal: principal.as_deref(),
                ignore_principal,
                tokens: &tokens,
                shared_ok: false,
            };
            let result = check.up_to(&rows, &path).and_then(|()| {
                if deep {
                    check.below(&rows, &path)
                } else {
                    Ok(())
                }
            });
            result.map_err(|lock| self.to_dav(lock, &near))
        })
    }

    fn discover(&'_ self, path: &DavPath) -> LsFuture<'_, Vec<DavLock>> {
        let near = path.clone();
        let path = key(path);
        Box::pin(async move {
            let mut rows: Vec<LockRow> = self
                .rows()
                .await
                .into_iter()
                .filter(|l| covers(&l.path, &path))
                .collect();
            rows.sort_by_key(|l| segments(&l.path).len());
            rows.iter().map(|l| self.to_dav(l, &near)).collect()
        })
    }

    fn delete(&'_ self, path: &DavPath) -> LsFuture<'_, Result<(), ()>> {
        let path = key(path);
        Box::pin(async move {
            let tokens: Vec<String> = self
                .rows()
                .await
                .into_iter()
                .filter(|l| covers(&path, &l.path))
                .map(|l| l.token)
                .collect();
            locks::delete(&self.db, self.space, &tokens)
                .await
                .map(|_| ())
                .map_err(|_| ())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(token: &str, path: &str, shared: bool, deep: bool) -> LockRow {
        LockRow {
            token: token.into(),
            path: path.into(),
            principal: Some("a".into()),
            owner_xml: None,
            timeout_secs: None,
            expires_at: None,
            shared,
            deep,
        }
    }

    #[test]
    fn conflicts() {
        let rows = vec![
            row("t1", "/dossier", false, true),
            row("t2", "/autre/x.odt", true, false),
        ];
        let none = Check {
            principal: Some("a"),
            ignore_principal: false,
            tokens: &[],
            shared_ok: false,
        };
        // A deep lock on a folder covers what is inside.
        assert!(none.up_to(&rows, "/dossier/a.odt").is_err());
        assert!(none.up_to(&rows, "/ailleurs.odt").is_ok());
        // A folder holding a locked file cannot be deleted without the token.
        assert!(none.below(&rows, "/autre").is_err());
        let tokens = ["t1".to_owned()];
        let held = Check {
            tokens: &tokens,
            ..none
        };
        assert!(held.up_to(&rows, "/dossier/a.odt").is_ok());
        // The token is no good in the hands of another principal.
        let other = Check {
            principal: Some("b"),
            ..held
        };
        assert!(other.up_to(&rows, "/dossier/a.odt").is_err());
        // Shared locks let other shared locks in.
        let shared = Check {
            shared_ok: true,
            ..none
        };
        assert!(shared.up_to(&rows, "/autre/x.odt").is_ok());
        assert!(
            covers("/", "/a")
                && covers("/a", "/a")
                && !covers("/a/b", "/a")
                && !covers("/ab", "/a/b")
        );
    }
}
