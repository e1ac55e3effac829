//! Subscription root. Every stream starts with a snapshot message (`snapshot: true`) sent after
//! the stream is listening, so a client that (re)connects knows it is in sync from that point;
//! a client too slow to keep up gets a fresh snapshot instead of the events it missed.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::{prelude::*, tutor_score};
use futures::{Stream, StreamExt, stream};
use sea_orm::{
    EntityTrait, QuerySelect,
    sea_query::{Expr, Func},
};
use tokio::sync::broadcast::{Receiver, error::RecvError};
use uuid::Uuid;
use worker::events::Event;

use super::{
    enums::{RiskLevel, SessionStatus},
    objects::{Session, Tutor, parse_id},
    query::RiskChange,
    score::TutorScore,
};
use crate::{
    auth::{Role, RoleGuard},
    error::{ApiError, ApiResult},
    state::AppState,
};

/// A tutor's score changed (or, with `snapshot`, the state to start from).
#[derive(SimpleObject, Clone, Debug)]
pub struct ScoreUpdate {
    /// True for the first message of the stream and after a resync: the current state.
    pub snapshot: bool,
    /// The tutor; null in the all-tutors snapshot, which means "refetch what you show".
    pub tutor_id: Option<ID>,
    pub tutor_name: Option<String>,
    /// The score's version (for the all-tutors snapshot, the highest version stored).
    pub version: i64,
    /// The new score; null in the all-tutors snapshot or for a tutor not scored yet.
    pub score: Option<TutorScore>,
    pub at: DateTime<Utc>,
}

/// A tutor moved between risk levels (or, with `snapshot`, the stream is listening).
#[derive(SimpleObject, Clone, Debug)]
pub struct RiskLevelUpdate {
    pub snapshot: bool,
    /// Null in the snapshot message.
    pub change: Option<RiskChange>,
}

/// A session was recorded (or, with `snapshot`, the stream is listening).
#[derive(Clone, Debug)]
pub struct SessionUpdate {
    snapshot: bool,
    event: Option<worker::events::SessionRecorded>,
}

#[Object]
impl SessionUpdate {
    /// True for the first message: the stream is listening.
    async fn snapshot(&self) -> bool {
        self.snapshot
    }
    async fn session_id(&self) -> Option<ID> {
        self.event.as_ref().map(|e| ID(e.session_id.to_string()))
    }
    async fn external_id(&self) -> Option<&str> {
        self.event.as_ref().map(|e| e.external_id.as_str())
    }
    async fn tutor_id(&self) -> Option<ID> {
        self.event.as_ref().map(|e| ID(e.tutor_id.to_string()))
    }
    async fn status(&self) -> Option<SessionStatus> {
        self.event.as_ref().map(|e| e.status.into())
    }
    async fn scheduled_start(&self) -> Option<DateTime<Utc>> {
        self.event.as_ref().map(|e| e.scheduled_start)
    }
    /// True when an existing session was corrected.
    async fn corrected(&self) -> Option<bool> {
        self.event.as_ref().map(|e| e.corrected)
    }
    /// The stored session (read from the database when asked for).
    async fn session(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Session>> {
        let Some(event) = &self.event else { return Ok(None) };
        let state = ctx.data_unchecked::<AppState>();
        let row = entity::prelude::Session::find_by_id(event.session_id)
            .find_also_related(Reschedule)
            .one(&state.db)
            .await
            .map_err(ApiError::from)?;
        Ok(row.map(|(model, reschedule)| Session {
            model,
            reschedule,
            preloaded_tutor: None,
        }))
    }
    /// The tutor (read from the database when asked for).
    async fn tutor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Tutor>> {
        let Some(event) = &self.event else { return Ok(None) };
        let state = ctx.data_unchecked::<AppState>();
        let row = entity::prelude::Tutor::find_by_id(event.tutor_id)
            .one(&state.db)
            .await
            .map_err(ApiError::from)?;
        Ok(row.map(|t| Tutor::new(t, None)))
    }
}

async fn tutor_snapshot(state: &AppState, tutor_id: Uuid) -> ApiResult<ScoreUpdate> {
    let (tutor, score) = entity::prelude::Tutor::find_by_id(tutor_id)
        .find_also_related(TutorScore)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no tutor with id {tutor_id}")))?;
    Ok(ScoreUpdate {
        snapshot: true,
        tutor_id: Some(ID(tutor.id.to_string())),
        tutor_name: Some(tutor.name),
        version: score.as_ref().map_or(0, |s| s.version),
        score: score.as_ref().map(TutorScore::from_row).transpose()?,
        at: state.clock.now(),
    })
}

async fn all_tutors_snapshot(state: &AppState) -> ApiResult<ScoreUpdate> {
    let version: Option<i64> = entity::prelude::TutorScore::find()
        .select_only()
        .column_as(
            Expr::expr(Func::max(Expr::col(tutor_score::Column::Version))),
            "version",
        )
        .into_tuple()
        .one(&state.db)
        .await?
        .flatten();
    Ok(ScoreUpdate {
        snapshot: true,
        tutor_id: None,
        tutor_name: None,
        version: version.unwrap_or(0),
        score: None,
        at: state.clock.now(),
    })
}

fn score_update(e: &worker::events::ScoreUpdated) -> ScoreUpdate {
    ScoreUpdate {
        snapshot: false,
        tutor_id: Some(ID(e.tutor_id.to_string())),
        tutor_name: Some(e.tutor_name.clone()),
        version: e.version,
        score: Some(TutorScore::from_report(
            &e.report,
            e.version,
            e.risk_since,
            e.previous_risk_level,
        )),
        at: e.report.computed_at,
    }
}

/// What the event stream yields to a subscription: an event, or "you missed some".
enum Delivery {
    Event(Arc<Event>),
    Lagged,
}

/// The bus's events as a stream that reports lag instead of failing.
fn deliveries(receiver: Receiver<Arc<Event>>) -> impl Stream<Item = Delivery> {
    stream::unfold(receiver, |mut receiver| async move {
        match receiver.recv().await {
            Ok(event) => Some((Delivery::Event(event), receiver)),
            Err(RecvError::Lagged(missed)) => {
                tracing::debug!(missed, "a subscriber fell behind; sending a fresh snapshot");
                Some((Delivery::Lagged, receiver))
            }
            Err(RecvError::Closed) => None,
        }
    })
}

/// Live updates (viewer role).
#[derive(Default)]
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// Score changes of one tutor, or of every tutor when `tutorId` is omitted. The first
    /// message is a snapshot: the tutor's current score, or for all tutors a marker with the
    /// highest stored version (refetch what you show, then apply updates).
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn tutor_score_updated(
        &self,
        ctx: &Context<'_>,
        tutor_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = ScoreUpdate> + use<>> {
        let state = ctx.data_unchecked::<AppState>().clone();
        let tutor_id = tutor_id.as_ref().map(|id| parse_id("tutorId", id)).transpose()?;
        // Listen first, then read the snapshot: nothing committed in between is missed.
        let receiver = state.bus.subscribe();
        let snapshot = match tutor_id {
            Some(id) => tutor_snapshot(&state, id).await?,
            None => all_tutors_snapshot(&state).await?,
        };
        let mut last_version = if tutor_id.is_some() {
            snapshot.version
        } else {
            i64::MIN
        };
        let updates = deliveries(receiver)
            .then(move |delivery| {
                let state = state.clone();
                async move {
                    match delivery {
                        Delivery::Event(event) => match event.as_ref() {
                            Event::ScoreUpdated(e) if tutor_id.is_none_or(|id| id == e.tutor_id) => {
                                Some(score_update(e))
                            }
                            _ => None,
                        },
                        Delivery::Lagged => match tutor_id {
                            Some(id) => tutor_snapshot(&state, id).await.ok(),
                            None => all_tutors_snapshot(&state).await.ok(),
                        },
                    }
                }
            })
            .filter_map(move |update| {
                // For one tutor, drop anything older than what the client already has.
                let keep = update.filter(|u| {
                    if tutor_id.is_some() && !u.snapshot && u.version <= last_version {
                        return false;
                    }
                    if tutor_id.is_some() {
                        last_version = u.version;
                    }
                    true
                });
                std::future::ready(keep)
            });
        Ok(stream::once(std::future::ready(snapshot)).chain(updates))
    }

    /// Risk level changes of any tutor, optionally only those reaching at least `minLevel`.
    /// The first message is a snapshot marker (`change` null): the stream is listening.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn risk_level_changed(
        &self,
        ctx: &Context<'_>,
        min_level: Option<RiskLevel>,
    ) -> async_graphql::Result<impl Stream<Item = RiskLevelUpdate> + use<>> {
        let state = ctx.data_unchecked::<AppState>();
        let receiver = state.bus.subscribe();
        let min_level: Option<entity::RiskLevel> = min_level.map(Into::into);
        let changes = deliveries(receiver).filter_map(move |delivery| {
            let change = match delivery {
                Delivery::Event(event) => match event.as_ref() {
                    Event::RiskLevelChanged(e) if min_level.is_none_or(|m| e.to >= m) => {
                        Some(RiskLevelUpdate {
                            snapshot: false,
                            change: Some(RiskChange {
                                tutor_id: ID(e.tutor_id.to_string()),
                                tutor_name: e.tutor_name.clone(),
                                from: e.from.map(Into::into),
                                to: e.to.into(),
                                flags: e.flags.iter().map(|f| (*f).into()).collect(),
                                at: e.at,
                                version: e.version,
                            }),
                        })
                    }
                    _ => None,
                },
                // Changes were missed: a new marker tells the client to refetch.
                Delivery::Lagged => Some(RiskLevelUpdate {
                    snapshot: true,
                    change: None,
                }),
            };
            std::future::ready(change)
        });
        Ok(stream::once(std::future::ready(RiskLevelUpdate {
            snapshot: true,
            change: None,
        }))
        .chain(changes))
    }

    /// Sessions recorded for one tutor, or for all when `tutorId` is omitted. The first message
    /// is a snapshot marker: the stream is listening.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn session_recorded(
        &self,
        ctx: &Context<'_>,
        tutor_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = SessionUpdate> + use<>> {
        let state = ctx.data_unchecked::<AppState>();
        let tutor_id = tutor_id.as_ref().map(|id| parse_id("tutorId", id)).transpose()?;
        let receiver = state.bus.subscribe();
        let sessions = deliveries(receiver).filter_map(move |delivery| {
            let update = match delivery {
                Delivery::Event(event) => match event.as_ref() {
                    Event::SessionRecorded(e) if tutor_id.is_none_or(|id| id == e.tutor_id) => {
                        Some(SessionUpdate {
                            snapshot: false,
                            event: Some(e.clone()),
                        })
                    }
                    _ => None,
                },
                Delivery::Lagged => Some(SessionUpdate {
                    snapshot: true,
                    event: None,
                }),
            };
            std::future::ready(update)
        });
        Ok(stream::once(std::future::ready(SessionUpdate {
            snapshot: true,
            event: None,
        }))
        .chain(sessions))
    }
}
