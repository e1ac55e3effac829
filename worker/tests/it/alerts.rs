//! Alerts through the worker and a coach's actions, with a manual clock: the lifecycle, the
//! automatic recovery, reopening inside and outside the window, escalation and its one
//! notification, one unresolved alert per tutor and flag under concurrent recomputes, two
//! coaches at once, and an audit entry for every transition.

use chrono::Duration;
use entity::{
    ActorKind, AlertResolution, AlertSeverity, AlertStatus, EmailKind, RescheduleInitiator, SessionStatus,
    UserRole, alert, audit_event, prelude::*, tutor, user,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use worker::{
    alerts::store::{Action, act},
    audit::Actor,
    clock::Clock,
    error::DomainError,
    events::SharedBus,
    jobs,
    mail::{MailConfig, MailService, SessionReports},
    people::{
        PeopleConfig,
        store::{NewUser, create_user},
    },
    sessions::RescheduleDraft,
};

use crate::{
    helpers::{TestWorld, hour_session, spawn_worker, spawn_worker_with, test_worker_config, worker_for},
    smtp::{Mode, SmtpSink},
};

/// Records `reschedules` tutor-initiated reschedules among `completed` completed sessions,
/// spread evenly, five hours apart going back from now. Twelve of sixty (20%) is a warning: above the 15% line,
/// far from the 40% critical level.
async fn sessions(world: &TestWorld, tutor: &tutor::Model, reschedules: usize, completed: usize) {
    let offset = chrono::Duration::minutes(world.clock.now().timestamp() % 997);
    let total = reschedules + completed;
    for i in 0..total {
        let start = world.clock.now() - Duration::hours(5 * i as i64 + 2) - offset;
        let mut draft = hour_session(tutor, &format!("student-{}", i % 3), SessionStatus::Completed, 0);
        draft.scheduled_start = start;
        // Spread evenly, so that every window sees the same rate.
        if (i + 1) * reschedules / total != i * reschedules / total {
            draft.status = SessionStatus::Rescheduled;
            draft.actual_start = None;
            draft.actual_end = None;
            draft.rating = None;
            draft.reschedule = Some(RescheduleDraft {
                initiator: RescheduleInitiator::Tutor,
                reason_code: Some("schedule_conflict".into()),
                reason: None,
                new_start: Some(start + Duration::days(2)),
                requested_at: start - Duration::hours(48),
            });
        } else {
            draft.actual_start = Some(start);
            draft.actual_end = Some(start + Duration::minutes(60));
        }
        world.record(draft).await;
    }
}

async fn alerts_of(world: &TestWorld, tutor: &tutor::Model) -> Vec<alert::Model> {
    Alert::find()
        .filter(alert::Column::TutorId.eq(tutor.id))
        .order_by_asc(alert::Column::CreatedAt)
        .all(world.db())
        .await
        .unwrap()
}

async fn person(world: &TestWorld, name: &str, role: UserRole) -> user::Model {
    let new = NewUser {
        email: format!("{}@coaches.example", name.to_lowercase()),
        name: name.into(),
        role,
        password: Some("a long enough password".into()),
    };
    create_user(
        world.db(),
        &Actor::system(),
        new,
        &PeopleConfig::default(),
        world.clock.now(),
    )
    .await
    .unwrap()
    .0
}

fn bus(world: &TestWorld) -> SharedBus {
    world.bus.clone()
}

async fn history(world: &TestWorld, alert: &alert::Model) -> Vec<audit_event::Model> {
    worker::alerts::read::history(world.db(), alert.id).await.unwrap()
}

#[tokio::test]
async fn an_alert_goes_open_acknowledged_snoozed_open_again_and_resolved_with_every_step_audited() {
    let w = spawn_worker(None).await;
    let t = w.tutor("ava", "Ava").await;
    let coach = person(&w, "Ben", UserRole::Coach).await;
    sessions(&w, &t, 12, 48).await;
    w.drain().await;
    let opened = alerts_of(&w, &t).await;
    assert_eq!(opened.len(), 1, "one alert for the one flag");
    let a = &opened[0];
    assert_eq!(
        (a.status, a.severity, a.flag_code.as_str(), a.version),
        (AlertStatus::Open, AlertSeverity::Warning, "reschedule_rate", 1)
    );
    assert_eq!(
        a.ack_due_at,
        w.clock.now() + Duration::hours(72),
        "a warning is due in 72 h"
    );
    let rate = a.opening_evidence["rate"].as_f64().unwrap();
    assert!(
        (18.0..=22.0).contains(&rate),
        "the evidence holds the numbers: {}",
        a.opening_evidence
    );
    assert!(
        a.opening_evidence["evidence"]
            .as_str()
            .unwrap()
            .contains("rescheduled by the tutor")
    );

    let ben = Actor::user(&coach);
    let now = w.clock.now();
    let acknowledged = act(w.db(), &bus(&w), &ben, a.id, 1, &Action::Acknowledge, now)
        .await
        .unwrap();
    assert_eq!(
        (acknowledged.alert.status, acknowledged.alert.version),
        (AlertStatus::Acknowledged, 2)
    );
    let until = now + Duration::days(1);
    let snoozed = act(w.db(), &bus(&w), &ben, a.id, 2, &Action::Snooze { until }, now)
        .await
        .unwrap();
    assert_eq!(snoozed.alert.status, AlertStatus::Snoozed);

    // Nothing wakes it before its time; the recompute due at its end does.
    w.drain().await;
    assert_eq!(alerts_of(&w, &t).await[0].status, AlertStatus::Snoozed);
    w.clock.advance(Duration::days(1) + Duration::minutes(1));
    w.drain().await;
    let woken = &alerts_of(&w, &t).await[0];
    assert_eq!(
        (woken.status, woken.version),
        (AlertStatus::Open, 4),
        "still flagged: open again"
    );

    let resolve = Action::Resolve {
        resolution: AlertResolution::Actioned,
        note: Some("Called the tutor.".into()),
    };
    let resolved = act(w.db(), &bus(&w), &ben, a.id, 4, &resolve, w.clock.now())
        .await
        .unwrap();
    assert_eq!(
        (resolved.alert.status, resolved.alert.resolution),
        (AlertStatus::Resolved, Some(AlertResolution::Actioned))
    );

    let trail = history(&w, a).await;
    let steps: Vec<(&str, ActorKind, Option<&str>)> = trail
        .iter()
        .map(|e| (e.action.as_str(), e.actor_kind, e.note.as_deref()))
        .collect();
    assert_eq!(
        steps,
        [
            ("alert.opened", ActorKind::System, None),
            ("alert.acknowledged", ActorKind::User, None),
            ("alert.snoozed", ActorKind::User, None),
            ("alert.woke", ActorKind::System, None),
            ("alert.resolved", ActorKind::User, Some("Called the tutor.")),
        ]
    );
    assert!(trail[1..].iter().all(|e| e.before.is_some() && e.after.is_some()));
    assert_eq!(trail[1].actor_id, Some(coach.id));
    assert_eq!(trail[4].after.as_ref().unwrap()["status"], "resolved");

    // A resolved alert refuses further actions, naming its state; an unknown one is not found.
    let refused = act(
        w.db(),
        &bus(&w),
        &ben,
        a.id,
        5,
        &Action::Acknowledge,
        w.clock.now(),
    )
    .await;
    assert!(matches!(refused, Err(DomainError::Invalid { rule, .. }) if rule.contains("RESOLVED")));
    let missing = act(
        w.db(),
        &bus(&w),
        &ben,
        uuid::Uuid::now_v7(),
        1,
        &Action::Acknowledge,
        w.clock.now(),
    )
    .await;
    assert!(matches!(missing, Err(DomainError::NotFound(_))));
}

#[tokio::test]
async fn a_cleared_flag_resolves_its_alert_as_recovered_whatever_its_state() {
    let w = spawn_worker(None).await;
    let t = w.tutor("cy", "Cy").await;
    let coach = person(&w, "Ben", UserRole::Coach).await;
    sessions(&w, &t, 12, 48).await;
    w.drain().await;
    let a = alerts_of(&w, &t).await.remove(0);
    act(
        w.db(),
        &bus(&w),
        &Actor::user(&coach),
        a.id,
        1,
        &Action::Acknowledge,
        w.clock.now(),
    )
    .await
    .unwrap();
    // Every session leaves the windows: no evidence, no flag.
    w.clock.advance(Duration::days(100));
    jobs::enqueue_recompute(w.db(), [t.id], w.clock.now())
        .await
        .unwrap();
    w.drain().await;
    let recovered = alerts_of(&w, &t).await.remove(0);
    assert_eq!(
        (recovered.status, recovered.resolution, recovered.resolved_at),
        (
            AlertStatus::Resolved,
            Some(AlertResolution::Recovered),
            Some(w.clock.now())
        )
    );
    assert_eq!(
        history(&w, &recovered).await.last().unwrap().action,
        "alert.recovered"
    );
}

#[tokio::test]
async fn a_flag_returning_within_the_window_reopens_its_alert_and_later_opens_a_new_one() {
    let w = spawn_worker(None).await;
    let (inside, outside) = (w.tutor("in", "Inside").await, w.tutor("out", "Outside").await);
    for t in [&inside, &outside] {
        sessions(&w, t, 12, 48).await;
    }
    w.drain().await;
    w.clock.advance(Duration::days(100));
    jobs::enqueue_recompute(w.db(), [inside.id, outside.id], w.clock.now())
        .await
        .unwrap();
    w.drain().await;
    assert!(
        alerts_of(&w, &inside)
            .await
            .iter()
            .all(|a| a.status == AlertStatus::Resolved)
    );

    // Ten days after the recovery for one tutor, forty for the other (ALERT_REOPEN_DAYS is 30).
    w.clock.advance(Duration::days(10));
    sessions(&w, &inside, 12, 48).await;
    w.drain().await;
    w.clock.advance(Duration::days(30));
    sessions(&w, &outside, 12, 48).await;
    w.drain().await;

    let reopened = alerts_of(&w, &inside).await;
    assert_eq!(reopened.len(), 1, "the same alert");
    assert_eq!(
        (
            reopened[0].status,
            reopened[0].reopened_count,
            reopened[0].resolution
        ),
        (AlertStatus::Open, 1, None)
    );
    assert_eq!(
        history(&w, &reopened[0]).await.last().unwrap().action,
        "alert.reopened"
    );
    let renewed = alerts_of(&w, &outside).await;
    assert_eq!(renewed.len(), 2, "past the window: a new alert");
    assert_eq!(
        (renewed[0].status, renewed[1].status, renewed[1].reopened_count),
        (AlertStatus::Resolved, AlertStatus::Open, 0)
    );
}

#[tokio::test]
async fn an_alert_a_coach_resolved_stays_resolved_while_its_flag_stands_and_opens_again_when_it_returns() {
    let w = spawn_worker(None).await;
    let t = w.tutor("dismissed", "Dismissed").await;
    sessions(&w, &t, 12, 48).await;
    w.drain().await;
    let coach = person(&w, "Coach", UserRole::Coach).await;
    let opened = alerts_of(&w, &t).await;
    assert_eq!(opened.len(), 1);
    act(
        w.db(),
        &bus(&w),
        &Actor::user(&coach),
        opened[0].id,
        opened[0].version,
        &Action::Resolve {
            resolution: AlertResolution::FalseAlarm,
            note: Some("A platform outage, not the tutor.".into()),
        },
        w.clock.now(),
    )
    .await
    .unwrap();

    // More sessions at the same rate: the flag stands, and so does the coach's verdict.
    w.clock.advance(Duration::hours(1));
    sessions(&w, &t, 1, 4).await;
    w.drain().await;
    let after = alerts_of(&w, &t).await;
    assert_eq!(after.len(), 1, "no new alert for a flag that never left");
    assert_eq!(
        (after[0].status, after[0].resolution),
        (AlertStatus::Resolved, Some(AlertResolution::FalseAlarm))
    );

    // The flag clears (the sessions leave the windows), then returns: an alert opens again
    // (a new one here: the verdict is older than ALERT_REOPEN_DAYS), and the verdict stays.
    w.clock.advance(Duration::days(100));
    jobs::enqueue_recompute(w.db(), [t.id], w.clock.now())
        .await
        .unwrap();
    w.drain().await;
    w.clock.advance(Duration::days(5));
    sessions(&w, &t, 12, 48).await;
    w.drain().await;
    let returned = alerts_of(&w, &t).await;
    assert_eq!(returned.len(), 2, "a flag that came back is an alert again");
    assert_eq!(
        (returned[0].status, returned[0].resolution),
        (AlertStatus::Resolved, Some(AlertResolution::FalseAlarm))
    );
    assert_eq!(returned[1].status, AlertStatus::Open);
}

#[tokio::test]
async fn an_escalation_notifies_the_assignee_once_and_openings_go_to_the_administrators() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mail = MailConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}").into()),
        to: vec!["ops@example.com".into(), "lead@example.com".into()],
        session_reports: SessionReports::Off,
        public_url: "https://scores.example".into(),
        ..MailConfig::default()
    };
    let w = spawn_worker_with(
        Some(MailService::from_config(mail).unwrap()),
        test_worker_config(),
    )
    .await;
    let sink = SmtpSink::start(port, Mode::Accept);
    let t = w.tutor("esc", "Escalating Tutor").await;
    let coach = person(&w, "Cleo", UserRole::Coach).await;
    sessions(&w, &t, 12, 48).await;
    w.drain().await;
    let a = alerts_of(&w, &t).await.remove(0);
    act(
        w.db(),
        &bus(&w),
        &Actor::user(&coach),
        a.id,
        1,
        &Action::Acknowledge,
        w.clock.now(),
    )
    .await
    .unwrap();
    act(
        w.db(),
        &bus(&w),
        &Actor::user(&coach),
        a.id,
        2,
        &Action::Assign(Some(coach.id)),
        w.clock.now(),
    )
    .await
    .unwrap();

    // Forty more reschedules (52 of 100), then several recomputes while critical.
    w.clock.advance(Duration::minutes(30));
    sessions(&w, &t, 40, 0).await;
    for _ in 0..3 {
        jobs::enqueue_recompute(w.db(), [t.id], w.clock.now())
            .await
            .unwrap();
        w.drain().await;
    }
    let escalated = alerts_of(&w, &t).await.remove(0);
    assert_eq!(
        (escalated.severity, escalated.status),
        (AlertSeverity::Critical, AlertStatus::Acknowledged),
        "escalation keeps the acknowledgement"
    );
    let notifications: Vec<_> = EmailReport::find()
        .filter(entity::email_report::Column::Kind.eq(EmailKind::RiskAlert))
        .order_by_asc(entity::email_report::Column::CreatedAt)
        .all(w.db())
        .await
        .unwrap();
    let mut sent: Vec<(bool, &str)> = notifications
        .iter()
        .map(|r| (r.subject.contains("is now CRITICAL"), r.recipient.as_str()))
        .collect();
    sent.sort();
    assert_eq!(
        sent,
        [
            (false, "lead@example.com"),
            (false, "ops@example.com"),
            (true, "cleo@coaches.example")
        ],
        "the opening to the administrators, the escalation to the assignee, once each"
    );
    assert_eq!(sink.messages().len(), 3);
}

#[tokio::test]
async fn two_workers_recomputing_one_tutor_at_once_leave_one_unresolved_alert_per_flag() {
    let w = spawn_worker(None).await;
    let other = worker_for(w.db(), &w.clock, &w.bus);
    let t = w.tutor("busy", "Busy").await;
    sessions(&w, &t, 12, 48).await;
    for _ in 0..40 {
        jobs::enqueue_recompute(w.db(), [t.id], w.clock.now())
            .await
            .unwrap();
    }
    loop {
        let (a, b) = tokio::join!(w.worker.step(), other.step());
        if a.unwrap().is_idle() && b.unwrap().is_idle() {
            break;
        }
    }
    let unresolved: Vec<_> = alerts_of(&w, &t)
        .await
        .into_iter()
        .filter(|a| a.status != AlertStatus::Resolved)
        .collect();
    assert_eq!(unresolved.len(), 1);
    // The database holds the rule itself: a second unresolved alert for the flag is refused.
    let mut twin: alert::ActiveModel = unresolved[0].clone().into();
    twin.id = Set(uuid::Uuid::now_v7());
    let refused = twin.insert(w.db()).await;
    assert!(refused.is_err_and(|e| worker::db::is_unique_violation(&e)));
}

#[tokio::test]
async fn of_two_coaches_acting_on_one_alert_at_once_one_wins_and_the_other_gets_a_conflict() {
    let w = spawn_worker(None).await;
    let t = w.tutor("race", "Race").await;
    let (ben, cleo) = (
        person(&w, "Ben", UserRole::Coach).await,
        person(&w, "Cleo", UserRole::Coach).await,
    );
    sessions(&w, &t, 12, 48).await;
    w.drain().await;
    let a = alerts_of(&w, &t).await.remove(0);
    let (bus, now) = (bus(&w), w.clock.now());
    let (ben, cleo) = (Actor::user(&ben), Actor::user(&cleo));
    let resolve = Action::Resolve {
        resolution: AlertResolution::FalseAlarm,
        note: None,
    };
    let (first, second) = tokio::join!(
        act(w.db(), &bus, &ben, a.id, 1, &Action::Acknowledge, now),
        act(w.db(), &bus, &cleo, a.id, 1, &resolve, now),
    );
    let outcomes = [first.is_ok(), second.is_ok()];
    assert_eq!(
        outcomes.iter().filter(|ok| **ok).count(),
        1,
        "exactly one wins: {outcomes:?}"
    );
    let loser = if first.is_ok() { second } else { first };
    assert!(matches!(loser, Err(DomainError::Conflict(m)) if m.contains("version 1")));
    assert_eq!(alerts_of(&w, &t).await[0].version, 2);
    assert_eq!(
        history(&w, &a).await.len(),
        2,
        "the opening and the one action that happened"
    );
}

#[tokio::test]
async fn only_active_coaches_and_admins_take_alerts_and_snoozes_have_bounds() {
    let w = spawn_worker(None).await;
    let t = w.tutor("rules", "Rules").await;
    let viewer = person(&w, "Dev", UserRole::Viewer).await;
    sessions(&w, &t, 12, 48).await;
    w.drain().await;
    let a = alerts_of(&w, &t).await.remove(0);
    let (bus, now, actor) = (bus(&w), w.clock.now(), Actor::local());
    let to_viewer = act(
        w.db(),
        &bus,
        &actor,
        a.id,
        1,
        &Action::Assign(Some(viewer.id)),
        now,
    )
    .await;
    assert!(matches!(to_viewer, Err(DomainError::Invalid { field, .. }) if field == "assigneeId"));
    for until in [now - Duration::minutes(1), now + Duration::days(91)] {
        let snooze = act(w.db(), &bus, &actor, a.id, 1, &Action::Snooze { until }, now).await;
        assert!(matches!(snooze, Err(DomainError::Invalid { field, .. }) if field == "until"));
    }
    let recovered = Action::Resolve {
        resolution: AlertResolution::Recovered,
        note: None,
    };
    assert!(act(w.db(), &bus, &actor, a.id, 1, &recovered, now).await.is_err());
    assert_eq!(alerts_of(&w, &t).await[0].version, 1, "nothing changed");
}
