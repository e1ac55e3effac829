//! The demo's people and their work on its alerts: an admin, two coaches and a viewer (with
//! one-time passwords, printed once), every tutor scored at once so that its alerts exist,
//! and a history of triage on them through the same actions a coach takes (audited): some
//! acknowledged and assigned, one snoozed, one resolved as actioned and one as a false alarm,
//! a few left open past their acknowledge-by time; then the demo's interventions.

use chrono::{DateTime, Duration, Utc};
use entity::{AlertResolution, AlertStatus, UserRole, alert, audit_event, prelude::*};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};

use super::DemoUser;
use crate::{
    alerts::{
        AlertsConfig,
        store::{Action, act},
    },
    audit::Actor,
    clock::ManualClock,
    events::{InProcessBus, SharedBus},
    people::{
        PeopleConfig,
        store::{NewUser, create_user},
    },
    scores::{self, Effects},
    scoring::ScoringConfig,
    tutors,
};

const PEOPLE: [(&str, &str, UserRole); 4] = [
    ("Ada Admin", "ada.admin@demo.tutorscore.example", UserRole::Admin),
    ("Ben Coach", "ben.coach@demo.tutorscore.example", UserRole::Coach),
    (
        "Cleo Coach",
        "cleo.coach@demo.tutorscore.example",
        UserRole::Coach,
    ),
    (
        "Dev Viewer",
        "dev.viewer@demo.tutorscore.example",
        UserRole::Viewer,
    ),
];

/// Creates the demo users, scores every tutor and works some of the alerts.
pub async fn create(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Vec<DemoUser>, DbErr> {
    let mut users = Vec::new();
    let mut models = Vec::new();
    for (name, email, role) in PEOPLE {
        let new = NewUser {
            email: email.into(),
            name: name.into(),
            role,
            password: None,
        };
        let (user, password) = create_user(db, &Actor::system(), new, &PeopleConfig::default(), now)
            .await
            .map_err(|e| DbErr::Custom(format!("creating demo user {email}: {e:?}")))?;
        users.push(DemoUser {
            role,
            email: email.into(),
            name: name.into(),
            password: password.unwrap_or_default(),
        });
        models.push(user);
    }

    // Score every tutor now, so that the alerts exist to be worked. Twice: a score depends on
    // the tutor's previous level (hysteresis), so the first pass, from no level, can flag less
    // than the worker's next pass would; after the second, the worker's recomputes from the
    // queued jobs change nothing.
    let clock = ManualClock::new(now);
    let scoring = ScoringConfig::default();
    let alerts = AlertsConfig::default();
    let predictions = crate::predictions::PredictionConfig::default();
    let ids = tutors::read::active_ids(db).await?;
    for tutor_id in ids.iter().chain(ids.iter()).copied() {
        let effects = Effects {
            alerts: &alerts,
            predictions: &predictions,
            // No model is fitted yet: the demo's history was only just written.
            model: None,
            mail: None,
        };
        let request = scores::Request {
            tutor_id,
            satisfies: &[],
            sessions: &[],
        };
        scores::recompute_tutor(db, request, "demo", clock.as_ref(), &scoring, &effects).await?;
    }

    let open: Vec<alert::Model> = Alert::find()
        .filter(alert::Column::Status.eq(AlertStatus::Open))
        .order_by_asc(alert::Column::Id)
        .all(db)
        .await?;
    let bus: SharedBus = InProcessBus::new();
    let (ben, cleo) = (Actor::user(&models[1]), Actor::user(&models[2]));
    let later = |hours| now + Duration::hours(hours);
    let mut story: Vec<(&Actor, Vec<Action>)> = vec![
        (
            &ben,
            vec![Action::Acknowledge, Action::Assign(Some(models[1].id))],
        ),
        (
            &cleo,
            vec![Action::Acknowledge, Action::Assign(Some(models[2].id))],
        ),
        (&cleo, vec![Action::Assign(Some(models[2].id))]),
        (&ben, vec![Action::Snooze { until: later(48) }]),
        (
            &ben,
            vec![
                Action::Acknowledge,
                Action::Resolve {
                    resolution: AlertResolution::Actioned,
                    note: Some("Called the tutor; they moved their hours to evenings.".into()),
                },
            ],
        ),
        (
            &cleo,
            vec![Action::Resolve {
                resolution: AlertResolution::FalseAlarm,
                note: Some("The reschedules were a platform outage, not the tutor.".into()),
            }],
        ),
    ];
    let mut worked = 0;
    for (alert, (actor, actions)) in open.iter().zip(story.drain(..)) {
        let mut version = alert.version;
        for action in actions {
            let change = act(db, &bus, actor, alert.id, version, &action, now)
                .await
                .map_err(|e| DbErr::Custom(format!("demo alert work: {e:?}")))?;
            version = change.alert.version;
        }
        worked += 1;
    }
    // A few of the rest opened days ago and were never acknowledged: overdue.
    for alert in open.iter().skip(worked).take(3) {
        let opened = now - Duration::days(4);
        Alert::update_many()
            .col_expr(alert::Column::OpenedAt, Expr::value(opened))
            .col_expr(
                alert::Column::AckDueAt,
                Expr::value(alerts.ack_due(alert.severity, opened)),
            )
            .col_expr(alert::Column::CreatedAt, Expr::value(opened))
            .filter(alert::Column::Id.eq(alert.id))
            .exec(db)
            .await?;
        AuditEvent::update_many()
            .col_expr(audit_event::Column::At, Expr::value(opened))
            .filter(audit_event::Column::SubjectId.eq(alert.id.to_string()))
            .filter(audit_event::Column::Action.eq("alert.opened"))
            .exec(db)
            .await?;
    }
    super::interventions::create(db, &models[1], &models[2], now).await?;
    Ok(users)
}
