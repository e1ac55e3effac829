//! Email settings: where mail goes, who gets it, which reports are sent.

use clap::{Args, ValueEnum};

use crate::config::Secret;

/// Which sessions get a per-session report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SessionReports {
    /// Every processed session (the original requirement).
    All,
    /// Only sessions of tutors who have at least one flag after the recompute.
    Flagged,
    /// None (risk alerts and the digest still go out).
    Off,
}

/// Everything about email, read from the environment.
#[derive(Debug, Clone, Args)]
pub struct MailConfig {
    /// SMTP server, e.g. `smtp://mail:1025` (plain), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:pass@host:465` (TLS). Unset: write `.eml` files to OUTBOX_DIR.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,
    /// Seconds before an SMTP connection or command times out.
    #[arg(long, env = "SMTP_TIMEOUT_SECONDS", default_value_t = 10)]
    pub smtp_timeout_seconds: u64,
    /// Folder of the `.eml` files written when no SMTP_URL is set.
    #[arg(long, env = "OUTBOX_DIR", default_value = "data/outbox")]
    pub outbox_dir: String,
    /// Sender of every email.
    #[arg(long, env = "EMAIL_FROM", default_value = "tutorscore <tutorscore@localhost>")]
    pub from: String,
    /// Administrators who receive the reports, comma-separated. Empty: no email at all.
    #[arg(
        long,
        env = "EMAIL_TO",
        value_delimiter = ',',
        default_value = "ops@localhost"
    )]
    pub to: Vec<String>,
    /// Per-session reports: all, flagged or off. See the README for the trade-off.
    #[arg(long, env = "SESSION_REPORTS", value_enum, default_value_t = SessionReports::All)]
    pub session_reports: SessionReports,
    /// Sessions scheduled longer ago than this many hours get no per-session report (a
    /// backfill of history would otherwise mail a report about every old session); the
    /// daily digest still counts them.
    #[arg(long, env = "SESSION_REPORTS_MAX_AGE_HOURS", default_value_t = 48)]
    pub session_reports_max_age_hours: i64,
    /// Also send an alert when a tutor leaves high risk.
    #[arg(long, env = "ALERT_ON_RECOVERY", default_value_t = false, action = clap::ArgAction::Set)]
    pub alert_on_recovery: bool,
    /// Hour (0-23) at which the daily digest goes out.
    #[arg(long, env = "DIGEST_HOUR", default_value_t = 7)]
    pub digest_hour: u32,
    /// Time zone of DIGEST_HOUR (an IANA name such as Europe/Berlin).
    #[arg(long, env = "DIGEST_TIMEZONE", default_value = "UTC")]
    pub digest_timezone: chrono_tz::Tz,
    /// Base URL of the dashboard, for links in emails.
    #[arg(long, env = "PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: String,
}

impl MailConfig {
    /// The administrators, blanks removed.
    pub fn recipients(&self) -> Vec<String> {
        self.to
            .iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect()
    }

    /// Whether a recompute may send reports of the sessions that asked for it (so it reads
    /// them).
    pub fn reports_sessions(&self) -> bool {
        self.session_reports != SessionReports::Off && !self.recipients().is_empty()
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        crate::config::defaults()
    }
}
