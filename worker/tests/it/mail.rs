//! Email reports against a real SMTP server (started in the test process by each test): per-session
//! reports with both MIME parts, the settings, risk alerts, the digest, outages, permanent
//! refusals, and no duplicates.

use chrono::{Duration, TimeZone, Utc};
use entity::{EmailKind, EmailStatus, SessionStatus, email_report, prelude::*, session, tutor};
use mail_parser::{MessageParser, MimeHeaders};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    Set,
};
use uuid::Uuid;
use worker::{
    clock::Clock,
    jobs,
    mail::{MailConfig, MailService, SessionReports, digest, render},
    runner::WorkerConfig,
    scoring::{self, ScoringConfig},
};

use crate::{
    helpers::{TestWorld, hour_session, now, spawn_worker_with, test_worker_config},
    smtp::{Mode, SmtpSink},
};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn mail_config(port: u16, reports: SessionReports) -> MailConfig {
    MailConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}").into()),
        smtp_timeout_seconds: 5,
        from: "tutorscore <reports@tutorscore.example>".into(),
        to: vec!["ops@example.com".into(), "lead@example.com".into()],
        session_reports: reports,
        public_url: "https://scores.example".into(),
        ..MailConfig::default()
    }
}

/// A world whose worker mails through an SMTP server on `port` (started by the test, when
/// it wants one listening).
struct Setup {
    world: TestWorld,
    port: u16,
}

impl std::ops::Deref for Setup {
    type Target = TestWorld;
    fn deref(&self) -> &TestWorld {
        &self.world
    }
}

async fn setup(reports: SessionReports) -> Setup {
    setup_with(reports, test_worker_config()).await
}

async fn setup_with(reports: SessionReports, config: WorkerConfig) -> Setup {
    let port = free_port();
    let mail = MailService::from_config(mail_config(port, reports)).unwrap();
    Setup {
        world: spawn_worker_with(Some(mail), config).await,
        port,
    }
}

impl Setup {
    fn sink(&self, mode: Mode) -> SmtpSink {
        SmtpSink::start(self.port, mode)
    }

    /// Records a one-hour session of the tutor `days_ago` days back (student-7).
    async fn record(&self, tutor: &tutor::Model, status: SessionStatus, days_ago: i64) -> Uuid {
        self.world
            .record(hour_session(tutor, "student-7", status, days_ago))
            .await
            .session
            .id
    }
}

async fn reports(db: &DatabaseConnection) -> Vec<email_report::Model> {
    EmailReport::find()
        .order_by_asc(email_report::Column::CreatedAt)
        .all(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_processed_session_sends_one_report_per_recipient_with_both_parts() {
    let s = setup(SessionReports::All).await;
    let db = s.db();
    let sink = s.sink(Mode::Accept);
    let t = s.tutor("ada-b-lovelace-b", "Ada <b>Lovelace</b>").await;
    let session_id = s.record(&t, SessionStatus::Completed, 1).await;
    s.drain().await;

    let rows = reports(db).await;
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|r| r.kind == EmailKind::SessionReport && r.status == EmailStatus::Sent && r.attempts == 1)
    );
    assert!(
        rows.iter()
            .all(|r| r.session_id == Some(session_id) && r.sent_at.is_some())
    );

    let messages = sink.messages();
    assert_eq!(messages.len(), 2, "one message per recipient");
    let mut recipients = Vec::new();
    for raw in &messages {
        let message = MessageParser::default().parse(raw).expect("a parseable message");
        let to = message
            .to()
            .unwrap()
            .first()
            .unwrap()
            .address()
            .unwrap()
            .to_owned();
        let report = rows
            .iter()
            .find(|r| r.recipient == to)
            .expect("a report row for the recipient");
        recipients.push(to);
        assert_eq!(
            message.from().unwrap().first().unwrap().address(),
            Some("reports@tutorscore.example")
        );
        assert!(message.subject().unwrap().contains("Ada <b>Lovelace</b>"));
        assert_eq!(
            message.message_id(),
            Some(format!("{}@tutorscore", report.id).as_str())
        );
        assert!(message.date().is_some());
        assert_eq!(message.content_type().unwrap().subtype(), Some("alternative"));
        let text = message.body_text(0).unwrap();
        let html = message.body_html(0).unwrap();
        assert!(
            text.starts_with("Ada <b>Lovelace</b>: completed session, no flags"),
            "most important line first: {text}"
        );
        assert!(text.contains("Risk level: low"));
        assert!(text.contains("https://scores.example/tutors/"));
        assert!(
            html.contains("Ada &lt;b&gt;Lovelace&lt;"),
            "names are escaped in HTML: {html}"
        );
        assert!(!html.contains("<b>Lovelace</b>"));
        assert!(html.contains("max-width:600px"), "one phone-width column");
    }
    recipients.sort();
    assert_eq!(recipients, ["lead@example.com", "ops@example.com"]);

    // The same recompute asked again (a retried job) sends nothing new.
    jobs::enqueue_recomputes(
        db,
        [jobs::RecomputeTutor {
            tutor_id: t.id,
            session_id: Some(session_id),
        }],
        now(),
    )
    .await
    .unwrap();
    s.drain().await;
    assert_eq!(sink.messages().len(), 2);
    assert_eq!(reports(db).await.len(), 2);
}

#[tokio::test]
async fn the_flagged_and_off_settings_limit_session_reports() {
    let flagged = setup(SessionReports::Flagged).await;
    let db = flagged.db();
    let _sink = flagged.sink(Mode::Accept);
    let calm = flagged.tutor("calm", "Calm").await;
    flagged.record(&calm, SessionStatus::Completed, 1).await;
    flagged.drain().await;
    assert!(reports(db).await.is_empty(), "no flags, no report");
    let shaky = flagged.tutor("shaky", "Shaky").await;
    for d in 1..=6 {
        flagged.record(&shaky, SessionStatus::TutorNoShow, d).await;
    }
    flagged.drain().await;
    let rows = reports(db).await;
    assert!(
        rows.iter()
            .any(|r| r.kind == EmailKind::SessionReport && r.tutor_id == Some(shaky.id))
    );
    assert!(rows.iter().all(|r| r.tutor_id == Some(shaky.id)));

    let off = setup(SessionReports::Off).await;
    let db = off.db();
    let t = off.tutor("quiet", "Quiet").await;
    for d in 1..=6 {
        off.record(&t, SessionStatus::TutorNoShow, d).await;
    }
    let _sink = off.sink(Mode::Accept);
    off.drain().await;
    let rows = reports(db).await;
    assert!(
        rows.iter().all(|r| r.kind == EmailKind::RiskAlert),
        "off: only the risk alert goes out"
    );
    assert_eq!(rows.len(), 2);
}

#[tokio::test]
async fn an_alerts_opening_and_its_escalation_each_notify_exactly_once() {
    let s = setup(SessionReports::Off).await;
    let db = s.db();
    let sink = s.sink(Mode::Accept);
    let t = s.tutor("missing-tutor", "Missing Tutor").await;
    for d in 1..=10 {
        s.record(&t, SessionStatus::Completed, d).await;
    }
    s.drain().await;
    assert!(reports(db).await.is_empty(), "no flag: no alert, no notification");
    for d in 1..=6 {
        s.record(&t, SessionStatus::TutorNoShow, d).await;
        s.drain().await; // several recomputes while flagged
    }
    let notifications: Vec<_> = reports(db)
        .await
        .into_iter()
        .filter(|r| r.kind == EmailKind::RiskAlert)
        .collect();
    // Each transition that notifies (the opening, and an escalation if the flag turned
    // critical later) is one email per recipient, however many recomputes ran.
    let alert = Alert::find()
        .one(db)
        .await
        .unwrap()
        .expect("the flag opened an alert");
    let notifying = worker::alerts::read::history(db, alert.id)
        .await
        .unwrap()
        .iter()
        .filter(|e| matches!(e.action.as_str(), "alert.opened" | "alert.escalated"))
        .count();
    assert!(notifying >= 1);
    assert_eq!(
        notifications.len(),
        2 * notifying,
        "once per transition, to both recipients"
    );
    assert!(
        notifications
            .iter()
            .all(|r| r.subject.starts_with("[tutorscore] Missing Tutor: no-shows"))
    );
    assert_eq!(sink.messages().len(), notifications.len());
    let raw = sink.messages().remove(0);
    let message = MessageParser::default().parse(&raw).unwrap();
    let text = message.body_text(0).unwrap();
    assert!(
        text.contains("What to do:") && text.contains("https://scores.example/alerts/"),
        "{text}"
    );
}

#[tokio::test]
async fn a_report_is_retried_until_the_smtp_server_comes_back() {
    let s = setup(SessionReports::All).await;
    let db = s.db();
    let t = s.tutor("patient", "Patient").await;
    s.record(&t, SessionStatus::Completed, 1).await;
    s.worker.step().await.unwrap(); // recompute: two reports decided
    let outcome = s.worker.step().await.unwrap(); // nothing listens on the port
    assert_eq!(outcome.failed, 2);
    let rows = reports(db).await;
    assert!(
        rows.iter()
            .all(|r| r.status == EmailStatus::Pending && r.attempts == 1 && r.last_error.is_some())
    );
    assert!(s.worker.step().await.unwrap().is_idle(), "waits for the backoff");

    let sink = s.sink(Mode::Accept);
    s.clock.advance(Duration::minutes(1));
    s.drain().await;
    assert_eq!(sink.messages().len(), 2);
    assert!(
        reports(db)
            .await
            .iter()
            .all(|r| r.status == EmailStatus::Sent && r.attempts == 2)
    );
}

#[tokio::test]
async fn a_refused_report_is_marked_failed_and_an_admin_retry_sends_it() {
    let s = setup(SessionReports::All).await;
    let db = s.db();
    let refusing = s.sink(Mode::Reject);
    let t = s.tutor("refused", "Refused").await;
    s.record(&t, SessionStatus::Completed, 1).await;
    s.drain().await;
    let rows = reports(db).await;
    assert!(
        rows.iter()
            .all(|r| r.status == EmailStatus::Failed && r.attempts == 1)
    );
    assert!(
        rows[0].last_error.as_deref().unwrap().contains("550"),
        "{:?}",
        rows[0].last_error
    );
    assert!(refusing.messages().is_empty());
    // The same server accepts from now on.
    refusing.set_mode(Mode::Accept);
    let sink = refusing;
    assert!(
        worker::mail::reports::retry_failed(db, rows[0].id, s.clock.now())
            .await
            .unwrap()
    );
    assert!(
        !worker::mail::reports::retry_failed(db, rows[0].id, s.clock.now())
            .await
            .unwrap(),
        "only failed reports"
    );
    s.drain().await;
    let after = EmailReport::find_by_id(rows[0].id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((after.status, after.attempts), (EmailStatus::Sent, 2));
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn a_report_marked_sent_is_not_sent_again_by_a_retried_job() {
    let s = setup(SessionReports::All).await;
    let db = s.db();
    let sink = s.sink(Mode::Accept);
    let t = s.tutor("once", "Once").await;
    s.record(&t, SessionStatus::Completed, 1).await;
    s.worker.step().await.unwrap(); // reports decided, not sent yet
    // A worker sent the mail and marked the rows sent, then died before finishing its job.
    for row in reports(db).await {
        let mut row: email_report::ActiveModel = row.into();
        row.status = Set(EmailStatus::Sent);
        row.sent_at = Set(Some(now()));
        row.update(db).await.unwrap();
    }
    let lease = Duration::seconds(WorkerConfig::default().lease_seconds);
    let taken = jobs::claim(db, "dead-worker", 10, lease, s.clock.now())
        .await
        .unwrap();
    assert_eq!(taken.len(), 2);
    s.clock.advance(lease + Duration::seconds(1));
    let outcome = s.worker.step().await.unwrap();
    assert_eq!((outcome.claimed, outcome.emails, outcome.failed), (2, 2, 0));
    assert!(sink.messages().is_empty(), "nothing sent twice");
}

#[tokio::test]
async fn the_daily_digest_goes_out_once_per_day_and_schedules_the_next() {
    let s = setup(SessionReports::Off).await;
    let db = s.db();
    let sink = s.sink(Mode::Accept);
    let t = s.tutor("digest-tutor", "Digest Tutor").await;
    for d in 1..=6 {
        s.record(&t, SessionStatus::TutorNoShow, d).await;
    }
    s.drain().await;
    s.worker.schedule_periodic().await.unwrap();
    let config = mail_config(s.port, SessionReports::Off);
    let next = digest::next_run(s.clock.now(), &config);
    assert_eq!(next, Utc.with_ymd_and_hms(2026, 11, 3, 7, 0, 0).unwrap());
    s.clock.set(next + Duration::minutes(1));
    s.drain().await;
    let digests: Vec<_> = reports(db)
        .await
        .into_iter()
        .filter(|r| r.kind == EmailKind::Digest)
        .collect();
    assert_eq!(digests.len(), 2, "one digest per recipient");
    assert!(
        digests
            .iter()
            .all(|r| r.status == EmailStatus::Sent && r.subject_key == "digest:2026-11-03")
    );
    assert!(
        digests[0].body_text.contains("Digest Tutor"),
        "{}",
        digests[0].body_text
    );
    let digest_messages = || {
        sink.messages()
            .iter()
            .filter(|raw| {
                let message = MessageParser::default().parse(raw.as_slice()).unwrap();
                message.subject().is_some_and(|s| s.contains("Daily digest"))
            })
            .count()
    };
    assert_eq!(digest_messages(), 2);
    // The next one is scheduled for the next day; nothing more goes out today.
    let pending = Job::find()
        .filter(entity::job::Column::Kind.eq(entity::JobKind::DailyDigest))
        .filter(entity::job::Column::Status.eq(entity::JobStatus::Queued))
        .one(db)
        .await
        .unwrap()
        .expect("next digest scheduled");
    assert_eq!(
        pending.run_after,
        Utc.with_ymd_and_hms(2026, 11, 4, 7, 0, 0).unwrap()
    );
    s.clock.advance(Duration::hours(2));
    s.drain().await;
    assert_eq!(digest_messages(), 2);
}

#[test]
fn digest_times_follow_the_configured_zone_and_hour() {
    let config = MailConfig {
        digest_hour: 7,
        digest_timezone: chrono_tz::Europe::Berlin,
        ..MailConfig::default()
    };
    // 05:59 UTC is 06:59 in Berlin in winter: today at 07:00 Berlin = 06:00 UTC.
    let at = Utc.with_ymd_and_hms(2026, 11, 2, 5, 59, 0).unwrap();
    assert_eq!(
        digest::next_run(at, &config),
        Utc.with_ymd_and_hms(2026, 11, 2, 6, 0, 0).unwrap()
    );
    // Just after: tomorrow.
    let at = Utc.with_ymd_and_hms(2026, 11, 2, 6, 0, 0).unwrap();
    assert_eq!(
        digest::next_run(at, &config),
        Utc.with_ymd_and_hms(2026, 11, 3, 6, 0, 0).unwrap()
    );
    // Summer time: 07:00 Berlin = 05:00 UTC.
    let at = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
    assert_eq!(
        digest::next_run(at, &config),
        Utc.with_ymd_and_hms(2026, 7, 2, 5, 0, 0).unwrap()
    );
}

/// Rendered text parts, as snapshots (review changes with `cargo insta review`).
#[test]
fn rendered_text_parts_match_their_snapshots() {
    let tutor = tutor::Model {
        id: Uuid::parse_str("0199f466-c580-7776-b2f2-bf4ddb1487c0").unwrap(),
        external_id: "demo-tutor-00001".into(),
        name: "Chronic Rescheduler (Ava)".into(),
        email: "ava@tutors.example".into(),
        active: true,
        created_at: now(),
        updated_at: now(),
    };
    let view = render::TutorView::new(&tutor, "https://scores.example");
    let facts: Vec<scoring::SessionFact> = (0..20)
        .map(|i| {
            let start = now() - Duration::days(1 + i) - Duration::hours(2);
            scoring::SessionFact {
                student_ref: format!("s{}", i % 4),
                scheduled_start: start,
                scheduled_minutes: 60,
                actual_start: (i % 3 != 0).then_some(start),
                actual_end: (i % 3 != 0).then_some(start + Duration::minutes(60)),
                status: if i % 3 == 0 {
                    SessionStatus::Rescheduled
                } else {
                    SessionStatus::Completed
                },
                is_first_session: i < 4,
                rating: (i % 3 != 0).then_some(4),
                reschedule: (i % 3 == 0).then(|| scoring::RescheduleFact {
                    initiator: entity::RescheduleInitiator::Tutor,
                    reason_code: Some("schedule_conflict".into()),
                    notice_hours: 5.0,
                }),
            }
        })
        .collect();
    let report = scoring::score(&facts, now(), &[], &ScoringConfig::default());
    let start = now() - Duration::hours(26);
    let session = session::Model {
        id: Uuid::nil(),
        external_id: "lesson-42".into(),
        tutor_id: tutor.id,
        student_ref: "student-9".into(),
        scheduled_start: start,
        scheduled_minutes: 60,
        actual_start: None,
        actual_end: None,
        status: SessionStatus::Rescheduled,
        is_first_session: false,
        rating: None,
        booked_at: None,
        created_at: now(),
        updated_at: now(),
    };
    let reschedule = entity::reschedule::Model {
        id: Uuid::nil(),
        session_id: Uuid::nil(),
        tutor_id: tutor.id,
        initiator: entity::RescheduleInitiator::Tutor,
        reason_code: Some("schedule_conflict".into()),
        reason: Some("Double-booked".into()),
        original_start: start,
        new_start: Some(start + Duration::days(2)),
        requested_at: start - Duration::hours(5),
        notice_hours: 5.0,
        created_at: now(),
    };
    let rendered = render::session_report(&view, &session, Some(&reschedule), &report);
    insta::assert_snapshot!("session_report_subject", rendered.subject);
    insta::assert_snapshot!("session_report_text", rendered.text);
    let flag = report.flags.first().expect("the planted tutor is flagged");
    let alert = entity::alert::Model {
        id: Uuid::parse_str("0199f466-c580-7776-b2f2-000000000001").unwrap(),
        tutor_id: tutor.id,
        kind: entity::AlertKind::Flag,
        flag_code: flag.code.as_str().into(),
        session_id: None,
        status: entity::AlertStatus::Open,
        severity: entity::AlertSeverity::Critical,
        resolution: None,
        assignee_id: None,
        opened_at: now(),
        ack_due_at: now() + Duration::hours(24),
        acknowledged_at: None,
        snoozed_until: None,
        resolved_at: None,
        reopened_count: 0,
        opening_evidence: serde_json::to_value(flag).unwrap(),
        latest_evidence: serde_json::to_value(flag).unwrap(),
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    let alert_view = render::AlertView::new(&alert, "alert.opened", Some(flag), "https://scores.example");
    let notification = render::alert_notification(&view, &alert_view, &report);
    insta::assert_snapshot!("alert_notification_subject", notification.subject);
    insta::assert_snapshot!("alert_notification_text", notification.text);
    let digest_view = render::DigestView {
        date: "2026-11-02".into(),
        alert_queues: vec![render::AlertQueue {
            assignee: "Unassigned".into(),
            alerts: vec![render::DigestAlert {
                tutor: tutor.name.clone(),
                title: "Frequent reschedules",
                severity: "critical",
                overdue: true,
                url: "https://scores.example/alerts/0199f466-c580-7776-b2f2-000000000001".into(),
            }],
        }],
        intervention_queues: vec![render::InterventionQueue {
            owner: "Ben Coach".into(),
            interventions: vec![
                render::DigestIntervention {
                    tutor: tutor.name.clone(),
                    title: "Coaching call".into(),
                    overdue: true,
                    date: "2026-10-30".into(),
                    url: view.url.clone(),
                },
                render::DigestIntervention {
                    tutor: tutor.name.clone(),
                    title: "Schedule review".into(),
                    overdue: false,
                    date: "2026-11-05".into(),
                    url: view.url.clone(),
                },
            ],
        }],
        new_high: vec![render::DigestTutor {
            name: tutor.name.clone(),
            external_id: tutor.external_id.clone(),
            url: view.url.clone(),
            risk_level: "HIGH",
            flags: vec!["Frequent reschedules"],
        }],
        recovered: vec![],
        common_flags: vec![render::FlagCount {
            title: "Frequent reschedules",
            tutors: 4,
        }],
        sessions: 3120,
        recomputes: 3400,
        risk: render::RiskCounts {
            low: 60,
            medium: 25,
            high: 15,
        },
        failed_emails: 1,
        dashboard_url: "https://scores.example".into(),
    };
    insta::assert_snapshot!("digest_text", render::digest(&digest_view).text);
}

#[tokio::test]
async fn the_digest_lists_tutors_who_turned_high_in_the_last_day() {
    let s = setup(SessionReports::Off).await;
    let db = s.db();
    let t = s.tutor("fresh-trouble", "Fresh Trouble").await;
    for d in 1..=6 {
        s.record(&t, SessionStatus::TutorNoShow, d).await;
    }
    let _sink = s.sink(Mode::Accept);
    s.drain().await;
    let config = mail_config(s.port, SessionReports::Off);
    let view = digest::build(db, &config, now() + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(view.new_high.len(), 1);
    assert_eq!(view.new_high[0].name, "Fresh Trouble");
    assert_eq!(view.risk.high, 1);
    assert_eq!(view.sessions, 6);
    assert!(
        view.common_flags
            .iter()
            .any(|f| f.title == "No-shows" && f.tutors == 1)
    );
    let created = digest::run(db, &config, now() + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(created, 2);
    assert_eq!(
        digest::run(db, &config, now() + Duration::hours(2))
            .await
            .unwrap(),
        0,
        "once per day"
    );
}

#[tokio::test]
async fn a_backfill_of_old_sessions_sends_no_report_about_them() {
    let s = setup(SessionReports::All).await;
    let sink = s.sink(Mode::Accept);
    let t = s.tutor("backfill", "Backfilled Tutor").await;
    // Thirty sessions of the last five weeks and one of today, as a backfill sends them.
    let mut drafts: Vec<_> = (3..33)
        .map(|d| hour_session(&t, "student-7", SessionStatus::Completed, d))
        .collect();
    drafts.push(hour_session(&t, "student-7", SessionStatus::Completed, 0));
    let recorded = s.record_batch(drafts).await;
    let today = recorded.last().unwrap().session.id;
    s.drain().await;

    let session_reports: Vec<_> = reports(s.db())
        .await
        .into_iter()
        .filter(|r| r.kind == EmailKind::SessionReport)
        .collect();
    assert_eq!(
        session_reports.len(),
        2,
        "one report per recipient, about today's session only"
    );
    assert!(session_reports.iter().all(|r| r.session_id == Some(today)));
    assert_eq!(sink.messages().len(), 2);
    assert_eq!(
        MailConfig::default().session_reports_max_age_hours,
        48,
        "the documented default"
    );
}

#[tokio::test]
async fn a_backlog_of_email_does_not_hold_back_a_score_and_recomputes_do_not_starve_email() {
    let s = setup_with(
        SessionReports::All,
        WorkerConfig {
            batch_size: 5,
            ..test_worker_config()
        },
    )
    .await;
    let _sink = s.sink(Mode::Accept);
    let first = s.tutor("first", "First Tutor").await;
    for minutes in 0..10 {
        let mut draft = hour_session(&first, "student-7", SessionStatus::Completed, 0);
        draft.scheduled_start -= Duration::minutes(minutes * 90);
        draft.actual_start = Some(draft.scheduled_start);
        draft.actual_end = Some(draft.scheduled_start + Duration::minutes(60));
        s.world.record(draft).await;
    }
    // Only the scores' queue: the twenty reports (ten sessions, two recipients) wait.
    while !s.worker.step_of(&[jobs::Queue::Scores]).await.unwrap().is_idle() {}
    let waiting = Job::find()
        .filter(entity::job::Column::Kind.eq(entity::JobKind::SendEmail))
        .filter(entity::job::Column::Status.eq(entity::JobStatus::Queued))
        .count(s.db())
        .await
        .unwrap();
    assert_eq!(waiting, 20);

    // A session of another tutor arrives behind the backlog, and more recomputes after it.
    s.clock.advance(Duration::seconds(1));
    let second = s.tutor("second", "Second Tutor").await;
    s.world
        .record(hour_session(&second, "student-8", SessionStatus::Completed, 0))
        .await;
    let third = s.tutor("third", "Third Tutor").await;
    for _ in 0..6 {
        jobs::enqueue_recompute(s.db(), [third.id], s.clock.now())
            .await
            .unwrap();
    }
    let outcome = s.worker.step().await.unwrap();
    assert!(
        TutorScore::find_by_id(second.id)
            .one(s.db())
            .await
            .unwrap()
            .is_some(),
        "the new session's score did not wait for the twenty emails queued before it"
    );
    assert_eq!(
        outcome.emails, 5,
        "and email went on in the same step: {outcome:?}"
    );
}

#[tokio::test]
async fn the_running_worker_mails_a_sessions_report_as_soon_as_its_recompute_queues_it() {
    // A poll far longer than the test: the email loop is not woken by the session's nudge
    // (that one is for the scores), only by the scores' step that queued the reports.
    let s = setup_with(
        SessionReports::All,
        WorkerConfig {
            poll_interval_ms: 600_000,
            ..test_worker_config()
        },
    )
    .await;
    let _sink = s.sink(Mode::Accept);
    let tutor = s.tutor("live", "Live Tutor").await;
    let shutdown = tokio_util::sync::CancellationToken::new();
    let running = tokio::spawn(s.worker.clone().run(shutdown.clone()));
    s.record(&tutor, SessionStatus::Completed, 0).await;

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let sent = reports(s.db())
            .await
            .iter()
            .filter(|r| r.status == EmailStatus::Sent)
            .count();
        if sent == 2 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the report waited for the poll: {sent} of 2 sent"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    shutdown.cancel();
    running.await.unwrap();
}
