//! Mail leaves by SMTP when an SMTP server is configured: checked against a minimal SMTP
//! sink on this machine that records what it receives.

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use web::mail::{Mailer, SmtpSettings};

/// Accepts one SMTP session and returns the DATA it was given.
async fn sink(listener: tokio::net::TcpListener) -> anyhow::Result<String> {
    let (socket, _) = listener.accept().await?;
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 puits.test ESMTP\r\n").await?;
    let mut data = String::new();
    let mut in_data = false;
    while let Some(line) = lines.next_line().await? {
        if in_data {
            if line == "." {
                in_data = false;
                write.write_all(b"250 2.0.0 recu\r\n").await?;
            } else {
                data.push_str(&line);
                data.push('\n');
            }
            continue;
        }
        let command = line.to_ascii_uppercase();
        let answer: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250 puits.test\r\n"
        } else if command.starts_with("DATA") {
            in_data = true;
            b"354 envoyez\r\n"
        } else if command.starts_with("QUIT") {
            write.write_all(b"221 au revoir\r\n").await?;
            break;
        } else {
            b"250 2.1.0 ok\r\n"
        };
        write.write_all(answer).await?;
    }
    Ok(data)
}

#[tokio::test]
async fn mails_go_through_smtp_when_configured() -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let received = tokio::spawn(sink(listener));
    let mailer = Mailer::smtp(
        &SmtpSettings {
            url: format!("smtp://127.0.0.1:{port}"),
        },
        "Territoire <ne-pas-repondre@territoire.test>",
    )?;
    mailer
        .send(
            "marie@ac-lille.fr",
            "Territoire : nouveau mot de passe",
            "Bonjour Marie,\nvoici le lien.\n".to_owned(),
        )
        .await?;
    let data = received.await??;
    assert!(data.contains("To: marie@ac-lille.fr"), "{data}");
    assert!(
        data.contains("Subject: Territoire : nouveau mot de passe")
            || data.contains("Subject: =?utf-8?"),
        "{data}"
    );
    assert!(data.contains("Bonjour Marie,"), "{data}");
    Ok(())
}

#[tokio::test]
async fn a_refused_address_is_an_error_not_a_silence() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mailer = Mailer::folder(
        dir.path().join("outbox"),
        "Territoire <ne-pas-repondre@territoire.test>",
    )?;
    assert!(
        mailer
            .send("pas une adresse", "Sujet", "Corps".to_owned())
            .await
            .is_err()
    );
    mailer
        .send("marie@ac-lille.fr", "Sujet", "Corps".to_owned())
        .await?;
    assert_eq!(std::fs::read_dir(dir.path().join("outbox"))?.count(), 1);
    Ok(())
}
