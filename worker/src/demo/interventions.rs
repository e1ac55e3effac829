//! The demo's interventions, planned and done through the same actions a coach takes
//! (audited), at past times: several types done 30 to 60 days ago with their follow-ups
//! measured from the generated sessions (so the effectiveness page has figures on first
//! start, and they are whatever the sessions say), one done last week awaiting its
//! follow-up, two overdue and two planned.

use chrono::{DateTime, Duration, Utc};
use entity::{AlertKind, AlertStatus, alert, audit_event, prelude::*, user};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};

use crate::{
    audit::Actor,
    events::{InProcessBus, SharedBus},
    interventions::{
        InterventionsConfig, outcome,
        store::{self, Completion, Plan},
    },
    scoring::ScoringConfig,
};

/// Types of the past interventions, in turn.
const PAST_TYPES: [&str; 5] = [
    "coaching_call",
    "schedule_review",
    "training_module",
    "first_session_check_in",
    "formal_warning",
];

fn failed(what: &str) -> impl Fn(crate::error::DomainError) -> DbErr + '_ {
    move |e| DbErr::Custom(format!("demo intervention ({what}): {e:?}"))
}

/// Moves an alert's opening (and its audit entry) back to `at`, so that an intervention
/// planned after it reads in order.
async fn open_since(db: &DatabaseConnection, a: &alert::Model, at: DateTime<Utc>) -> Result<(), DbErr> {
    Alert::update_many()
        .col_expr(alert::Column::OpenedAt, Expr::value(at))
        .col_expr(alert::Column::CreatedAt, Expr::value(at))
        .filter(alert::Column::Id.eq(a.id))
        .exec(db)
        .await?;
    AuditEvent::update_many()
        .col_expr(audit_event::Column::At, Expr::value(at))
        .filter(audit_event::Column::SubjectId.eq(a.id.to_string()))
        .filter(audit_event::Column::Action.eq("alert.opened"))
        .exec(db)
        .await?;
    Ok(())
}

/// Plans and completes the demo's interventions for coaches `ben` and `cleo`.
pub async fn create(
    db: &DatabaseConnection,
    ben: &user::Model,
    cleo: &user::Model,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let config = InterventionsConfig::default();
    let scoring = ScoringConfig::default();
    let bus: SharedBus = InProcessBus::new();
    // One open flag alert per tutor, in a stable order, leaving alone the ones the demo's
    // alert work took (assigned) or left overdue.
    let mut seen = std::collections::BTreeSet::new();
    let alerts: Vec<alert::Model> = Alert::find()
        .filter(alert::Column::Status.eq(AlertStatus::Open))
        .filter(alert::Column::Kind.eq(AlertKind::Flag))
        .filter(alert::Column::AssigneeId.is_null())
        .filter(alert::Column::AckDueAt.gt(now))
        .order_by_asc(alert::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|a| seen.insert(a.tutor_id))
        .collect();
    let owners = [(ben, Actor::user(ben)), (cleo, Actor::user(cleo))];
    let mut made = 0;
    let mut alerts = alerts.iter();

    // Done 30 to 57 days ago, measured now.
    for i in 0..10 {
        let Some(a) = alerts.next() else { return Ok(made) };
        let (owner, actor) = &owners[i % 2];
        let done = now - Duration::days(30 + 3 * i as i64);
        let planned = done - Duration::days(2);
        open_since(db, a, planned - Duration::days(1)).await?;
        let plan = Plan {
            tutor_id: a.tutor_id,
            alert_ids: vec![a.id],
            kind: PAST_TYPES[i % PAST_TYPES.len()].into(),
            owner_id: Some(owner.id),
            due_at: None,
            notes: Some("Talk through the recent sessions and agree on next steps.".into()),
        };
        let p = store::plan(db, &bus, actor, &plan, &config, planned)
            .await
            .map_err(failed("plan"))?;
        let completion = Completion {
            note: Some("Done; the tutor agreed to a plan.".into()),
            resolve_alerts: true,
        };
        store::complete(db, &bus, actor, p.intervention.id, 1, &completion, &config, done)
            .await
            .map_err(failed("complete"))?;
        // The queued follow-up finds it measured and does nothing.
        outcome::measure(db, p.intervention.id, (&[], "demo"), &scoring, now).await?;
        made += 1;
    }

    // Done last week: the follow-up is still to come.
    if let Some(a) = alerts.next() {
        let done = now - Duration::days(5);
        open_since(db, a, done - Duration::days(2)).await?;
        let plan = Plan {
            tutor_id: a.tutor_id,
            alert_ids: vec![a.id],
            kind: "coaching_call".into(),
            owner_id: Some(ben.id),
            due_at: None,
            notes: None,
        };
        let p = store::plan(db, &bus, &owners[0].1, &plan, &config, done - Duration::days(1))
            .await
            .map_err(failed("plan"))?;
        store::complete(
            db,
            &bus,
            &owners[0].1,
            p.intervention.id,
            1,
            &Completion::default(),
            &config,
            done,
        )
        .await
        .map_err(failed("complete"))?;
        made += 1;
    }

    // Two planned ten days ago and overdue, two planned now.
    for (i, ago) in [10, 10, 0, 0].into_iter().enumerate() {
        let Some(a) = alerts.next() else { return Ok(made) };
        let (owner, actor) = &owners[i % 2];
        let planned = now - Duration::days(ago);
        if ago > 0 {
            open_since(db, a, planned - Duration::days(1)).await?;
        }
        let plan = Plan {
            tutor_id: a.tutor_id,
            alert_ids: vec![a.id],
            kind: [
                "schedule_review",
                "performance_plan",
                "coaching_call",
                "training_module",
            ][i]
                .into(),
            owner_id: Some(owner.id),
            due_at: None,
            notes: None,
        };
        store::plan(db, &bus, actor, &plan, &config, planned)
            .await
            .map_err(failed("plan"))?;
        made += 1;
    }
    Ok(made)
}
