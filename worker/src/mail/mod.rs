//! Email: a report per processed session, an alert when a tutor turns high risk, a daily
//! digest, all through the job queue so that nothing is lost and nothing is sent twice.
//!
//! Layout: [`config`] the settings; [`render`] the templates (text and HTML parts);
//! [`reports`] deciding reports (in the transaction that caused them) and sending one;
//! [`digest`] the daily summary; [`transport`] SMTP or `.eml` files through lettre; [`read`]
//! listing reports.

pub mod config;
pub mod digest;
pub mod read;
pub mod render;
pub mod reports;
pub mod transport;

pub use config::{MailConfig, SessionReports};
pub use transport::{DeliveryError, Mailer, MailerError};

/// What a worker needs to send email.
#[derive(Clone)]
pub struct MailService {
    pub mailer: Mailer,
    pub config: MailConfig,
}

impl MailService {
    /// The mailer the configuration asks for.
    pub fn from_config(config: MailConfig) -> Result<Self, MailerError> {
        Ok(Self {
            mailer: Mailer::from_config(&config)?,
            config,
        })
    }
}
