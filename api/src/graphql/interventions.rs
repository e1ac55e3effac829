//! Interventions in the API: the list (overdue marked), one intervention with its alerts and
//! measured outcomes, the types to choose from, a coach's actions (plan, complete, cancel,
//! assess; each with the version the coach saw), which interventions work
//! (`interventionEffectiveness`) and each rule's precision (`flagPrecision`), and the
//! `interventionChanged` subscription.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Subscription, dataloader::DataLoader};
use chrono::{DateTime, Utc};
use entity::{intervention, intervention_outcome};
use futures::{Stream, StreamExt, stream};
use worker::{
    events::Event,
    interventions::{
        self, InterventionChange, effectiveness,
        read::{InterventionFilter, InterventionSort},
        store::{Completion, Plan},
        type_label,
    },
    pagination::{PageRequest, page_size},
    scoring,
};

use super::{
    alerts::Alert,
    connection::{PageInfo, edges},
    enums::{FlagCode, InterventionSortField, InterventionStatus, OutcomeVerdict, SortDirection},
    ids::{id, parse_id},
    live::{Delivery, deliveries},
    loaders::{TutorLoader, UserLoader},
    people::User,
    tutors::Tutor,
};
use crate::{
    auth::{Caller, Role, RoleGuard},
    error::{ApiError, ApiResult},
    state::AppState,
};

/// What a coach does about a tutor: planned for some of the tutor's alerts, then done (its
/// outcome measured `FOLLOW_UP_DAYS` later) or cancelled.
#[derive(Clone, Debug)]
pub struct Intervention(pub intervention::Model);

#[Object]
impl Intervention {
    async fn id(&self) -> ID {
        id(self.0.id)
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
    /// The type's code, one of `interventionTypes`.
    #[graphql(name = "type")]
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// The type in words.
    async fn type_label(&self) -> String {
        type_label(&self.0.kind)
    }
    async fn status(&self) -> InterventionStatus {
        self.0.status.into()
    }
    /// Who does it.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let user = ctx
            .data_unchecked::<DataLoader<UserLoader>>()
            .load_one(self.0.owner_id)
            .await
            .map_err(|e| ApiError::from(e.as_ref().clone()))?;
        Ok(user.map(User))
    }
    async fn owner_id(&self) -> ID {
        id(self.0.owner_id)
    }
    /// Do it by then (`INTERVENTION_DUE_DAYS_CRITICAL` / `_WARNING` after planning unless
    /// given).
    async fn due_at(&self) -> DateTime<Utc> {
        self.0.due_at
    }
    /// Planned and past its due date.
    async fn overdue(&self, ctx: &Context<'_>) -> bool {
        interventions::is_overdue(&self.0, ctx.data_unchecked::<AppState>().clock.now())
    }
    /// What the coach planned to do (plain text).
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// Who planned it (as the audit trail names them).
    async fn planned_by(&self) -> &str {
        &self.0.planned_by
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.0.completed_at
    }
    /// What was done (plain text).
    async fn completion_note(&self) -> Option<&str> {
        self.0.completion_note.as_deref()
    }
    async fn cancelled_at(&self) -> Option<DateTime<Utc>> {
        self.0.cancelled_at
    }
    async fn cancel_reason(&self) -> Option<&str> {
        self.0.cancel_reason.as_deref()
    }
    /// Days compared before and after.
    async fn follow_up_days(&self) -> Option<i32> {
        self.0.follow_up_days
    }
    /// When the outcome is (or was) measured.
    async fn follow_up_at(&self) -> Option<DateTime<Utc>> {
        self.0.follow_up_at
    }
    /// The measured outcome over every linked flag; null until measured.
    async fn outcome(&self) -> Option<OutcomeVerdict> {
        self.0.outcome.map(Into::into)
    }
    async fn measured_at(&self) -> Option<DateTime<Utc>> {
        self.0.measured_at
    }
    /// The owner's own judgement, kept beside the measured outcome.
    async fn assessment(&self) -> Option<OutcomeVerdict> {
        self.0.assessment.map(Into::into)
    }
    async fn assessment_note(&self) -> Option<&str> {
        self.0.assessment_note.as_deref()
    }
    async fn assessed_at(&self) -> Option<DateTime<Utc>> {
        self.0.assessed_at
    }
    /// Grows on every change; give it back with an action (a stale one is a `CONFLICT`).
    async fn version(&self) -> i64 {
        self.0.version
    }
    /// The alerts it answers.
    async fn alerts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Alert>> {
        let state = ctx.data_unchecked::<AppState>();
        let links = interventions::read::alerts_of(&state.db, self.0.id)
            .await
            .map_err(ApiError::from)?;
        let alerts = worker::alerts::read::by_ids(&state.db, links.iter().map(|l| l.alert_id))
            .await
            .map_err(ApiError::from)?;
        Ok(alerts.into_iter().map(Alert).collect())
    }
    /// The measured outcome of each flag, with the numbers.
    async fn outcomes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FlagOutcome>> {
        let state = ctx.data_unchecked::<AppState>();
        let rows = interventions::outcome::of_intervention(&state.db, self.0.id)
            .await
            .map_err(ApiError::from)?;
        Ok(rows.into_iter().map(FlagOutcome).collect())
    }
}

/// One flag's metric before and after an intervention.
#[derive(Clone, Debug)]
pub struct FlagOutcome(pub intervention_outcome::Model);

#[Object]
impl FlagOutcome {
    /// The flag measured.
    async fn flag(&self) -> Option<FlagCode> {
        scoring::FlagCode::from_stored(&self.0.flag_code).map(Into::into)
    }
    async fn verdict(&self) -> OutcomeVerdict {
        self.0.verdict.into()
    }
    /// Days in each period.
    async fn period_days(&self) -> i32 {
        self.0.period_days
    }
    async fn before_count(&self) -> i32 {
        self.0.before_count
    }
    async fn before_out_of(&self) -> i32 {
        self.0.before_out_of
    }
    async fn after_count(&self) -> i32 {
        self.0.after_count
    }
    async fn after_out_of(&self) -> i32 {
        self.0.after_out_of
    }
    /// Percent.
    async fn before_rate(&self) -> f64 {
        self.0.before_rate
    }
    /// The 95% Wilson interval of the rate before, percent.
    async fn before_interval(&self) -> Vec<f64> {
        vec![self.0.before_low, self.0.before_high]
    }
    async fn after_rate(&self) -> f64 {
        self.0.after_rate
    }
    async fn after_interval(&self) -> Vec<f64> {
        vec![self.0.after_low, self.0.after_high]
    }
    /// After minus before, percentage points.
    async fn change(&self) -> f64 {
        self.0.change
    }
    /// The change's 95% interval (Newcombe), percentage points.
    async fn change_interval(&self) -> Vec<f64> {
        vec![self.0.change_low, self.0.change_high]
    }
    /// "reschedules 9 of 31 before, 2 of 28 after ..."
    async fn sentence(&self) -> &str {
        &self.0.sentence
    }
    async fn measured_at(&self) -> DateTime<Utc> {
        self.0.measured_at
    }
}

/// A type of intervention coaches choose from (`INTERVENTION_TYPES`).
#[derive(SimpleObject, Debug)]
pub struct InterventionType {
    pub code: String,
    pub label: String,
}

/// Which interventions to list. Without `statuses`, every status.
#[derive(InputObject, Default, Clone, Debug)]
pub struct InterventionFilterInput {
    pub statuses: Option<Vec<InterventionStatus>>,
    pub owner_id: Option<ID>,
    /// Owned by the signed-in person.
    #[graphql(default)]
    pub mine: bool,
    pub tutor_id: Option<ID>,
    /// Those answering this alert.
    pub alert_id: Option<ID>,
    /// Type codes.
    pub types: Option<Vec<String>>,
    /// Only planned ones past their due date (false: only those not).
    pub overdue: Option<bool>,
}

fn optional_id(field: &str, value: &Option<ID>) -> ApiResult<Option<uuid::Uuid>> {
    value.as_ref().map(|v| parse_id(field, v)).transpose()
}

impl InterventionFilterInput {
    /// The core's filter, for the list and its CSV export.
    pub fn into_filter(self, caller: &Caller) -> ApiResult<InterventionFilter> {
        let owner_id = match (self.mine, &self.owner_id) {
            (true, Some(_)) => {
                return Err(ApiError::input(
                    "filter.mine",
                    "give either mine or ownerId, not both",
                ));
            }
            (true, None) => Some(caller.user_id().ok_or_else(|| {
                ApiError::input(
                    "filter.mine",
                    "only a signed-in person has interventions of their own",
                )
            })?),
            (false, owner) => optional_id("filter.ownerId", owner)?,
        };
        Ok(InterventionFilter {
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            owner_id,
            tutor_id: optional_id("filter.tutorId", &self.tutor_id)?,
            alert_id: optional_id("filter.alertId", &self.alert_id)?,
            types: self.types.unwrap_or_default(),
            overdue: self.overdue,
        })
    }
}

/// How to sort interventions.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct InterventionSortInput {
    #[graphql(default)]
    pub field: InterventionSortField,
    #[graphql(default_with = "SortDirection::Asc")]
    pub direction: SortDirection,
}

impl Default for InterventionSortInput {
    fn default() -> Self {
        Self {
            field: InterventionSortField::DueAt,
            direction: SortDirection::Asc,
        }
    }
}

/// The core's order for a sort input.
pub fn sort_of(field: InterventionSortField) -> InterventionSort {
    match field {
        InterventionSortField::DueAt => InterventionSort::DueAt,
        InterventionSortField::CreatedAt => InterventionSort::CreatedAt,
    }
}

/// A page of interventions.
#[derive(SimpleObject, Debug)]
pub struct InterventionConnection {
    pub edges: Vec<InterventionEdge>,
    pub page_info: PageInfo,
    /// Interventions matching the filter, over all pages.
    pub total_count: u64,
}

/// An intervention and its cursor.
#[derive(SimpleObject, Debug)]
pub struct InterventionEdge {
    pub cursor: String,
    pub node: Intervention,
}

pub(crate) fn caller_of<'a>(ctx: &'a Context<'_>) -> &'a Caller {
    static OPEN: Caller = Caller::Open;
    ctx.data_opt::<Caller>().unwrap_or(&OPEN)
}

/// One page of interventions for `filter` (the list, a tutor's, an alert's).
pub async fn load(
    ctx: &Context<'_>,
    filter: InterventionFilter,
    sort: InterventionSortInput,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<InterventionConnection> {
    let state = ctx.data_unchecked::<AppState>();
    let first = page_size(first, 20, state.config.limits.max_page_size).map_err(ApiError::from)?;
    let sort_key = sort_of(sort.field);
    let request = PageRequest::new(
        first,
        after.as_deref(),
        sort_key.name(),
        sort.direction == SortDirection::Desc,
    )
    .map_err(ApiError::from)?;
    let (page, total_count) =
        interventions::read::list(&state.db, &filter, sort_key, &request, state.clock.now())
            .await
            .map_err(ApiError::from)?;
    let (edges, page_info) = edges(page, |cursor, i| InterventionEdge {
        cursor,
        node: Intervention(i),
    });
    Ok(InterventionConnection {
        edges,
        page_info,
        total_count,
    })
}

/// Figures of one group of measured outcomes.
#[derive(SimpleObject, Debug)]
pub struct EffectivenessGroup {
    /// The type's or flag's code (`all` for the total).
    pub key: String,
    /// The type or flag in words.
    pub label: String,
    /// Distinct interventions.
    pub interventions: u64,
    /// Measured flags (an intervention answering two flags counts twice).
    pub measured: u64,
    pub improved: u64,
    pub no_change: u64,
    pub worse: u64,
    pub not_enough_data: u64,
    pub churned: u64,
    /// improved / (improved + no change + worse), 0..1; null when nothing was judged.
    pub share_improved: Option<f64>,
    /// Its 95% Wilson interval.
    pub share_improved_interval: Option<Vec<f64>>,
    /// Median change in rate after minus before, percentage points (judged outcomes).
    pub median_change: Option<f64>,
    /// Its distribution-free 95% interval (from six judged outcomes on).
    pub median_change_interval: Option<Vec<f64>>,
}

fn group(g: effectiveness::Group, label: String) -> EffectivenessGroup {
    EffectivenessGroup {
        key: g.key,
        label,
        interventions: g.interventions,
        measured: g.measured,
        improved: g.improved,
        no_change: g.no_change,
        worse: g.worse,
        not_enough_data: g.not_enough_data,
        churned: g.churned,
        share_improved: g.share_improved.map(|s| s.0),
        share_improved_interval: g.share_improved.map(|s| vec![s.1, s.2]),
        median_change: g.median_change,
        median_change_interval: g.median_change_interval.map(|(a, b)| vec![a, b]),
    }
}

fn flag_label(code: &str) -> String {
    scoring::FlagCode::from_stored(code)
        .map_or_else(|| code.to_owned(), |f| worker::mail::render::flag_title(f).into())
}

/// Which interventions work, from their measured outcomes.
#[derive(SimpleObject, Debug)]
pub struct InterventionEffectiveness {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub total: EffectivenessGroup,
    pub by_type: Vec<EffectivenessGroup>,
    pub by_flag: Vec<EffectivenessGroup>,
}

/// A flag rule's alerts and how coaches judged them.
#[derive(SimpleObject, Debug)]
pub struct FlagPrecision {
    pub flag: Option<FlagCode>,
    pub label: String,
    /// Alerts opened in the period.
    pub alerts: u64,
    pub unresolved: u64,
    pub recovered: u64,
    pub actioned: u64,
    /// Dismissed by a coach as `FALSE_ALARM`.
    pub false_alarms: u64,
    /// false alarms / alerts, 0..1.
    pub false_alarm_share: Option<f64>,
    /// actioned / (actioned + false alarms): of the alerts coaches judged, the share they
    /// agreed with.
    pub precision: Option<f64>,
}

/// The default period of the reports: the 180 days before now.
fn period(
    state: &AppState,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    // Up to now included.
    let to = to.unwrap_or_else(|| state.clock.now() + chrono::Duration::seconds(1));
    (from.unwrap_or(to - chrono::Duration::days(180)), to)
}

/// Intervention queries (viewer role).
#[derive(Default)]
pub struct InterventionQuery;

#[Object]
impl InterventionQuery {
    /// Interventions: every status by default, by due date (what to do next first).
    #[graphql(
        guard = "RoleGuard(Role::Viewer)",
        complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity"
    )]
    async fn interventions(
        &self,
        ctx: &Context<'_>,
        filter: Option<InterventionFilterInput>,
        sort: Option<InterventionSortInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<InterventionConnection> {
        let filter = filter.unwrap_or_default().into_filter(caller_of(ctx))?;
        load(ctx, filter, sort.unwrap_or_default(), first, after).await
    }

    /// One intervention.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn intervention(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Intervention>> {
        let state = ctx.data_unchecked::<AppState>();
        let found = interventions::read::by_id(&state.db, parse_id("id", &id)?)
            .await
            .map_err(ApiError::from)?;
        Ok(found.map(Intervention))
    }

    /// The types of intervention to choose from (`INTERVENTION_TYPES`).
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn intervention_types(&self, ctx: &Context<'_>) -> Vec<InterventionType> {
        let state = ctx.data_unchecked::<AppState>();
        state
            .config
            .interventions
            .types
            .iter()
            .map(|code| InterventionType {
                code: code.clone(),
                label: type_label(code),
            })
            .collect()
    }

    /// Which interventions work: the measured outcomes of interventions done in
    /// `[from, to)` (default: the 180 days before now), in total, by type and by flag.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn intervention_effectiveness(
        &self,
        ctx: &Context<'_>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<InterventionEffectiveness> {
        let state = ctx.data_unchecked::<AppState>();
        let (from, to) = period(state, from, to);
        let e = effectiveness::effectiveness(&state.db, from, to)
            .await
            .map_err(ApiError::from)?;
        Ok(InterventionEffectiveness {
            from: e.from,
            to: e.to,
            total: group(e.total, "All interventions".into()),
            by_type: e
                .by_type
                .into_iter()
                .map(|g| {
                    let label = type_label(&g.key);
                    group(g, label)
                })
                .collect(),
            by_flag: e
                .by_flag
                .into_iter()
                .map(|g| {
                    let label = flag_label(&g.key);
                    group(g, label)
                })
                .collect(),
        })
    }

    /// Per flag rule: the alerts first opened in `[from, to)` (default: the 180 days before
    /// now) and the share coaches dismissed as `FALSE_ALARM`.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn flag_precision(
        &self,
        ctx: &Context<'_>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<Vec<FlagPrecision>> {
        let state = ctx.data_unchecked::<AppState>();
        let (from, to) = period(state, from, to);
        let rows = effectiveness::flag_precision(&state.db, from, to)
            .await
            .map_err(ApiError::from)?;
        Ok(rows
            .into_iter()
            .map(|p| FlagPrecision {
                flag: scoring::FlagCode::from_stored(&p.flag).map(Into::into),
                label: flag_label(&p.flag),
                alerts: p.alerts,
                unresolved: p.unresolved,
                recovered: p.recovered,
                actioned: p.actioned,
                false_alarms: p.false_alarms,
                false_alarm_share: p.false_alarm_share,
                precision: p.precision,
            })
            .collect())
    }
}

/// An intervention to plan.
#[derive(InputObject, Clone, Debug)]
pub struct PlanInterventionInput {
    pub tutor_id: ID,
    /// The tutor's alerts it answers (1 to 20).
    pub alert_ids: Vec<ID>,
    /// A type code from `interventionTypes`.
    #[graphql(name = "type")]
    pub kind: String,
    /// Who does it (an active coach or admin); the signed-in person when omitted.
    pub owner_id: Option<ID>,
    /// By when; from the alerts' severity when omitted.
    pub due_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
}

/// Intervention actions (coach role).
#[derive(Default)]
pub struct InterventionMutation;

#[Object]
impl InterventionMutation {
    /// Plans an intervention for some of a tutor's alerts.
    #[graphql(guard = "RoleGuard(Role::Coach)")]
    async fn plan_intervention(
        &self,
        ctx: &Context<'_>,
        input: PlanInterventionInput,
    ) -> async_graphql::Result<Intervention> {
        let state = ctx.data_unchecked::<AppState>();
        let mut alert_ids = Vec::with_capacity(input.alert_ids.len());
        for (i, a) in input.alert_ids.iter().enumerate() {
            alert_ids.push(parse_id(&format!("input.alertIds[{i}]"), a)?);
        }
        let plan = Plan {
            tutor_id: parse_id("input.tutorId", &input.tutor_id)?,
            alert_ids,
            kind: input.kind,
            owner_id: optional_id("input.ownerId", &input.owner_id)?,
            due_at: input.due_at,
            notes: input.notes,
        };
        let change = interventions::store::plan(
            &state.db,
            &state.bus,
            &caller_of(ctx).actor(),
            &plan,
            &state.config.interventions,
            state.clock.now(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok(Intervention(change.intervention))
    }

    /// Marks a planned intervention done: its follow-up is measured `FOLLOW_UP_DAYS` later;
    /// with `resolveAlerts`, its unresolved alerts are resolved as ACTIONED.
    #[graphql(guard = "RoleGuard(Role::Coach)")]
    async fn complete_intervention(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i64,
        note: Option<String>,
        #[graphql(default)] resolve_alerts: bool,
    ) -> async_graphql::Result<Intervention> {
        let state = ctx.data_unchecked::<AppState>();
        let (change, _) = interventions::store::complete(
            &state.db,
            &state.bus,
            &caller_of(ctx).actor(),
            parse_id("id", &id)?,
            version,
            &Completion { note, resolve_alerts },
            &state.config.interventions,
            state.clock.now(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok(Intervention(change.intervention))
    }

    /// Cancels a planned intervention.
    #[graphql(guard = "RoleGuard(Role::Coach)")]
    async fn cancel_intervention(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i64,
        reason: Option<String>,
    ) -> async_graphql::Result<Intervention> {
        let state = ctx.data_unchecked::<AppState>();
        let change = interventions::store::cancel(
            &state.db,
            &state.bus,
            &caller_of(ctx).actor(),
            parse_id("id", &id)?,
            version,
            reason.as_deref(),
            state.clock.now(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok(Intervention(change.intervention))
    }

    /// The owner's own judgement of a done intervention (IMPROVED, NO_CHANGE or WORSE), kept
    /// beside the measured outcome; the owner or an admin.
    #[graphql(guard = "RoleGuard(Role::Coach)")]
    async fn assess_intervention(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i64,
        verdict: OutcomeVerdict,
        note: Option<String>,
    ) -> async_graphql::Result<Intervention> {
        let state = ctx.data_unchecked::<AppState>();
        let change = interventions::store::assess(
            &state.db,
            &state.bus,
            &caller_of(ctx).actor(),
            parse_id("id", &id)?,
            version,
            verdict.into(),
            note.as_deref(),
            state.clock.now(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok(Intervention(change.intervention))
    }
}

/// An intervention changed (or, with `snapshot`, the stream is listening: refetch).
#[derive(SimpleObject, Debug)]
pub struct InterventionUpdate {
    pub snapshot: bool,
    /// `intervention.planned`, `.completed`, `.cancelled`, `.assessed`, `.measured`; null in
    /// a snapshot.
    pub action: Option<String>,
    pub intervention: Option<Intervention>,
}

/// Which intervention changes to receive.
#[derive(InputObject, Default, Clone, Debug)]
pub struct InterventionChangeFilterInput {
    pub tutor_id: Option<ID>,
    pub owner_id: Option<ID>,
}

/// Live interventions (viewer role).
#[derive(Default)]
pub struct InterventionSubscription;

#[Subscription]
impl InterventionSubscription {
    /// Every change to an intervention (filtered by tutor or owner). The first message is a
    /// snapshot marker; a client that fell behind gets another, meaning "refetch".
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn intervention_changed(
        &self,
        ctx: &Context<'_>,
        filter: Option<InterventionChangeFilterInput>,
    ) -> async_graphql::Result<impl Stream<Item = InterventionUpdate> + use<>> {
        let state = ctx.data_unchecked::<AppState>();
        let filter = filter.unwrap_or_default();
        let tutor = optional_id("filter.tutorId", &filter.tutor_id)?;
        let owner = optional_id("filter.ownerId", &filter.owner_id)?;
        let receiver = state.bus.subscribe();
        let wanted = move |c: &InterventionChange| {
            tutor.is_none_or(|t| t == c.intervention.tutor_id)
                && owner.is_none_or(|o| o == c.intervention.owner_id)
        };
        let marker = || InterventionUpdate {
            snapshot: true,
            action: None,
            intervention: None,
        };
        let changes = deliveries(receiver).filter_map(move |delivery| {
            let update = match delivery {
                Delivery::Event(event) => match event.as_ref() {
                    Event::InterventionChanged(c) if wanted(c) => Some(InterventionUpdate {
                        snapshot: false,
                        action: Some(c.action.clone()),
                        intervention: Some(Intervention(c.intervention.clone())),
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
