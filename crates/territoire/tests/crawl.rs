//! Every link the platform shows works: the demo site, crawled as an anonymous visitor and as
//! each demo account, following every link and every `GET` form a page prints (bounded);
//! any 5xx fails, and so does a 404 for an address the platform itself printed.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use domain::accounts::{Function, demo_email};
use testkit::FreshDatabase;

/// Pages fetched per visitor, and per shape of address (`/pratiques/N`: digits folded).
const PAGES: usize = 400;
const PER_SHAPE: usize = 3;

/// The server, killed when dropped.
type Server = testkit::Spawned;

fn start_demo(fresh: &FreshDatabase) -> anyhow::Result<(Server, String, String)> {
    let data = fresh.dir.path().join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_territoire"))
        .arg("--data")
        .arg(&data)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .env("TERRITOIRE_DATABASE_URL", &fresh.url)
        .env("TERRITOIRE_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let server = testkit::Spawned(child);
    let mut address = None;
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line?;
        if let Some(rest) = line.split("prêt : ").nth(1) {
            address = rest.split_whitespace().next().map(str::to_owned);
        }
        if line.contains("mot de passe :") {
            break;
        }
    }
    // The server goes on printing the demo accounts: a closed pipe would make it fail.
    std::thread::spawn(move || lines.for_each(drop));
    let address = address.ok_or_else(|| anyhow::anyhow!("the server printed no address"))?;
    let password = std::fs::read_to_string(data.join("demo-password.txt"))?
        .trim()
        .to_owned();
    Ok((server, address, password))
}

/// `&amp;` and the other entities askama writes in attributes.
fn unescape(value: &str) -> String {
    value
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2f;", "/")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// The value of attribute `name` in a tag's text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// The tags named `name` of a page, as text (`<a href="…" …>`).
fn tags<'p>(page: &'p str, name: &str) -> Vec<&'p str> {
    let open = format!("<{name}");
    let mut found = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        if !after.starts_with([' ', '>', '\n']) {
            rest = after;
            continue;
        }
        let end = after.find('>').unwrap_or(after.len());
        found.push(&rest[start..start + open.len() + end]);
        rest = &after[end..];
    }
    found
}

/// Every address a page offers to follow: its links, and its `GET` forms submitted as they
/// stand (their fields' printed values, checked boxes, first options).
fn addresses(page: &str, here: &str) -> Vec<String> {
    let mut found: Vec<String> = tags(page, "a")
        .into_iter()
        .chain(tags(page, "link"))
        .filter_map(|tag| attribute(tag, "href"))
        .collect();
    let mut rest = page;
    while let Some(start) = rest.find("<form") {
        let form = &rest[start..];
        let end = form.find("</form>").unwrap_or(form.len());
        let body = &form[..end];
        rest = &form[end..];
        let tag = &body[..body.find('>').unwrap_or(body.len())];
        let get = attribute(tag, "method").is_none_or(|m| m.eq_ignore_ascii_case("get"));
        if !get {
            continue;
        }
        let action = attribute(tag, "action").unwrap_or_else(|| here.to_owned());
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for input in tags(body, "input") {
            let kind = attribute(input, "type").unwrap_or_default();
            let Some(name) = attribute(input, "name") else {
                continue;
            };
            if matches!(kind.as_str(), "checkbox" | "radio") && !input.contains(" checked") {
                continue;
            }
            if kind == "submit" || kind == "file" {
                continue;
            }
            query.append_pair(&name, &attribute(input, "value").unwrap_or_default());
        }
        for select in body.split("<select").skip(1) {
            let tag = &select[..select.find('>').unwrap_or(select.len())];
            if let (Some(name), Some(option)) =
                (attribute(tag, "name"), tags(select, "option").first())
            {
                query.append_pair(&name, &attribute(option, "value").unwrap_or_default());
            }
        }
        let query = query.finish();
        found.push(if query.is_empty() {
            action
        } else {
            format!("{action}?{query}")
        });
    }
    found
}

/// `/pratiques/12?page=2` → `/pratiques/N`.
fn shape(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut out = String::new();
    let mut digits = false;
    for c in path.chars() {
        if c.is_ascii_digit() {
            if !digits {
                out.push('N');
            }
            digits = true;
        } else {
            out.push(c);
            digits = false;
        }
    }
    out
}

/// Whether an address is a page of the platform to follow.
fn followed(address: &str) -> bool {
    address.starts_with('/')
        && !address.starts_with("//")
        && !address.starts_with("/static/")
        && !address.starts_with("/dav/")
        && !address.contains("/ws")
        && !address.ends_with("/sync")
}

/// Crawls from the home page as `client` sees it; returns the problems found.
async fn crawl(base: &str, who: &str, client: &reqwest::Client) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut queue: VecDeque<(String, String)> =
        VecDeque::from([("/".to_owned(), "(départ)".to_owned())]);
    let mut seen: HashSet<String> = HashSet::new();
    let mut shapes: HashMap<String, usize> = HashMap::new();
    let mut fetched = 0;
    while let Some((address, from)) = queue.pop_front() {
        if fetched >= PAGES {
            break;
        }
        let address = address.split('#').next().unwrap_or_default().to_owned();
        if address.is_empty() || !followed(&address) || !seen.insert(address.clone()) {
            continue;
        }
        let count = shapes.entry(shape(&address)).or_default();
        if *count >= PER_SHAPE {
            continue;
        }
        *count += 1;
        fetched += 1;
        let answer = client.get(format!("{base}{address}")).send().await?;
        let status = answer.status();
        if status.is_server_error() || status == reqwest::StatusCode::NOT_FOUND {
            problems.push(format!("{who} : {status} pour {address} (lien de {from})"));
            continue;
        }
        if status.is_redirection() {
            if let Some(location) = answer
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
            {
                queue.push_back((location.to_owned(), address.clone()));
            }
            continue;
        }
        let html = answer
            .headers()
            .get("content-type")
            .and_then(|t| t.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        if !html {
            continue;
        }
        let page = answer.text().await?;
        let here = address.split('?').next().unwrap_or_default().to_owned();
        for next in addresses(&page, &here) {
            let next = next.strip_prefix(base).map(str::to_owned).unwrap_or(next);
            if next.starts_with('?') {
                queue.push_back((format!("{here}{next}"), address.clone()));
            } else {
                queue.push_back((next, address.clone()));
            }
        }
    }
    assert!(fetched > 5, "{who}: only {fetched} pages reached");
    println!("{who} : {fetched} pages, {} formes d'adresse", shapes.len());
    Ok(problems)
}

#[tokio::test]
async fn every_link_and_get_form_of_the_demo_works_for_every_role() -> anyhow::Result<()> {
    let fresh = FreshDatabase::new().await?;
    let (_server, base, password) = start_demo(&fresh)?;
    let mut visitors: Vec<(String, Option<String>)> = vec![("anonyme".to_owned(), None)];
    visitors.push(("administrateur".to_owned(), Some(demo_email(None))));
    for function in Function::ALL {
        visitors.push((
            function.label().to_owned(),
            Some(demo_email(Some(function))),
        ));
    }
    let mut problems = Vec::new();
    for (who, email) in visitors {
        let client = testkit::client()?;
        if let Some(email) = &email {
            let login = client
                .get(format!("{base}/connexion"))
                .send()
                .await?
                .text()
                .await?;
            let csrf = testkit::csrf_of(&login).ok_or_else(|| anyhow::anyhow!("no CSRF token"))?;
            let answer = client
                .post(format!("{base}/connexion"))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("email", email.as_str()),
                    ("password", password.as_str()),
                ])
                .send()
                .await?;
            assert_eq!(
                answer.status(),
                reqwest::StatusCode::SEE_OTHER,
                "{who} cannot sign in"
            );
        }
        problems.extend(crawl(&base, &who, &client).await?);
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    Ok(())
}

#[test]
fn addresses_are_read_as_a_browser_reads_them() {
    let page = r#"<a href="/pratiques?q=a&amp;b=c">x</a><abbr title="t">y</abbr>
        <form method="get" action="/annuaire"><input type="search" name="q" value="lycée">
        <input type="checkbox" name="k" value="1"><input type="checkbox" name="m" value="2" checked>
        <select name="d"><option value="62">Pas-de-Calais</option></select><button>Chercher</button></form>
        <form method="post" action="/deconnexion"><input name="csrf" value="x"></form>"#;
    assert_eq!(
        addresses(page, "/"),
        ["/pratiques?q=a&b=c", "/annuaire?q=lyc%C3%A9e&m=2&d=62"]
    );
    assert_eq!(shape("/espaces/12/fichiers/3?v=1"), "/espaces/N/fichiers/N");
}
