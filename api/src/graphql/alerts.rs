//! Alerts in the API: the triage queue, one alert with its history, a coach's actions (one or
//! up to 100 at once, each with the version the coach saw), and the `alertChanged`
//! subscription.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Subscription, dataloader::DataLoader};
use chrono::{DateTime, Utc};
use entity::alert;
use futures::{Stream, StreamExt, stream};
use uuid::Uuid;
use worker::{
    alerts::{
        self, AlertChange,
        read::{AlertFilter, AlertSort},
        store::Action,
    },
    events::Event,
    pagination::{PageRequest, page_size},
    scoring,
};

use super::{
    connection::{PageInfo, edges},
    enums::{
        AlertKind, AlertResolution, AlertSeverity, AlertSortField, AlertStatus, FlagCode, SortDirection,
    },
    ids::{id, parse_id},
    live::{Delivery, deliveries},
    loaders::{PredictionLoader, SessionLoader, TutorLoader, UserLoader},
    people::{AuditEvent, User},
    predictions::SessionPrediction,
    scores::Flag,
    sessions::Session,
    tutors::Tutor,
};
use crate::{
    auth::{Caller, Role, RoleGuard},
    error::{ApiError, ApiResult},
    state::AppState,
};

/// A problem for a coach to work through: a tutor's flag (one per tutor and flag while
/// unresolved), or an upcoming session at risk.
#[derive(Clone, Debug)]
pub struct Alert(pub alert::Model);

#[Object]
impl Alert {
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    async fn kind(&self) -> AlertKind {
        self.0.kind.into()
    }
    /// The flag, for a flag alert.
    async fn flag(&self) -> Option<FlagCode> {
        scoring::FlagCode::from_stored(&self.0.flag_code).map(Into::into)
    }
    async fn status(&self) -> AlertStatus {
        self.0.status.into()
    }
    /// The flag's latest severity; warning to critical escalates the alert.
    async fn severity(&self) -> AlertSeverity {
        self.0.severity.into()
    }
    /// How it was resolved.
    async fn resolution(&self) -> Option<AlertResolution> {
        self.0.resolution.map(Into::into)
    }
    async fn tutor_id(&self) -> ID {
        id(self.0.tutor_id)
    }
    async fn tutor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Tutor>> {
        let tutor = ctx
            .data_unchecked::<DataLoader<TutorLoader>>()
            .load_one(self.0.tutor_id)
            .await
            .map_err(|e| ApiError::from(e.as_ref().clone()))?;
        Ok(tutor.map(|t| Tutor::new(t, None)))
    }
    /// Who has it; null: nobody yet.
    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(user_id) = self.0.assignee_id else {
            return Ok(None);
        };
        let user = ctx
            .data_unchecked::<DataLoader<UserLoader>>()
            .load_one(user_id)
            .await
            .map_err(|e| ApiError::from(e.as_ref().clone()))?;
        Ok(user.map(User))
    }
    /// When the current opening began (the first, or the latest reopening).
    async fn opened_at(&self) -> DateTime<Utc> {
        self.0.opened_at
    }
    /// Acknowledge by then (`ALERT_ACK_HOURS_CRITICAL` / `_WARNING` after opening).
    async fn ack_due_at(&self) -> DateTime<Utc> {
        self.0.ack_due_at
    }
    /// Open past its acknowledge-by time.
    async fn overdue(&self, ctx: &Context<'_>) -> bool {
        alerts::is_overdue(&self.0, ctx.data_unchecked::<AppState>().clock.now())
    }
    async fn acknowledged_at(&self) -> Option<DateTime<Utc>> {
        self.0.acknowledged_at
    }
    async fn snoozed_until(&self) -> Option<DateTime<Utc>> {
        self.0.snoozed_until
    }
    async fn resolved_at(&self) -> Option<DateTime<Utc>> {
        self.0.resolved_at
    }
    /// Times the flag came back within `ALERT_REOPEN_DAYS` and reopened this alert.
    async fn reopened_count(&self) -> i32 {
        self.0.reopened_count
    }
    /// The flag as it was when the alert opened.
    async fn opening_evidence(&self) -> Option<Flag> {
        flag_of(&self.0.opening_evidence)
    }
    /// The flag as the latest recompute saw it.
    async fn latest_evidence(&self) -> Option<Flag> {
        flag_of(&self.0.latest_evidence)
    }
    /// What the alert is about, in one sentence (the flag's evidence, or the upcoming
    /// session's risk), as it stands now.
    async fn summary(&self) -> Option<String> {
        let latest = &self.0.latest_evidence;
        match flag_of(latest) {
            Some(flag) => Some(flag.evidence),
            None => latest["evidence"].as_str().map(str::to_owned),
        }
    }
    /// The booked session, for an upcoming-session alert.
    async fn session(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Session>> {
        let Some(session_id) = self.0.session_id else {
            return Ok(None);
        };
        let found = ctx
            .data_unchecked::<DataLoader<SessionLoader>>()
            .load_one(session_id)
            .await
            .map_err(|e| ApiError::from(e.as_ref().clone()))?;
        Ok(found.map(|(model, reschedule)| Session {
            model,
            reschedule,
            preloaded_tutor: None,
        }))
    }
    /// The booked session's current prediction (probability and reasons), for an
    /// upcoming-session alert; once its outcome arrived, the prediction made before it.
    async fn prediction(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SessionPrediction>> {
        let Some(session_id) = self.0.session_id else {
            return Ok(None);
        };
        let found = ctx
            .data_unchecked::<DataLoader<PredictionLoader>>()
            .load_one(session_id)
            .await
            .map_err(|e| ApiError::from(e.as_ref().clone()))?;
        Ok(found.map(SessionPrediction))
    }
    /// Grows on every change; give it back with an action (a stale one is a `CONFLICT`).
    async fn version(&self) -> i64 {
        self.0.version
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The interventions planned for it.
    async fn interventions(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::interventions::Intervention>> {
        let state = ctx.data_unchecked::<AppState>();
        let filter = worker::interventions::read::InterventionFilter {
            alert_id: Some(self.0.id),
            ..Default::default()
        };
        let sort = worker::interventions::read::InterventionSort::CreatedAt;
        let request = PageRequest::new(50, None, sort.name(), false).map_err(ApiError::from)?;
        let (page, _) =
            worker::interventions::read::list(&state.db, &filter, sort, &request, state.clock.now())
                .await
                .map_err(ApiError::from)?;
        Ok(page
            .rows
            .into_iter()
            .map(|(i, _)| super::interventions::Intervention(i))
            .collect())
    }
    /// Every transition and action, oldest first, with who did it.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AuditEvent>> {
        let state = ctx.data_unchecked::<AppState>();
        let events = alerts::read::history(&state.db, self.0.id)
            .await
            .map_err(ApiError::from)?;
        Ok(events.into_iter().map(AuditEvent).collect())
    }
}

fn flag_of(evidence: &serde_json::Value) -> Option<Flag> {
    <scoring::Flag as serde::Deserialize>::deserialize(evidence)
        .ok()
        .map(|f| Flag::from(&f))
}

/// Which alerts to list. Without `statuses`, the unresolved ones.
#[derive(InputObject, Default, Clone, Debug)]
pub struct AlertFilterInput {
    pub statuses: Option<Vec<AlertStatus>>,
    /// Assigned to this person (with `unassigned: true`: to them or to nobody).
    pub assignee: Option<ID>,
    /// Assigned to nobody.
    #[graphql(default)]
    pub unassigned: bool,
    /// Assigned to the signed-in person (with `unassigned: true`: to them or to nobody).
    #[graphql(default)]
    pub mine: bool,
    pub flags: Option<Vec<FlagCode>>,
    pub severities: Option<Vec<AlertSeverity>>,
    /// Only open alerts past their acknowledge-by time (false: only those not).
    pub overdue: Option<bool>,
    pub tutor_id: Option<ID>,
}

impl AlertFilterInput {
    pub(crate) fn into_filter(self, caller: &Caller) -> ApiResult<AlertFilter> {
        let assignee = match (self.mine, &self.assignee) {
            (true, Some(_)) => {
                return Err(ApiError::input(
                    "filter.mine",
                    "give either mine or assignee, not both",
                ));
            }
            (true, None) => Some(caller.user_id().ok_or_else(|| {
                ApiError::input("filter.mine", "only a signed-in person has alerts of their own")
            })?),
            (false, Some(a)) => Some(parse_id("filter.assignee", a)?),
            (false, None) => None,
        };
        let statuses = match self.statuses {
            Some(s) => s.into_iter().map(Into::into).collect(),
            None => vec![
                entity::AlertStatus::Open,
                entity::AlertStatus::Acknowledged,
                entity::AlertStatus::Snoozed,
            ],
        };
        Ok(AlertFilter {
            statuses,
            assignee,
            unassigned: self.unassigned,
            flags: self
                .flags
                .unwrap_or_default()
                .into_iter()
                .map(|f| scoring::FlagCode::from(f).as_str().to_owned())
                .collect(),
            severities: self
                .severities
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            overdue: self.overdue,
            tutor_id: self
                .tutor_id
                .as_ref()
                .map(|t| parse_id("filter.tutorId", t))
                .transpose()?,
        })
    }
}

/// How to sort the alerts.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct AlertSortInput {
    #[graphql(default)]
    pub field: AlertSortField,
    #[graphql(default_with = "SortDirection::Asc")]
    pub direction: SortDirection,
}

impl Default for AlertSortInput {
    fn default() -> Self {
        Self {
            field: AlertSortField::Severity,
            direction: SortDirection::Asc,
        }
    }
}

/// The core's order for a sort field.
pub(crate) fn sort_of(field: AlertSortField) -> AlertSort {
    match field {
        AlertSortField::Severity => AlertSort::Severity,
        AlertSortField::OpenedAt => AlertSort::OpenedAt,
        AlertSortField::AckDue => AlertSort::AckDue,
    }
}

/// A page of alerts.
#[derive(SimpleObject, Debug)]
pub struct AlertConnection {
    pub edges: Vec<AlertEdge>,
    pub page_info: PageInfo,
    /// Alerts matching the filter, over all pages.
    pub total_count: u64,
}

/// An alert and its cursor.
#[derive(SimpleObject, Debug)]
pub struct AlertEdge {
    pub cursor: String,
    pub node: Alert,
}

fn caller_of<'a>(ctx: &'a Context<'_>) -> &'a Caller {
    static OPEN: Caller = Caller::Open;
    ctx.data_opt::<Caller>().unwrap_or(&OPEN)
}

/// Alert queries (viewer role).
#[derive(Default)]
pub struct AlertQuery;

#[Object]
impl AlertQuery {
    /// The alerts: unresolved by default, triage order (critical first, oldest first).
    #[graphql(
        guard = "RoleGuard(Role::Viewer)",
        complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity"
    )]
    async fn alerts(
        &self,
        ctx: &Context<'_>,
        filter: Option<AlertFilterInput>,
        sort: Option<AlertSortInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<AlertConnection> {
        let state = ctx.data_unchecked::<AppState>();
        let first = page_size(first, 20, state.config.limits.max_page_size).map_err(ApiError::from)?;
        let filter = filter.unwrap_or_default().into_filter(caller_of(ctx))?;
        let sort = sort.unwrap_or_default();
        let sort_key = sort_of(sort.field);
        let request = PageRequest::new(
            first,
            after.as_deref(),
            sort_key.name(),
            sort.direction == SortDirection::Desc,
        )
        .map_err(ApiError::from)?;
        let (page, total_count) =
            alerts::read::list(&state.db, &filter, sort_key, &request, state.clock.now())
                .await
                .map_err(ApiError::from)?;
        let (edges, page_info) = edges(page, |cursor, a| AlertEdge {
            cursor,
            node: Alert(a),
        });
        Ok(AlertConnection {
            edges,
            page_info,
            total_count,
        })
    }

    /// One alert.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn alert(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Alert>> {
        let state = ctx.data_unchecked::<AppState>();
        let found = alerts::read::by_id(&state.db, parse_id("id", &id)?)
            .await
            .map_err(ApiError::from)?;
        Ok(found.map(Alert))
    }
}

/// An alert as the coach saw it.
#[derive(InputObject, Clone, Debug)]
pub struct AlertVersionInput {
    pub id: ID,
    /// The version the coach saw.
    pub version: i64,
}

/// What a bulk action did to one alert.
#[derive(SimpleObject, Debug)]
pub struct AlertActionResult {
    pub id: ID,
    /// The alert after the action; null when it failed.
    pub alert: Option<Alert>,
    /// Why it failed (`CONFLICT`, `BAD_USER_INPUT`, `NOT_FOUND`); nothing changed then.
    pub error: Option<super::sessions::ItemError>,
}

async fn act(ctx: &Context<'_>, id: &ID, version: i64, action: Action) -> async_graphql::Result<Alert> {
    let state = ctx.data_unchecked::<AppState>();
    let change = alerts::store::act(
        &state.db,
        &state.bus,
        &caller_of(ctx).actor(),
        parse_id("id", id)?,
        version,
        &action,
        state.clock.now(),
    )
    .await
    .map_err(ApiError::from)?;
    Ok(Alert(change.alert))
}

async fn act_on_each(
    ctx: &Context<'_>,
    items: Vec<AlertVersionInput>,
    action: Action,
) -> async_graphql::Result<Vec<AlertActionResult>> {
    let state = ctx.data_unchecked::<AppState>();
    let mut ids = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        ids.push((parse_id(&format!("alerts[{index}].id"), &item.id)?, item.version));
    }
    let results = alerts::store::act_on_each(
        &state.db,
        &state.bus,
        &caller_of(ctx).actor(),
        &ids,
        &action,
        state.clock.now(),
    )
    .await
    .map_err(ApiError::from)?;
    Ok(items
        .into_iter()
        .zip(results)
        .map(|(item, result)| match result {
            Ok(change) => AlertActionResult {
                id: item.id,
                alert: Some(Alert(change.alert)),
                error: None,
            },
            Err(e) => AlertActionResult {
                id: item.id,
                alert: None,
                error: Some(ApiError::from(e).into()),
            },
        })
        .collect())
}

fn assignee_of(assignee_id: Option<ID>) -> ApiResult<Option<Uuid>> {
    assignee_id
        .as_ref()
        .map(|a| parse_id("assigneeId", a))
        .transpose()
}

/// Alert actions (coach role).
#[derive(Default)]
pub struct AlertMutation;

#[Object]
impl AlertMutation {
    /// Takes an alert in hand (OPEN or SNOOZED to ACKNOWLEDGED).
    #[graphql(guard = "RoleGuard(Role::Coach)")]
    async fn acknowledge_alert(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i64,
    ) -> async_graphql::Result<Alert> {
        act(ctx, &id, version, Action::Acknowledge).await
    }

    /// Assigns an alert to an active coach or admin (`assigneeId` null: to nobody).
    #[graphql(guard = "RoleGuard(Role::Coach)")]
    async fn assign_alert(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i64,
        assignee_id: Option<ID>,
    ) -> async_graphql::Result<Alert> {
        act(ctx, &id, version, Action::Assign(assignee_of(assignee_id)?)).await
    }

    /// Puts an alert aside until `until` (at most 90 days); it opens again then if the flag is
    /// still there.
    #[graphql(guard = "RoleGuard(Role::Coach)")]
    async fn snooze_alert(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i64,
        until: DateTime<Utc>,
    ) -> async_graphql::Result<Alert> {
        act(ctx, &id, version, Action::Snooze { until }).await
    }

    /// Resolves an alert as ACTIONED or FALSE_ALARM (RECOVERED is automatic), with a note.
    #[graphql(guard = "RoleGuard(Role::Coach)")]
    async fn resolve_alert(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i64,
        resolution: AlertResolution,
        note: Option<String>,
    ) -> async_graphql::Result<Alert> {
        let action = Action::Resolve {
            resolution: resolution.into(),
            note,
        };
        act(ctx, &id, version, action).await
    }

    /// Acknowledges up to 100 alerts, each on its own (a result per alert).
    #[graphql(guard = "RoleGuard(Role::Coach)")]
    async fn acknowledge_alerts(
        &self,
        ctx: &Context<'_>,
        alerts: Vec<AlertVersionInput>,
    ) -> async_graphql::Result<Vec<AlertActionResult>> {
        act_on_each(ctx, alerts, Action::Acknowledge).await
    }

    /// Assigns up to 100 alerts, each on its own.
    #[graphql(guard = "RoleGuard(Role::Coach)")]
    async fn assign_alerts(
        &self,
        ctx: &Context<'_>,
        alerts: Vec<AlertVersionInput>,
        assignee_id: Option<ID>,
    ) -> async_graphql::Result<Vec<AlertActionResult>> {
        act_on_each(ctx, alerts, Action::Assign(assignee_of(assignee_id)?)).await
    }

    /// Snoozes up to 100 alerts, each on its own.
    #[graphql(guard = "RoleGuard(Role::Coach)")]
    async fn snooze_alerts(
        &self,
        ctx: &Context<'_>,
        alerts: Vec<AlertVersionInput>,
        until: DateTime<Utc>,
    ) -> async_graphql::Result<Vec<AlertActionResult>> {
        act_on_each(ctx, alerts, Action::Snooze { until }).await
    }

    /// Resolves up to 100 alerts, each on its own.
    #[graphql(guard = "RoleGuard(Role::Coach)")]
    async fn resolve_alerts(
        &self,
        ctx: &Context<'_>,
        alerts: Vec<AlertVersionInput>,
        resolution: AlertResolution,
        note: Option<String>,
    ) -> async_graphql::Result<Vec<AlertActionResult>> {
        let action = Action::Resolve {
            resolution: resolution.into(),
            note,
        };
        act_on_each(ctx, alerts, action).await
    }
}

/// An alert changed (or, with `snapshot`, the stream is listening: refetch what you show).
#[derive(SimpleObject, Debug)]
pub struct AlertUpdate {
    pub snapshot: bool,
    /// What happened: `alert.opened`, `alert.acknowledged`, ...; null in a snapshot.
    pub action: Option<String>,
    /// The alert after the change; null in a snapshot.
    pub alert: Option<Alert>,
}

/// Which alert changes to receive.
#[derive(InputObject, Default, Clone, Debug)]
pub struct AlertChangeFilterInput {
    pub tutor_id: Option<ID>,
    /// Alerts assigned to this person (before or after the change).
    pub assignee: Option<ID>,
}

/// Live alerts (viewer role).
#[derive(Default)]
pub struct AlertSubscription;

#[Subscription]
impl AlertSubscription {
    /// Every change to an alert (filtered by tutor or assignee). The first message is a
    /// snapshot marker; a client that fell behind gets another, meaning "refetch".
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn alert_changed(
        &self,
        ctx: &Context<'_>,
        filter: Option<AlertChangeFilterInput>,
    ) -> async_graphql::Result<impl Stream<Item = AlertUpdate> + use<>> {
        let state = ctx.data_unchecked::<AppState>();
        let filter = filter.unwrap_or_default();
        let tutor = filter
            .tutor_id
            .as_ref()
            .map(|t| parse_id("filter.tutorId", t))
            .transpose()?;
        let assignee = filter
            .assignee
            .as_ref()
            .map(|a| parse_id("filter.assignee", a))
            .transpose()?;
        let receiver = state.bus.subscribe();
        let wanted = move |c: &AlertChange| {
            tutor.is_none_or(|t| t == c.alert.tutor_id)
                && assignee.is_none_or(|a| c.alert.assignee_id == Some(a))
        };
        let marker = || AlertUpdate {
            snapshot: true,
            action: None,
            alert: None,
        };
        let changes = deliveries(receiver).filter_map(move |delivery| {
            let update = match delivery {
                Delivery::Event(event) => match event.as_ref() {
                    Event::AlertChanged(c) if wanted(c) => Some(AlertUpdate {
                        snapshot: false,
                        action: Some(c.action.clone()),
                        alert: Some(Alert(c.alert.clone())),
                    }),
                    _ => None,
                },
                Delivery::Lagged => Some(marker()),
            };
            std::future::ready(update)
        });
        Ok(stream::once(std::future::ready(marker())).chain(changes))
    }
}
