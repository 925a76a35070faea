//! Outgoing mail: SMTP when configured, otherwise `.eml` files in the outbox folder.

use std::path::PathBuf;

use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    Folder(AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("adresse invalide : {0}")]
    Address(#[from] lettre::address::AddressError),
    #[error("message invalide : {0}")]
    Message(#[from] lettre::error::Error),
    #[error("envoi impossible : {0}")]
    Send(String),
}

/// SMTP settings: `smtp://user:password@host:587` or `smtps://…`.
pub struct SmtpSettings {
    pub url: String,
}

impl Mailer {
    /// Mails written as files in `folder` (created if missing).
    pub fn folder(folder: PathBuf, from: &str) -> Result<Self, MailError> {
        std::fs::create_dir_all(&folder).map_err(|e| MailError::Send(e.to_string()))?;
        Ok(Self {
            from: from.parse()?,
            transport: Transport::Folder(AsyncFileTransport::new(folder)),
        })
    }

    pub fn smtp(settings: &SmtpSettings, from: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.url)
            .map_err(|e| MailError::Send(e.to_string()))?;
        let url = url::Url::parse(&settings.url).map_err(|e| MailError::Send(e.to_string()))?;
        let transport = if url.username().is_empty() {
            transport
        } else {
            transport.credentials(Credentials::new(
                url.username().to_owned(),
                url.password().unwrap_or_default().to_owned(),
            ))
        };
        Ok(Self {
            from: from.parse()?,
            transport: Transport::Smtp(transport.build()),
        })
    }

    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(to.parse()?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)?;
        self.deliver(message).await
    }

    /// A mail with an iCalendar invitation (RFC 6047): the text, and the calendar both as an
    /// alternative part that mail clients offer to accept and as an `.ics` attachment.
    pub async fn send_invitation(
        &self,
        to: &str,
        subject: &str,
        body: String,
        ics: String,
        method: &str,
    ) -> Result<(), MailError> {
        let calendar =
            ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                .map_err(|e| MailError::Send(e.to_string()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to.parse()?)
            .subject(subject)
            .multipart(
                MultiPart::mixed()
                    .multipart(
                        MultiPart::alternative()
                            .singlepart(SinglePart::plain(body))
                            .singlepart(
                                SinglePart::builder()
                                    .header(calendar.clone())
                                    .body(ics.clone()),
                            ),
                    )
                    .singlepart(Attachment::new("invitation.ics".to_owned()).body(ics, calendar)),
            )?;
        self.deliver(message).await
    }

    async fn deliver(&self, message: Message) -> Result<(), MailError> {
        match &self.transport {
            Transport::Folder(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Send(e.to_string())),
            Transport::Smtp(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Send(e.to_string())),
        }
    }
}
