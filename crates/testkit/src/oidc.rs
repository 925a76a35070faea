//! A real OpenID Connect provider for the single sign-on tests: `e2e/oidc/provider.mjs`
//! (the npm package `oidc-provider`), run by Node.js from the repository's `node_modules`.

use std::process::Stdio;

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

pub const CLIENT_ID: &str = "territoire";
pub const CLIENT_SECRET: &str = "secret-de-test";

pub struct Provider {
    pub issuer: String,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
    _child: Child,
}

impl Provider {
    /// Starts the provider; it answers once `register` gave it the platform's address.
    pub async fn start() -> anyhow::Result<Self> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        if !root.join("node_modules/oidc-provider").exists() {
            bail!(
                "oidc-provider is missing: run `npm ci` at the repository's root (scripts/test does)"
            );
        }
        let mut child = Command::new("node")
            .arg("e2e/oidc/provider.mjs")
            .current_dir(&root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("starting Node.js (is it installed?)")?;
        let stdin = child.stdin.take().context("provider stdin")?;
        let lines = BufReader::new(child.stdout.take().context("provider stdout")?).lines();
        let mut provider = Self {
            issuer: String::new(),
            stdin,
            lines,
            _child: child,
        };
        let first = provider.answer().await?;
        provider.issuer = first
            .strip_prefix("issuer ")
            .with_context(|| format!("the provider said {first:?}"))?
            .to_owned();
        Ok(provider)
    }

    /// The next line of the harness itself (the provider's own notices are skipped).
    async fn answer(&mut self) -> anyhow::Result<String> {
        loop {
            let line = self
                .lines
                .next_line()
                .await?
                .context("the provider stopped")?;
            if !line.starts_with("oidc-provider") {
                return Ok(line);
            }
        }
    }

    async fn command(&mut self, line: &str) -> anyhow::Result<()> {
        self.stdin.write_all(format!("{line}\n").as_bytes()).await?;
        self.stdin.flush().await?;
        let answer = self.answer().await?;
        if answer != "ok" {
            bail!("the provider answered {answer:?} to {line:?}");
        }
        Ok(())
    }

    /// Registers the platform of this address (its callback) and starts answering.
    pub async fn register(&mut self, public_url: &str) -> anyhow::Result<()> {
        self.command(&format!("redirect {public_url}/auth/oidc/callback"))
            .await
    }

    /// How the next ID tokens come out: `normal`, `wrong-audience`, `expired`, `wrong-nonce`,
    /// `forged-signature`.
    pub async fn mode(&mut self, mode: &str) -> anyhow::Result<()> {
        self.command(&format!("mode {mode}")).await
    }
}
