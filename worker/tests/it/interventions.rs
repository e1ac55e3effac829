//! Interventions through the worker with a manual clock: plan -> done -> the follow-up
//! measured `FOLLOW_UP_DAYS` later with each outcome from constructed sessions; the
//! follow-up surviving a restart and running once; overdue marking; conflicts and bad
//! input; effectiveness and precision on a constructed data set, checked by hand; the
//! timeline's order and pages; notes kept as written and escaped.

use chrono::{DateTime, Duration, Utc};
use entity::{
    ActorKind, AlertKind, AlertResolution, AlertSeverity, AlertStatus, EmailKind, EmailStatus,
    InterventionStatus, JobKind, JobStatus, OutcomeVerdict, RescheduleInitiator, SessionStatus, UserRole,
    alert, audit_event, email_report, intervention, intervention_outcome, job, prelude::*, tutor, user,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;
use worker::{
    audit::Actor,
    clock::Clock,
    error::DomainError,
    events::SharedBus,
    interventions::{
        InterventionsConfig, effectiveness, is_overdue,
        read::{self, InterventionFilter, InterventionSort},
        store::{self, Completion, Plan},
    },
    jobs, notes,
    pagination::PageRequest,
    people::{
        PeopleConfig,
        store::{NewUser, create_user},
    },
    sessions::RescheduleDraft,
    timeline::{self, ItemKind},
};

use crate::helpers::{TestWorld, hour_session, now, spawn_worker, worker_for};

fn bus(world: &TestWorld) -> SharedBus {
    world.bus.clone()
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

/// Records `total` one-hour sessions of `tutor` starting at `from`, 20 hours apart, of which
/// `reschedules` (spread evenly) were rescheduled by the tutor and the rest completed on time.
async fn sessions_from(
    world: &TestWorld,
    tutor: &tutor::Model,
    from: DateTime<Utc>,
    total: usize,
    reschedules: usize,
) {
    for i in 0..total {
        let start = from + Duration::hours(20 * i as i64);
        let mut draft = hour_session(tutor, &format!("student-{}", i % 3), SessionStatus::Completed, 0);
        draft.scheduled_start = start;
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

/// A tutor with `reschedules` of 30 sessions in the 25 days before now rescheduled, scored,
/// and its reschedule-rate alert.
async fn flagged(world: &TestWorld, key: &str, reschedules: usize) -> (tutor::Model, alert::Model) {
    let t = world.tutor(key, &format!("Tutor {key}")).await;
    sessions_from(world, &t, world.clock.now() - Duration::days(26), 30, reschedules).await;
    world.drain().await;
    let a = Alert::find()
        .filter(alert::Column::TutorId.eq(t.id))
        .one(world.db())
        .await
        .unwrap()
        .expect("the tutor is flagged");
    assert_eq!(a.flag_code, "reschedule_rate");
    (t, a)
}

fn plan_for(t: &tutor::Model, a: &alert::Model, kind: &str) -> Plan {
    Plan {
        tutor_id: t.id,
        alert_ids: vec![a.id],
        kind: kind.into(),
        owner_id: None,
        due_at: None,
        notes: Some("Call them about the reschedules.".into()),
    }
}

async fn audit_of(world: &TestWorld, subject: &str, id: Uuid) -> Vec<audit_event::Model> {
    worker::audit::of_subject(world.db(), subject, &id.to_string())
        .await
        .unwrap()
}

/// Plans and completes an intervention on a tutor with `before` of 30 rescheduled, then
/// records `after` sessions (`after_reschedules` of them rescheduled) in the 28 days after,
/// lets the follow-up run, and returns the intervention and its outcome rows.
async fn measured(
    before: usize,
    after: usize,
    after_reschedules: usize,
) -> (intervention::Model, Vec<intervention_outcome::Model>) {
    let w = spawn_worker(None).await;
    let coach = person(&w, "Ben", UserRole::Coach).await;
    let (t, a) = flagged(&w, "t", before).await;
    let ben = Actor::user(&coach);
    let config = InterventionsConfig::default();
    let planned = store::plan(
        w.db(),
        &bus(&w),
        &ben,
        &plan_for(&t, &a, "coaching_call"),
        &config,
        w.clock.now(),
    )
    .await
    .unwrap();
    let done_at = w.clock.now();
    let completion = Completion {
        note: Some("We agreed on fixed hours.".into()),
        resolve_alerts: true,
    };
    let (done, resolved) = store::complete(
        w.db(),
        &bus(&w),
        &ben,
        planned.intervention.id,
        1,
        &completion,
        &config,
        done_at,
    )
    .await
    .unwrap();
    assert_eq!(done.intervention.follow_up_at, Some(done_at + Duration::days(28)));
    assert_eq!(resolved.len(), 1, "the linked alert was resolved");
    assert_eq!(resolved[0].alert.resolution, Some(AlertResolution::Actioned));
    // Nothing is measured before the follow-up is due.
    w.clock.advance(Duration::days(27));
    w.drain().await;
    assert!(
        read::by_id(w.db(), done.intervention.id)
            .await
            .unwrap()
            .unwrap()
            .measured_at
            .is_none()
    );
    w.clock.advance(Duration::days(1) + Duration::hours(1));
    if after > 0 {
        sessions_from(&w, &t, done_at + Duration::days(1), after, after_reschedules).await;
    }
    w.drain().await;
    let i = read::by_id(w.db(), done.intervention.id).await.unwrap().unwrap();
    let outcomes = worker::interventions::outcome::of_intervention(w.db(), i.id)
        .await
        .unwrap();
    let measures = audit_of(&w, "intervention", i.id)
        .await
        .into_iter()
        .filter(|e| e.action == "intervention.measured")
        .count();
    assert_eq!(measures, 1, "measured once");
    (i, outcomes)
}

#[tokio::test]
async fn a_follow_up_after_fewer_reschedules_records_improved_with_the_numbers() {
    let (i, outcomes) = measured(12, 30, 0).await;
    assert_eq!(i.outcome, Some(OutcomeVerdict::Improved));
    assert_eq!(outcomes.len(), 1);
    let o = &outcomes[0];
    assert_eq!(
        (
            o.flag_code.as_str(),
            o.before_count,
            o.before_out_of,
            o.after_count,
            o.after_out_of
        ),
        ("reschedule_rate", 12, 30, 0, 30)
    );
    assert_eq!((o.before_rate, o.after_rate, o.change), (40.0, 0.0, -40.0));
    assert!(o.change_high < 0.0, "the whole interval is below zero: {o:?}");
    assert!(
        o.sentence
            .starts_with("reschedules 12 of 30 before, 0 of 30 after"),
        "{}",
        o.sentence
    );
    assert_eq!(o.period_days, 28);
}

#[tokio::test]
async fn a_follow_up_with_about_the_same_rate_records_no_change() {
    let (i, outcomes) = measured(12, 30, 9).await;
    assert_eq!(i.outcome, Some(OutcomeVerdict::NoChange));
    let o = &outcomes[0];
    assert_eq!((o.before_count, o.after_count), (12, 9));
    assert!(o.change_low < 0.0 && o.change_high > 0.0, "{o:?}");
}

#[tokio::test]
async fn a_follow_up_with_more_reschedules_records_worse() {
    let (i, outcomes) = measured(9, 30, 24).await;
    assert_eq!(i.outcome, Some(OutcomeVerdict::Worse));
    assert!(outcomes[0].change_low > 0.0);
    assert_eq!(outcomes[0].verdict, OutcomeVerdict::Worse);
}

#[tokio::test]
async fn a_follow_up_with_too_few_sessions_after_records_not_enough_data() {
    let (i, outcomes) = measured(12, 3, 0).await;
    assert_eq!(i.outcome, Some(OutcomeVerdict::NotEnoughData));
    assert_eq!((outcomes[0].after_count, outcomes[0].after_out_of), (0, 3));
    assert!(
        outcomes[0].sentence.contains("too few to judge"),
        "{}",
        outcomes[0].sentence
    );
}

#[tokio::test]
async fn a_tutor_without_sessions_after_is_recorded_as_churned() {
    let (i, outcomes) = measured(12, 0, 0).await;
    assert_eq!(i.outcome, Some(OutcomeVerdict::Churned));
    assert_eq!(outcomes[0].verdict, OutcomeVerdict::Churned);
    assert_eq!(outcomes[0].after_out_of, 0);
}

#[tokio::test]
async fn the_follow_up_survives_a_worker_restart_and_runs_once() {
    let w = spawn_worker(None).await;
    let coach = person(&w, "Ben", UserRole::Coach).await;
    let (t, a) = flagged(&w, "t", 12).await;
    let ben = Actor::user(&coach);
    let config = InterventionsConfig::default();
    let p = store::plan(
        w.db(),
        &bus(&w),
        &ben,
        &plan_for(&t, &a, "schedule_review"),
        &config,
        w.clock.now(),
    )
    .await
    .unwrap();
    store::complete(
        w.db(),
        &bus(&w),
        &ben,
        p.intervention.id,
        1,
        &Completion::default(),
        &config,
        w.clock.now(),
    )
    .await
    .unwrap();
    let follow_up = Job::find()
        .filter(job::Column::Kind.eq(JobKind::MeasureOutcome))
        .one(w.db())
        .await
        .unwrap()
        .expect("the follow-up is a job on the queue");
    assert_eq!(follow_up.run_after, w.clock.now() + Duration::days(28));
    // The first worker is gone; another starts on the same database, 28 days later. A second
    // copy of the job (a retry, a duplicate) finds the outcome measured.
    let TestWorld {
        database,
        clock,
        bus,
        worker,
    } = w;
    drop(worker);
    let w = TestWorld {
        worker: worker_for(&database.db, &clock, &bus),
        database,
        clock,
        bus,
    };
    w.clock.advance(Duration::days(28) + Duration::minutes(1));
    let payload = serde_json::json!({ "intervention_id": p.intervention.id });
    Job::insert(jobs::new_job(
        JobKind::MeasureOutcome,
        payload,
        w.clock.now(),
        w.clock.now(),
    ))
    .exec_without_returning(w.db())
    .await
    .unwrap();
    w.drain().await;
    let i = read::by_id(w.db(), p.intervention.id).await.unwrap().unwrap();
    assert!(i.measured_at.is_some());
    assert_eq!(i.outcome, Some(OutcomeVerdict::Churned), "no sessions after");
    let outcomes = InterventionOutcome::find().count(w.db()).await.unwrap();
    assert_eq!(outcomes, 1);
    let measured = audit_of(&w, "intervention", i.id)
        .await
        .into_iter()
        .filter(|e| e.action == "intervention.measured")
        .count();
    assert_eq!(measured, 1, "measured once, whatever ran");
    let jobs_left = Job::find()
        .filter(job::Column::Kind.eq(JobKind::MeasureOutcome))
        .filter(job::Column::Status.ne(JobStatus::Done))
        .count(w.db())
        .await
        .unwrap();
    assert_eq!(jobs_left, 0);
}

#[tokio::test]
async fn due_dates_follow_severity_and_planned_work_past_them_is_overdue() {
    let w = spawn_worker(None).await;
    let coach = person(&w, "Ben", UserRole::Coach).await;
    let (t, a) = flagged(&w, "t", 12).await;
    let config = InterventionsConfig::default();
    let ben = Actor::user(&coach);
    let p = store::plan(
        w.db(),
        &bus(&w),
        &ben,
        &plan_for(&t, &a, "coaching_call"),
        &config,
        w.clock.now(),
    )
    .await
    .unwrap()
    .intervention;
    let days = match a.severity {
        AlertSeverity::Critical => 2,
        AlertSeverity::Warning => 7,
    };
    assert_eq!(p.due_at, w.clock.now() + Duration::days(days));
    assert_eq!(p.owner_id, coach.id, "the planner owns it by default");
    let overdue = InterventionFilter {
        overdue: Some(true),
        ..InterventionFilter::default()
    };
    let list = |now: DateTime<Utc>| {
        let db = w.db().clone();
        let overdue = overdue.clone();
        async move {
            let request = PageRequest::new(20, None, InterventionSort::DueAt.name(), false).unwrap();
            let (page, total) = read::list(&db, &overdue, InterventionSort::DueAt, &request, now)
                .await
                .unwrap();
            (page.rows.len(), total)
        }
    };
    assert_eq!(list(w.clock.now()).await, (0, 0));
    assert!(!is_overdue(&p, w.clock.now()));
    w.clock.advance(Duration::days(days) + Duration::minutes(1));
    assert!(is_overdue(&p, w.clock.now()));
    assert_eq!(list(w.clock.now()).await, (1, 1));
    store::cancel(
        w.db(),
        &bus(&w),
        &ben,
        p.id,
        1,
        Some("They left the platform."),
        w.clock.now(),
    )
    .await
    .unwrap();
    assert_eq!(
        list(w.clock.now()).await,
        (0, 0),
        "a cancelled one is not overdue"
    );
}

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing_and_a_stale_version_is_a_conflict() {
    let w = spawn_worker(None).await;
    let coach = person(&w, "Ben", UserRole::Coach).await;
    let viewer = person(&w, "Vera", UserRole::Viewer).await;
    let (t, a) = flagged(&w, "t", 12).await;
    let (_, other_alert) = flagged(&w, "u", 12).await;
    let config = InterventionsConfig::default();
    let ben = Actor::user(&coach);
    let now = w.clock.now();
    let refused = |r: Result<_, DomainError>| match r {
        Err(DomainError::Invalid { field, rule }) => (field, rule),
        other => panic!("expected a refusal, got {other:?}"),
    };
    let mut p = plan_for(&t, &a, "pep_talk");
    let (field, rule) = refused(store::plan(w.db(), &bus(&w), &ben, &p, &config, now).await);
    assert_eq!(field, "input.type");
    assert!(rule.contains("coaching_call"), "{rule}");
    p.kind = "coaching_call".into();
    p.alert_ids = vec![other_alert.id];
    assert_eq!(
        refused(store::plan(w.db(), &bus(&w), &ben, &p, &config, now).await).0,
        "input.alertIds[0]"
    );
    p.alert_ids = vec![];
    assert_eq!(
        refused(store::plan(w.db(), &bus(&w), &ben, &p, &config, now).await).0,
        "input.alertIds"
    );
    p.alert_ids = vec![a.id];
    p.due_at = Some(now - Duration::hours(1));
    assert_eq!(
        refused(store::plan(w.db(), &bus(&w), &ben, &p, &config, now).await).0,
        "input.dueAt"
    );
    p.due_at = None;
    p.owner_id = Some(viewer.id);
    assert_eq!(
        refused(store::plan(w.db(), &bus(&w), &ben, &p, &config, now).await).0,
        "input.ownerId"
    );
    p.owner_id = None;
    p.alert_ids = vec![Uuid::now_v7()];
    assert!(matches!(
        store::plan(w.db(), &bus(&w), &ben, &p, &config, now).await,
        Err(DomainError::NotFound(_))
    ));
    assert_eq!(
        Intervention::find().count(w.db()).await.unwrap(),
        0,
        "nothing was written"
    );

    p.alert_ids = vec![a.id];
    let planned = store::plan(w.db(), &bus(&w), &ben, &p, &config, now)
        .await
        .unwrap()
        .intervention;
    // Two coaches at once: the first wins, the second acted on version 1 and is told.
    store::cancel(w.db(), &bus(&w), &ben, planned.id, 1, None, now)
        .await
        .unwrap();
    let stale = store::complete(
        w.db(),
        &bus(&w),
        &ben,
        planned.id,
        1,
        &Completion::default(),
        &config,
        now,
    )
    .await;
    assert!(matches!(stale, Err(DomainError::Conflict(m)) if m.contains("CANCELLED")));
    let not_allowed = store::complete(
        w.db(),
        &bus(&w),
        &ben,
        planned.id,
        2,
        &Completion::default(),
        &config,
        now,
    )
    .await;
    assert!(matches!(not_allowed, Err(DomainError::Invalid { rule, .. }) if rule.contains("CANCELLED")));
    let trail: Vec<_> = audit_of(&w, "intervention", planned.id)
        .await
        .into_iter()
        .map(|e| (e.action, e.actor_kind, e.actor_id))
        .collect();
    assert_eq!(
        trail,
        [
            ("intervention.planned".to_owned(), ActorKind::User, Some(coach.id)),
            (
                "intervention.cancelled".to_owned(),
                ActorKind::User,
                Some(coach.id)
            ),
        ]
    );
}

#[tokio::test]
async fn only_the_owner_or_an_admin_assesses_and_both_verdicts_are_kept() {
    let w = spawn_worker(None).await;
    let ben_user = person(&w, "Ben", UserRole::Coach).await;
    let cleo_user = person(&w, "Cleo", UserRole::Coach).await;
    let (t, a) = flagged(&w, "t", 12).await;
    let config = InterventionsConfig::default();
    let (ben, cleo) = (Actor::user(&ben_user), Actor::user(&cleo_user));
    let now = w.clock.now();
    let p = store::plan(
        w.db(),
        &bus(&w),
        &ben,
        &plan_for(&t, &a, "coaching_call"),
        &config,
        now,
    )
    .await
    .unwrap()
    .intervention;
    let early = store::assess(
        w.db(),
        &bus(&w),
        &ben,
        p.id,
        1,
        OutcomeVerdict::Improved,
        None,
        now,
    )
    .await;
    assert!(matches!(early, Err(DomainError::Invalid { rule, .. }) if rule.contains("PLANNED")));
    let (done, _) = store::complete(
        w.db(),
        &bus(&w),
        &ben,
        p.id,
        1,
        &Completion::default(),
        &config,
        now,
    )
    .await
    .unwrap();
    let v = done.intervention.version;
    let not_owner = store::assess(w.db(), &bus(&w), &cleo, p.id, v, OutcomeVerdict::Worse, None, now).await;
    assert!(matches!(not_owner, Err(DomainError::NotAllowed(why)) if why.contains("owner")));
    let measured_only = store::assess(
        w.db(),
        &bus(&w),
        &ben,
        p.id,
        v,
        OutcomeVerdict::Churned,
        None,
        now,
    )
    .await;
    assert!(matches!(measured_only, Err(DomainError::Invalid { field, .. }) if field == "verdict"));
    let assessed = store::assess(
        w.db(),
        &bus(&w),
        &ben,
        p.id,
        v,
        OutcomeVerdict::Improved,
        Some("Much better."),
        now,
    )
    .await
    .unwrap();
    assert_eq!(assessed.intervention.assessment, Some(OutcomeVerdict::Improved));
    w.clock.advance(Duration::days(28) + Duration::minutes(1));
    w.drain().await;
    let i = read::by_id(w.db(), p.id).await.unwrap().unwrap();
    assert_eq!(
        (i.assessment, i.outcome),
        (Some(OutcomeVerdict::Improved), Some(OutcomeVerdict::Churned)),
        "the owner's verdict and the measured one side by side"
    );
}

/// Inserts a done, measured intervention of `kind` with one outcome row per (flag, verdict,
/// change).
async fn measured_row(
    world: &TestWorld,
    tutor: Uuid,
    owner: Uuid,
    kind: &str,
    completed: DateTime<Utc>,
    flags: &[(&str, OutcomeVerdict, f64)],
) {
    let id = Uuid::now_v7();
    intervention::ActiveModel {
        id: Set(id),
        tutor_id: Set(tutor),
        kind: Set(kind.into()),
        owner_id: Set(owner),
        status: Set(InterventionStatus::Done),
        due_at: Set(completed),
        notes: Set(None),
        planned_by: Set("test".into()),
        completed_at: Set(Some(completed)),
        completion_note: Set(None),
        cancelled_at: Set(None),
        cancel_reason: Set(None),
        follow_up_days: Set(Some(28)),
        follow_up_at: Set(Some(completed + Duration::days(28))),
        outcome: Set(Some(OutcomeVerdict::NoChange)),
        measured_at: Set(Some(completed + Duration::days(28))),
        assessment: Set(None),
        assessment_note: Set(None),
        assessed_at: Set(None),
        version: Set(3),
        created_at: Set(completed),
        updated_at: Set(completed),
    }
    .insert(world.db())
    .await
    .unwrap();
    for (flag, verdict, change) in flags {
        intervention_outcome::ActiveModel {
            intervention_id: Set(id),
            flag_code: Set((*flag).into()),
            verdict: Set(*verdict),
            period_days: Set(28),
            before_count: Set(0),
            before_out_of: Set(0),
            after_count: Set(0),
            after_out_of: Set(0),
            before_rate: Set(0.0),
            before_low: Set(0.0),
            before_high: Set(0.0),
            after_rate: Set(0.0),
            after_low: Set(0.0),
            after_high: Set(0.0),
            change: Set(*change),
            change_low: Set(0.0),
            change_high: Set(0.0),
            sentence: Set(String::new()),
            measured_at: Set(completed),
        }
        .insert(world.db())
        .await
        .unwrap();
    }
}

async fn alert_row(
    world: &TestWorld,
    tutor: Uuid,
    kind: AlertKind,
    flag: &str,
    resolution: Option<AlertResolution>,
    at: DateTime<Utc>,
) {
    let status = if resolution.is_some() {
        AlertStatus::Resolved
    } else {
        AlertStatus::Open
    };
    alert::ActiveModel {
        id: Set(Uuid::now_v7()),
        tutor_id: Set(tutor),
        kind: Set(kind),
        flag_code: Set(flag.into()),
        session_id: Set(if kind == AlertKind::UpcomingSession {
            Some(Uuid::now_v7())
        } else {
            None
        }),
        status: Set(status),
        severity: Set(AlertSeverity::Warning),
        resolution: Set(resolution),
        assignee_id: Set(None),
        opened_at: Set(at),
        ack_due_at: Set(at),
        acknowledged_at: Set(None),
        snoozed_until: Set(None),
        resolved_at: Set(resolution.map(|_| at)),
        reopened_count: Set(0),
        opening_evidence: Set(serde_json::json!({})),
        latest_evidence: Set(serde_json::json!({})),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(world.db())
    .await
    .unwrap();
}

#[tokio::test]
async fn effectiveness_and_precision_on_a_constructed_data_set_match_the_hand_counts() {
    use OutcomeVerdict::*;
    let w = spawn_worker(None).await;
    let owner = person(&w, "Ben", UserRole::Coach).await;
    let t = w.tutor("t", "Tutor").await;
    let from = now() - Duration::days(90);
    let to = now();
    let at = now() - Duration::days(40);
    // Coaching calls: -20 (improved), -10 (improved), -2 (no change) on reschedules.
    for change in [-20.0, -10.0] {
        measured_row(
            &w,
            t.id,
            owner.id,
            "coaching_call",
            at,
            &[("reschedule_rate", Improved, change)],
        )
        .await;
    }
    measured_row(
        &w,
        t.id,
        owner.id,
        "coaching_call",
        at,
        &[("reschedule_rate", NoChange, -2.0)],
    )
    .await;
    // Formal warnings: one worse on reschedules and churned on no-shows; one without data.
    measured_row(
        &w,
        t.id,
        owner.id,
        "formal_warning",
        at,
        &[("reschedule_rate", Worse, 5.0), ("no_show_rate", Churned, 0.0)],
    )
    .await;
    measured_row(
        &w,
        t.id,
        owner.id,
        "formal_warning",
        at,
        &[("reschedule_rate", NotEnoughData, 0.0)],
    )
    .await;
    // Outside the period: not counted.
    measured_row(
        &w,
        t.id,
        owner.id,
        "coaching_call",
        from - Duration::days(1),
        &[("reschedule_rate", Worse, 30.0)],
    )
    .await;

    let e = effectiveness::effectiveness(w.db(), from, to).await.unwrap();
    let call = e.by_type.iter().find(|g| g.key == "coaching_call").unwrap();
    assert_eq!(
        (call.interventions, call.measured, call.improved, call.no_change),
        (3, 3, 2, 1)
    );
    let (share, low, high) = call.share_improved.unwrap();
    // 2 of 3, Wilson 95%: 0.208 to 0.939.
    assert_eq!(share, 0.667);
    assert!(
        (low - 0.208).abs() < 0.001 && (high - 0.939).abs() < 0.001,
        "{low} {high}"
    );
    assert_eq!(call.median_change, Some(-10.0));
    assert_eq!(
        call.median_change_interval, None,
        "three values are too few for an interval"
    );
    let warning = e.by_type.iter().find(|g| g.key == "formal_warning").unwrap();
    assert_eq!(
        (
            warning.interventions,
            warning.measured,
            warning.worse,
            warning.churned,
            warning.not_enough_data
        ),
        (2, 3, 1, 1, 1)
    );
    assert_eq!(warning.share_improved.map(|s| s.0), Some(0.0));
    assert_eq!(warning.median_change, Some(5.0));
    let reschedules = e.by_flag.iter().find(|g| g.key == "reschedule_rate").unwrap();
    assert_eq!((reschedules.measured, reschedules.improved), (5, 2));
    // Judged: -20, -10, -2, +5: the median is -6.
    assert_eq!(reschedules.median_change, Some(-6.0));
    assert_eq!((e.total.interventions, e.total.measured), (5, 6));
    assert!(matches!(
        effectiveness::effectiveness(w.db(), to, from).await,
        Err(DomainError::Invalid { field, .. }) if field == "to"
    ));

    // Precision: reschedules 1 false alarm, 2 actioned, 1 open; no-shows 1 recovered.
    let opened = now() - Duration::days(10);
    for resolution in [
        Some(AlertResolution::FalseAlarm),
        Some(AlertResolution::Actioned),
        Some(AlertResolution::Actioned),
        None,
    ] {
        let other = w.tutor(&format!("p{}", Uuid::now_v7().simple()), "P").await;
        alert_row(
            &w,
            other.id,
            AlertKind::Flag,
            "reschedule_rate",
            resolution,
            opened,
        )
        .await;
    }
    alert_row(
        &w,
        t.id,
        AlertKind::Flag,
        "no_show_rate",
        Some(AlertResolution::Recovered),
        opened,
    )
    .await;
    alert_row(
        &w,
        t.id,
        AlertKind::Flag,
        "no_show_rate",
        Some(AlertResolution::FalseAlarm),
        from - Duration::days(5),
    )
    .await;
    alert_row(
        &w,
        t.id,
        AlertKind::UpcomingSession,
        "upcoming_session",
        Some(AlertResolution::FalseAlarm),
        opened,
    )
    .await;
    let precision = effectiveness::flag_precision(w.db(), from, to).await.unwrap();
    let r = precision.iter().find(|p| p.flag == "reschedule_rate").unwrap();
    assert_eq!(
        (
            r.alerts,
            r.false_alarms,
            r.actioned,
            r.unresolved,
            r.false_alarm_share,
            r.precision
        ),
        (4, 1, 2, 1, Some(0.25), Some(0.667))
    );
    let n = precision.iter().find(|p| p.flag == "no_show_rate").unwrap();
    assert_eq!(
        (n.alerts, n.recovered, n.false_alarm_share, n.precision),
        (1, 1, Some(0.0), None)
    );
    assert!(precision.iter().all(|p| p.flag != "upcoming_session"));
    assert_eq!(precision.len(), 5, "every rule, even without alerts");
}

#[tokio::test]
async fn the_timeline_lists_everything_newest_first_and_pages_without_gaps_or_repeats() {
    let w = spawn_worker(None).await;
    let coach = person(&w, "Ben", UserRole::Coach).await;
    let (t, a) = flagged(&w, "t", 12).await;
    let ben = Actor::user(&coach);
    let config = InterventionsConfig::default();
    let step = |w: &TestWorld| w.clock.advance(Duration::minutes(5));
    step(&w);
    let note = notes::add(
        w.db(),
        &bus(&w),
        &ben,
        t.id,
        "Talked to their manager.",
        false,
        w.clock.now(),
    )
    .await
    .unwrap();
    // Same time: the pin sorts after the note by its audit id.
    notes::edit(
        w.db(),
        &bus(&w),
        &ben,
        note.note.id,
        1,
        None,
        Some(true),
        w.clock.now(),
    )
    .await
    .unwrap();
    step(&w);
    let p = store::plan(
        w.db(),
        &bus(&w),
        &ben,
        &plan_for(&t, &a, "coaching_call"),
        &config,
        w.clock.now(),
    )
    .await
    .unwrap();
    step(&w);
    EmailReport::insert(email_report::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(EmailKind::RiskAlert),
        subject_key: Set("test".into()),
        recipient: Set("ops@example.com".into()),
        tutor_id: Set(Some(t.id)),
        session_id: Set(None),
        subject: Set("[tutorscore] Tutor t is high risk".into()),
        body_text: Set(String::new()),
        body_html: Set(String::new()),
        status: Set(EmailStatus::Sent),
        attempts: Set(1),
        last_error: Set(None),
        created_at: Set(w.clock.now()),
        updated_at: Set(w.clock.now()),
        sent_at: Set(Some(w.clock.now())),
    })
    .exec_without_returning(w.db())
    .await
    .unwrap();
    step(&w);
    store::complete(
        w.db(),
        &bus(&w),
        &ben,
        p.intervention.id,
        1,
        &Completion {
            note: None,
            resolve_alerts: true,
        },
        &config,
        w.clock.now(),
    )
    .await
    .unwrap();

    let all_request = PageRequest::new(100, None, timeline::SORT, true).unwrap();
    let all = timeline::page(w.db(), t.id, &all_request).await.unwrap();
    assert!(!all.has_next);
    let actions: Vec<&str> = all.rows.iter().map(|(i, _)| i.action.as_str()).collect();
    let position = |action: &str| {
        actions
            .iter()
            .position(|a| *a == action)
            .unwrap_or_else(|| panic!("{action} in {actions:?}"))
    };
    // Newest first.
    assert!(position("intervention.completed") < position("email.sent"));
    assert!(position("email.sent") < position("intervention.planned"));
    assert!(position("intervention.planned") < position("note.pinned"));
    assert!(position("note.pinned") < position("note.added"));
    assert!(position("note.added") < position("alert.opened"));
    assert!(position("alert.resolved") < position("intervention.planned"));
    assert!(actions.contains(&"tutor.risk_changed"));
    assert!(all.rows.windows(2).all(|p| p[0].0.at >= p[1].0.at));
    let kinds: Vec<ItemKind> = all.rows.iter().map(|(i, _)| i.kind).collect();
    for kind in [
        ItemKind::RiskChange,
        ItemKind::Alert,
        ItemKind::Intervention,
        ItemKind::Note,
        ItemKind::Email,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
    }
    let email = &all.rows[position("email.sent")].0;
    assert_eq!(
        email.summary,
        "Email sent to ops@example.com: [tutorscore] Tutor t is high risk"
    );
    let planned = &all.rows[position("intervention.planned")].0;
    assert!(
        planned
            .summary
            .starts_with("Coaching call planned by ben@coaches.example"),
        "{}",
        planned.summary
    );

    // Two at a time: the same items, in the same order.
    let mut paged = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let request = PageRequest::new(2, after.as_deref(), timeline::SORT, true).unwrap();
        let page = timeline::page(w.db(), t.id, &request).await.unwrap();
        paged.extend(
            page.rows
                .iter()
                .map(|(i, _)| (i.action.clone(), i.at, i.audit_id)),
        );
        match page.rows.last() {
            Some((_, cursor)) if page.has_next => after = Some(cursor.clone()),
            _ => break,
        }
    }
    let whole: Vec<_> = all
        .rows
        .iter()
        .map(|(i, _)| (i.action.clone(), i.at, i.audit_id))
        .collect();
    assert_eq!(paged, whole);
    assert!(PageRequest::new(2, Some("nonsense"), timeline::SORT, true).is_err());
}

#[tokio::test]
async fn notes_are_kept_as_written_after_the_edit_window_and_escaped_as_html() {
    let w = spawn_worker(None).await;
    let ben_user = person(&w, "Ben", UserRole::Coach).await;
    let cleo_user = person(&w, "Cleo", UserRole::Coach).await;
    let t = w.tutor("t", "Tutor").await;
    let (ben, cleo) = (Actor::user(&ben_user), Actor::user(&cleo_user));
    let text = "<script>alert(\"x\")</script> & <b>bold</b>";
    let n = notes::add(w.db(), &bus(&w), &ben, t.id, text, false, w.clock.now())
        .await
        .unwrap()
        .note;
    assert_eq!(n.body, text, "stored as written");
    assert_eq!(
        notes::html(&n.body),
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
    );
    let empty = notes::add(w.db(), &bus(&w), &ben, t.id, "   ", false, w.clock.now()).await;
    assert!(matches!(empty, Err(DomainError::Invalid { field, .. }) if field == "body"));
    let by_other = notes::edit(
        w.db(),
        &bus(&w),
        &cleo,
        n.id,
        1,
        Some("Rewritten"),
        None,
        w.clock.now(),
    )
    .await;
    assert!(matches!(by_other, Err(DomainError::Invalid { rule, .. }) if rule.contains("author")));
    w.clock.advance(Duration::minutes(5));
    let edited = notes::edit(
        w.db(),
        &bus(&w),
        &ben,
        n.id,
        1,
        Some("Fixed a typo"),
        None,
        w.clock.now(),
    )
    .await
    .unwrap()
    .note;
    assert_eq!((edited.body.as_str(), edited.version), ("Fixed a typo", 2));
    w.clock.advance(Duration::minutes(11));
    let late = notes::edit(
        w.db(),
        &bus(&w),
        &ben,
        n.id,
        2,
        Some("Changed my mind"),
        None,
        w.clock.now(),
    )
    .await;
    assert!(matches!(late, Err(DomainError::Invalid { rule, .. }) if rule.contains("kept as written")));
    // Pinning is not rewriting: anyone who acts may pin.
    let pinned = notes::edit(w.db(), &bus(&w), &cleo, n.id, 2, None, Some(true), w.clock.now())
        .await
        .unwrap()
        .note;
    assert!(pinned.pinned);
    assert_eq!(pinned.body, "Fixed a typo");
    let stale = notes::edit(w.db(), &bus(&w), &cleo, n.id, 2, None, Some(false), w.clock.now()).await;
    assert!(matches!(stale, Err(DomainError::Conflict(_))));
    let actions: Vec<_> = audit_of(&w, "note", n.id)
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["note.added", "note.edited", "note.pinned"]);
}

#[tokio::test]
async fn the_digest_lists_each_owners_overdue_interventions_and_follow_ups_due_this_week() {
    let w = spawn_worker(None).await;
    let coach = person(&w, "Ben", UserRole::Coach).await;
    let (t, a) = flagged(&w, "t", 12).await;
    let (u, b) = flagged(&w, "u", 12).await;
    let config = InterventionsConfig::default();
    let ben = Actor::user(&coach);
    let start = w.clock.now();
    let late = Plan {
        due_at: Some(start + Duration::days(1)),
        ..plan_for(&t, &a, "coaching_call")
    };
    store::plan(w.db(), &bus(&w), &ben, &late, &config, start)
        .await
        .unwrap();
    let done = store::plan(
        w.db(),
        &bus(&w),
        &ben,
        &plan_for(&u, &b, "schedule_review"),
        &config,
        start,
    )
    .await
    .unwrap();
    store::complete(
        w.db(),
        &bus(&w),
        &ben,
        done.intervention.id,
        1,
        &Completion::default(),
        &config,
        start,
    )
    .await
    .unwrap();
    // 23 days on: the first is overdue, the other's follow-up is due in five days.
    let now = start + Duration::days(23);
    let view = worker::mail::digest::build(w.db(), &worker::mail::MailConfig::default(), now)
        .await
        .unwrap();
    assert_eq!(view.intervention_queues.len(), 1);
    let queue = &view.intervention_queues[0];
    assert_eq!(queue.owner, "Ben");
    let lines: Vec<_> = queue
        .interventions
        .iter()
        .map(|i| (i.tutor.as_str(), i.title.as_str(), i.overdue))
        .collect();
    assert_eq!(
        lines,
        [
            ("Tutor t", "Coaching call", true),
            ("Tutor u", "Schedule review", false)
        ]
    );
    let text = worker::mail::render::digest(&view).text;
    assert!(text.contains("Ben: 2 interventions to see to"), "{text}");
    // A week before the follow-up is due, it is not listed yet.
    let earlier = worker::mail::digest::build(
        w.db(),
        &worker::mail::MailConfig::default(),
        start + Duration::days(3),
    )
    .await
    .unwrap();
    let lines = earlier
        .intervention_queues
        .iter()
        .map(|q| q.interventions.len())
        .sum::<usize>();
    assert_eq!(lines, 1, "only the overdue one");
}

#[tokio::test]
async fn the_demo_data_has_interventions_whose_outcomes_follow_from_its_sessions() {
    let database = worker::testing::TestDatabase::migrated().await;
    let options = worker::demo::DemoOptions {
        users: true,
        quiet: true,
        until: Some(now()),
        ..worker::demo::DemoOptions::default()
    };
    worker::demo::generate(&database.db, &options, now())
        .await
        .unwrap();
    let all = Intervention::find().all(&database.db).await.unwrap();
    let measured: Vec<_> = all.iter().filter(|i| i.measured_at.is_some()).collect();
    assert!(
        measured.len() >= 8,
        "past interventions measured: {}",
        measured.len()
    );
    let types: std::collections::BTreeSet<_> = measured.iter().map(|i| i.kind.as_str()).collect();
    assert!(types.len() >= 4, "several types: {types:?}");
    assert!(all.iter().any(|i| is_overdue(i, now())), "an overdue one");
    assert!(
        all.iter()
            .any(|i| i.status == InterventionStatus::Planned && !is_overdue(i, now()))
    );
    assert!(
        all.iter()
            .any(|i| i.status == InterventionStatus::Done && i.measured_at.is_none())
    );
    // Each stored outcome is what the sessions say, measured again now.
    let scoring = worker::scoring::ScoringConfig::default();
    for i in measured {
        let done = i.completed_at.unwrap();
        let facts = worker::sessions::read::facts_between(
            &database.db,
            i.tutor_id,
            done - Duration::days(28),
            done + Duration::days(28 + scoring.rebook_days),
        )
        .await
        .unwrap();
        let stored = worker::interventions::outcome::of_intervention(&database.db, i.id)
            .await
            .unwrap();
        let flags: Vec<_> = stored
            .iter()
            .map(|o| worker::scoring::FlagCode::from_stored(&o.flag_code).unwrap())
            .collect();
        let again = worker::interventions::outcome::compare_flags(&flags, &facts, done, 28, &scoring);
        for (o, (_, c)) in stored.iter().zip(&again) {
            assert_eq!(
                (
                    o.verdict,
                    o.before_count as u32,
                    o.after_count as u32,
                    o.sentence.as_str()
                ),
                (c.verdict, c.before.count, c.after.count, c.sentence.as_str())
            );
        }
    }
    let e = effectiveness::effectiveness(&database.db, now() - Duration::days(180), now())
        .await
        .unwrap();
    assert!(e.total.measured >= 8 && e.by_type.len() >= 4, "{e:?}");
}
