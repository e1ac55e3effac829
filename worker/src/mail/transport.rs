//! Delivering messages: SMTP (service mode) or `.eml` files in an outbox folder (embedded
//! default), both through lettre.

use std::time::Duration;

use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::MailConfig;

/// How a delivery attempt ended badly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// Worth retrying later: connection refused, timeout, a 4xx reply.
    Transient(String),
    /// Retrying will not help: a 5xx reply, a malformed address.
    Permanent(String),
}

impl DeliveryError {
    pub fn message(&self) -> &str {
        match self {
            DeliveryError::Transient(m) | DeliveryError::Permanent(m) => m,
        }
    }
}

/// Where messages go.
#[derive(Clone)]
pub enum Mailer {
    /// An SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in a folder.
    Outbox(AsyncFileTransport<Tokio1Executor>, String),
}

/// Why the mailer could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("SMTP_URL is not a valid SMTP URL: {0}")]
    Url(#[from] lettre::transport::smtp::Error),
}

impl Mailer {
    /// SMTP when `SMTP_URL` is set, the outbox folder otherwise.
    pub fn from_config(config: &MailConfig) -> Result<Self, MailerError> {
        match &config.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())?
                    .timeout(Some(Duration::from_secs(config.smtp_timeout_seconds)))
                    .build();
                Ok(Mailer::Smtp(transport))
            }
            None => Ok(Mailer::Outbox(
                AsyncFileTransport::new(&config.outbox_dir),
                config.outbox_dir.clone(),
            )),
        }
    }

    /// Delivers one message.
    pub async fn send(&self, message: Message) -> Result<(), DeliveryError> {
        match self {
            Mailer::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    DeliveryError::Permanent(e.to_string())
                } else {
                    DeliveryError::Transient(e.to_string())
                }
            }),
            Mailer::Outbox(files, folder) => {
                // Created on first use, so that a process that never sends mail leaves no folder.
                tokio::fs::create_dir_all(folder)
                    .await
                    .map_err(|e| DeliveryError::Transient(format!("creating {folder}: {e}")))?;
                files
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| DeliveryError::Transient(format!("writing to {folder}: {e}")))
            }
        }
    }

    /// Where mail goes, for the start-up log.
    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp(_) => "SMTP".into(),
            Mailer::Outbox(_, folder) => format!("files in {folder}"),
        }
    }
}
