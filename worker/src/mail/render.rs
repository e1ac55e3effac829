//! Rendering emails with minijinja templates (`worker/templates/`): a plain-text part and a
//! phone-friendly HTML part (one column, inline styles) from the same view data. The most
//! important line comes first. HTML templates escape every value (a tutor's name or a reason
//! that looks like markup is shown, not interpreted).

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use entity::{
    AlertSeverity, AlertStatus, RescheduleInitiator, RiskLevel, SessionStatus, alert, reschedule, session,
    tutor,
};
use minijinja::Environment;
use serde::Serialize;

use crate::scoring::{Flag, FlagCode, ScoreReport, Severity};

/// A rendered email, before addressing.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn environment() -> &'static Environment<'static> {
    static ENVIRONMENT: OnceLock<Environment<'static>> = OnceLock::new();
    ENVIRONMENT.get_or_init(|| {
        let mut env = Environment::new();
        let templates = [
            ("layout.html", include_str!("../../templates/layout.html")),
            ("rates.html", include_str!("../../templates/rates.html")),
            ("flags.html", include_str!("../../templates/flags.html")),
            (
                "session_report.html",
                include_str!("../../templates/session_report.html"),
            ),
            (
                "session_report.txt",
                include_str!("../../templates/session_report.txt"),
            ),
            ("alert.html", include_str!("../../templates/alert.html")),
            ("alert.txt", include_str!("../../templates/alert.txt")),
            ("digest.html", include_str!("../../templates/digest.html")),
            ("digest.txt", include_str!("../../templates/digest.txt")),
        ];
        for (name, source) in templates {
            env.add_template(name, source)
                .expect("the bundled templates parse");
        }
        env
    })
}

fn render(name: &str, context: &impl Serialize, subject: String) -> Rendered {
    let env = environment();
    let ctx = minijinja::Value::from_serialize(context);
    let with_subject = minijinja::context! { subject => subject.clone(), ..ctx };
    let text = env
        .get_template(&format!("{name}.txt"))
        .and_then(|t| t.render(&with_subject))
        .expect("text renders");
    let html = env
        .get_template(&format!("{name}.html"))
        .and_then(|t| t.render(&with_subject))
        .expect("html renders");
    Rendered { subject, text, html }
}

/// Times as people read them in an email.
pub fn when(time: DateTime<Utc>) -> String {
    time.format("%a %d %b %Y %H:%M UTC").to_string()
}

fn percent(value: f64) -> String {
    format!("{value:.1}%")
}

/// A tutor as shown in emails.
#[derive(Debug, Clone, Serialize)]
pub struct TutorView {
    pub name: String,
    pub external_id: String,
    pub url: String,
}

impl TutorView {
    pub fn new(tutor: &tutor::Model, public_url: &str) -> Self {
        Self {
            name: tutor.name.clone(),
            external_id: tutor.external_id.clone(),
            url: format!("{}/tutors/{}", public_url.trim_end_matches('/'), tutor.id),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
struct RateRow {
    label: &'static str,
    values: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
struct FlagView {
    title: &'static str,
    severity: &'static str,
    evidence: String,
    recommendation: String,
}

/// A score as shown in emails.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreView {
    risk_level: &'static str,
    quality_score: String,
    rates: Vec<RateRow>,
    flags: Vec<FlagView>,
}

/// Words for a risk level.
pub fn risk_words(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Low => "low",
        RiskLevel::Medium => "medium",
        RiskLevel::High => "HIGH",
    }
}

/// A flag's title.
pub fn flag_title(code: FlagCode) -> &'static str {
    match code {
        FlagCode::RescheduleRate => "Frequent reschedules",
        FlagCode::NoShowRate => "No-shows",
        FlagCode::LateStartRate => "Late starts",
        FlagCode::EarlyEndRate => "Early ends",
        FlagCode::PoorFirstSessions => "Poor first sessions",
    }
}

fn flag_view(flag: &Flag) -> FlagView {
    FlagView {
        title: flag_title(flag.code),
        severity: match flag.severity {
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        },
        evidence: flag.evidence.clone(),
        recommendation: flag.recommendation.clone(),
    }
}

impl ScoreView {
    pub fn new(report: &ScoreReport) -> Self {
        let row = |label, rate: fn(&crate::scoring::WindowMetrics) -> f64| RateRow {
            label,
            values: report
                .windows
                .iter()
                .map(|w| {
                    if w.enough_data {
                        percent(rate(w))
                    } else {
                        format!("n/a ({} sessions)", w.sessions)
                    }
                })
                .collect(),
        };
        Self {
            risk_level: risk_words(report.risk_level),
            quality_score: format!("{:.0}", report.quality_score),
            rates: vec![
                row("Tutor reschedules", |w| w.reschedule_rate),
                row("No-shows", |w| w.no_show_rate),
                row("Late starts", |w| w.late_start_rate),
                row("Early ends", |w| w.early_end_rate),
                row("Poor first sessions", |w| w.poor_first_session_rate),
            ],
            flags: report.flags.iter().map(flag_view).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
struct RescheduleView {
    initiator: &'static str,
    notice: String,
    new_start: Option<String>,
    reason: String,
}

#[derive(Debug, Clone, Serialize)]
struct SessionView {
    external_id: String,
    student_ref: String,
    scheduled_start: String,
    scheduled_minutes: i32,
    status: &'static str,
    actual: Option<String>,
    rating: Option<i16>,
    reschedule: Option<RescheduleView>,
}

fn status_words(status: SessionStatus) -> &'static str {
    match status {
        SessionStatus::Completed => "completed",
        SessionStatus::Rescheduled => "rescheduled",
        SessionStatus::TutorNoShow => "tutor did not show up",
        SessionStatus::StudentNoShow => "student did not show up",
        SessionStatus::Cancelled => "cancelled",
        SessionStatus::Scheduled => "booked, not happened yet",
    }
}

fn colour(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Low => "#15803d",
        RiskLevel::Medium => "#b45309",
        RiskLevel::High => "#b91c1c",
    }
}

/// The report sent after a session is processed.
pub fn session_report(
    tutor: &TutorView,
    session: &session::Model,
    reschedule: Option<&reschedule::Model>,
    report: &ScoreReport,
) -> Rendered {
    let headline = match report.flags.first() {
        Some(flag) if report.risk_level == RiskLevel::High => {
            format!(
                "{} is HIGH RISK: {}",
                tutor.name,
                flag_title(flag.code).to_lowercase()
            )
        }
        Some(flag) => format!(
            "{} is {} risk: {}",
            tutor.name,
            risk_words(report.risk_level),
            flag_title(flag.code).to_lowercase()
        ),
        None => format!(
            "{}: {} session, no flags",
            tutor.name,
            status_words(session.status)
        ),
    };
    let view = SessionView {
        external_id: session.external_id.clone(),
        student_ref: session.student_ref.clone(),
        scheduled_start: when(session.scheduled_start),
        scheduled_minutes: session.scheduled_minutes,
        status: status_words(session.status),
        actual: match (session.actual_start, session.actual_end) {
            (Some(s), Some(e)) => Some(format!("{} to {}", when(s), e.format("%H:%M UTC"))),
            _ => None,
        },
        rating: session.rating,
        reschedule: reschedule.map(|r| RescheduleView {
            initiator: match r.initiator {
                RescheduleInitiator::Tutor => "tutor",
                RescheduleInitiator::Student => "student",
            },
            notice: format!("{:.1} h", r.notice_hours),
            new_start: r.new_start.map(when),
            reason: match (&r.reason, &r.reason_code) {
                (Some(reason), Some(code)) => format!("{reason} ({code})"),
                (Some(reason), None) => reason.clone(),
                (None, Some(code)) => code.clone(),
                (None, None) => "not given".into(),
            },
        }),
    };
    let subject = format!("[tutorscore] {headline}");
    let context = minijinja::context! {
        headline => headline,
        colour => colour(report.risk_level),
        tutor => minijinja::Value::from_serialize(tutor),
        session => minijinja::Value::from_serialize(&view),
        score => minijinja::Value::from_serialize(ScoreView::new(report)),
    };
    render("session_report", &context, subject)
}

/// An alert as its notification shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AlertView {
    /// The alert's page.
    pub url: String,
    /// What happened: "New alert", "Reopened", "Escalated to critical", "Cleared".
    pub what: &'static str,
    pub title: &'static str,
    pub severity: &'static str,
    pub evidence: String,
    pub recommendation: String,
    /// Acknowledge by, in words (absent once acknowledged or resolved).
    pub ack_due: Option<String>,
    pub reopened_count: i32,
}

impl AlertView {
    /// `action` is the audit action (`alert.opened`, ...); `flag` the alert's latest flag.
    pub fn new(alert: &alert::Model, action: &str, flag: Option<&Flag>, public_url: &str) -> Self {
        let what = match action {
            "alert.opened" => "New alert",
            "alert.reopened" => "Reopened",
            "alert.escalated" => "Escalated to critical",
            "alert.recovered" => "Cleared",
            _ => "Changed",
        };
        let open = alert.status == AlertStatus::Open;
        Self {
            url: format!("{}/alerts/{}", public_url.trim_end_matches('/'), alert.id),
            what,
            title: FlagCode::from_stored(&alert.flag_code).map_or("Alert", flag_title),
            severity: match alert.severity {
                AlertSeverity::Warning => "warning",
                AlertSeverity::Critical => "critical",
            },
            evidence: flag.map(|f| f.evidence.clone()).unwrap_or_default(),
            recommendation: flag.map(|f| f.recommendation.clone()).unwrap_or_default(),
            ack_due: open.then(|| when(alert.ack_due_at)),
            reopened_count: alert.reopened_count,
        }
    }
}

/// The notification of an alert's opening, reopening or escalation (or, with
/// `ALERT_ON_RECOVERY`, of its flag clearing).
pub fn alert_notification(tutor: &TutorView, alert: &AlertView, report: &ScoreReport) -> Rendered {
    let headline = match alert.what {
        "Cleared" => format!("{}: {} cleared", tutor.name, alert.title.to_lowercase()),
        "Escalated to critical" => format!("{}: {} is now CRITICAL", tutor.name, alert.title.to_lowercase()),
        "Reopened" => format!(
            "{}: {} is back (reopened)",
            tutor.name,
            alert.title.to_lowercase()
        ),
        _ => format!(
            "{}: {} ({})",
            tutor.name,
            alert.title.to_lowercase(),
            alert.severity
        ),
    };
    let subject = format!("[tutorscore] {headline}");
    let context = minijinja::context! {
        headline => headline,
        colour => colour(report.risk_level),
        tutor => minijinja::Value::from_serialize(tutor),
        alert => minijinja::Value::from_serialize(alert),
        score => minijinja::Value::from_serialize(ScoreView::new(report)),
    };
    render("alert", &context, subject)
}

/// A tutor line in the digest.
#[derive(Debug, Clone, Serialize)]
pub struct DigestTutor {
    pub name: String,
    pub external_id: String,
    pub url: String,
    pub risk_level: &'static str,
    pub flags: Vec<&'static str>,
}

/// A flag and how many tutors have it.
#[derive(Debug, Clone, Serialize)]
pub struct FlagCount {
    pub title: &'static str,
    pub tutors: u64,
}

/// Tutors by risk level.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RiskCounts {
    pub low: u64,
    pub medium: u64,
    pub high: u64,
}

/// Everything the daily digest shows.
#[derive(Debug, Clone, Serialize)]
pub struct DigestView {
    pub date: String,
    /// Alerts that need someone: overdue or unassigned, per assignee (unassigned first).
    pub alert_queues: Vec<AlertQueue>,
    /// Interventions that need their owner: overdue ones and follow-ups due this week.
    pub intervention_queues: Vec<InterventionQueue>,
    pub new_high: Vec<DigestTutor>,
    pub recovered: Vec<DigestTutor>,
    pub common_flags: Vec<FlagCount>,
    pub sessions: u64,
    pub recomputes: u64,
    pub risk: RiskCounts,
    pub failed_emails: u64,
    pub dashboard_url: String,
}

/// One person's (or nobody's) alerts in the digest.
#[derive(Debug, Clone, Serialize)]
pub struct AlertQueue {
    /// The assignee's name, or "Unassigned".
    pub assignee: String,
    pub alerts: Vec<DigestAlert>,
}

/// An alert line in the digest.
#[derive(Debug, Clone, Serialize)]
pub struct DigestAlert {
    pub tutor: String,
    pub title: &'static str,
    pub severity: &'static str,
    pub overdue: bool,
    pub url: String,
}

/// One owner's interventions in the digest.
#[derive(Debug, Clone, Serialize)]
pub struct InterventionQueue {
    pub owner: String,
    pub interventions: Vec<DigestIntervention>,
}

/// An intervention line in the digest.
#[derive(Debug, Clone, Serialize)]
pub struct DigestIntervention {
    pub tutor: String,
    /// The type in words.
    pub title: String,
    /// Planned and past its due date (otherwise: its follow-up is due this week).
    pub overdue: bool,
    /// The due date, or the follow-up's date (YYYY-MM-DD).
    pub date: String,
    pub url: String,
}

/// The daily digest.
pub fn digest(view: &DigestView) -> Rendered {
    let headline = format!(
        "Daily digest {}: {} new high-risk, {} recovered, {} sessions",
        view.date,
        view.new_high.len(),
        view.recovered.len(),
        view.sessions
    );
    let subject = format!("[tutorscore] {headline}");
    let context = minijinja::context! { headline => headline, ..minijinja::Value::from_serialize(view) };
    render("digest", &context, subject)
}
