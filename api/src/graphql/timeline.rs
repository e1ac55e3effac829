//! A tutor's timeline and notes in the API: `Tutor.timeline` (risk changes, alerts,
//! interventions and outcomes, notes, emails in one chronological list), `Tutor.notes`, the
//! note actions (coach role), and `tutorTimeline`, which tells a client showing a tutor's
//! timeline that something new happened to the tutor.

use async_graphql::{Context, ID, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::tutor_note;
use futures::{Stream, StreamExt, stream};
use uuid::Uuid;
use worker::{
    events::Event,
    notes,
    pagination::{PageRequest, page_size},
    timeline,
};

use super::{
    connection::{PageInfo, edges},
    enums::{ActorKind, TimelineKind},
    ids::{id, parse_id},
    interventions::caller_of,
    live::{Delivery, deliveries},
};
use crate::{
    auth::{Role, RoleGuard},
    error::ApiError,
    state::AppState,
};

/// Something that happened to a tutor.
#[derive(Clone, Debug)]
pub struct TimelineItem(pub timeline::Item);

#[Object]
impl TimelineItem {
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    async fn kind(&self) -> TimelineKind {
        self.0.kind.into()
    }
    /// `alert.acknowledged`, `intervention.measured`, `note.added`, `email.sent`, ...
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// What happened, in words (plain text: escape it wherever it becomes HTML).
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// Who did it; null for an email.
    async fn actor_kind(&self) -> Option<ActorKind> {
        self.0.actor_kind.map(Into::into)
    }
    /// The person's email, the key's label, `local` or `system`; the recipient of an email.
    async fn actor_label(&self) -> &str {
        &self.0.actor_label
    }
    /// `alert`, `intervention`, `note`, `tutor` or `email`.
    async fn subject_type(&self) -> &str {
        &self.0.subject_type
    }
    async fn subject_id(&self) -> Option<ID> {
        self.0.subject_id.clone().map(ID)
    }
}

/// A page of a tutor's timeline, newest first.
#[derive(SimpleObject, Debug)]
pub struct TimelineConnection {
    pub edges: Vec<TimelineEdge>,
    pub page_info: PageInfo,
}

/// A timeline item and its cursor.
#[derive(SimpleObject, Debug)]
pub struct TimelineEdge {
    pub cursor: String,
    pub node: TimelineItem,
}

/// A page of `tutor_id`'s timeline.
pub async fn timeline_of(
    ctx: &Context<'_>,
    tutor_id: Uuid,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<TimelineConnection> {
    let state = ctx.data_unchecked::<AppState>();
    let first = page_size(first, 20, state.config.limits.max_page_size).map_err(ApiError::from)?;
    let request = PageRequest::new(first, after.as_deref(), timeline::SORT, true).map_err(ApiError::from)?;
    let page = timeline::page(&state.db, tutor_id, &request)
        .await
        .map_err(ApiError::from)?;
    let (edges, page_info) = edges(page, |cursor, item| TimelineEdge {
        cursor,
        node: TimelineItem(item),
    });
    Ok(TimelineConnection { edges, page_info })
}

/// A note on a tutor.
#[derive(Clone, Debug)]
pub struct Note(pub tutor_note::Model);

#[Object]
impl Note {
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    async fn tutor_id(&self) -> ID {
        id(self.0.tutor_id)
    }
    /// The author's id, for a person.
    async fn author_id(&self) -> Option<ID> {
        self.0.author_id.map(id)
    }
    /// The author as the audit trail names them.
    async fn author_label(&self) -> &str {
        &self.0.author_label
    }
    /// The text as written (plain text).
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// The text escaped for HTML, line breaks as `<br>`.
    async fn body_html(&self) -> String {
        notes::html(&self.0.body)
    }
    async fn pinned(&self) -> bool {
        self.0.pinned
    }
    /// Whether its author may still change the text (for `EDIT_MINUTES` after writing).
    async fn editable(&self, ctx: &Context<'_>) -> bool {
        let now = ctx.data_unchecked::<AppState>().clock.now();
        now - self.0.created_at <= chrono::Duration::minutes(notes::EDIT_MINUTES)
    }
    async fn version(&self) -> i64 {
        self.0.version
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn edited_at(&self) -> Option<DateTime<Utc>> {
        self.0.edited_at
    }
}

/// A tutor's notes, pinned first, then newest first.
pub async fn notes_of(ctx: &Context<'_>, tutor_id: Uuid, first: i32) -> async_graphql::Result<Vec<Note>> {
    let state = ctx.data_unchecked::<AppState>();
    let limit = page_size(Some(first), 20, 100).map_err(ApiError::from)?;
    let rows = notes::of_tutor(&state.db, tutor_id, limit)
        .await
        .map_err(ApiError::from)?;
    Ok(rows.into_iter().map(Note).collect())
}

/// Note actions (coach role).
#[derive(Default)]
pub struct NoteMutation;

#[Object]
impl NoteMutation {
    /// Adds a note on a tutor (at most 4000 characters).
    #[graphql(guard = "RoleGuard(Role::Coach)")]
    async fn add_note(
        &self,
        ctx: &Context<'_>,
        tutor_id: ID,
        body: String,
        #[graphql(default)] pinned: bool,
    ) -> async_graphql::Result<Note> {
        let state = ctx.data_unchecked::<AppState>();
        let change = notes::add(
            &state.db,
            &state.bus,
            &caller_of(ctx).actor(),
            parse_id("tutorId", &tutor_id)?,
            &body,
            pinned,
            state.clock.now(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok(Note(change.note))
    }

    /// Changes a note seen at `version`: its text (its author, within 15 minutes of writing
    /// it; then it is kept as written) and/or whether it is pinned.
    #[graphql(guard = "RoleGuard(Role::Coach)")]
    async fn edit_note(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i64,
        body: Option<String>,
        pinned: Option<bool>,
    ) -> async_graphql::Result<Note> {
        let state = ctx.data_unchecked::<AppState>();
        let change = notes::edit(
            &state.db,
            &state.bus,
            &caller_of(ctx).actor(),
            parse_id("id", &id)?,
            version,
            body.as_deref(),
            pinned,
            state.clock.now(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok(Note(change.note))
    }
}

/// Something new on a tutor's timeline (or, with `snapshot`, the stream is listening).
#[derive(SimpleObject, Debug)]
pub struct TimelineUpdate {
    pub snapshot: bool,
    pub tutor_id: ID,
    /// What happened (`alert.opened`, `note.added`, `tutor.risk_changed`, ...); null in a
    /// snapshot. Refetch the first page of the timeline.
    pub action: Option<String>,
}

/// The timeline action an event puts on its tutor's timeline, if any.
fn timeline_action(event: &Event) -> Option<String> {
    match event {
        Event::AlertChanged(c) => Some(c.action.clone()),
        Event::InterventionChanged(c) => Some(c.action.clone()),
        Event::NoteChanged(c) => Some(c.action.clone()),
        Event::RiskLevelChanged(_) => Some("tutor.risk_changed".into()),
        Event::ScoreUpdated(_) | Event::SessionRecorded(_) => None,
    }
}

/// A live timeline (viewer role).
#[derive(Default)]
pub struct TimelineSubscription;

#[Subscription]
impl TimelineSubscription {
    /// Tells when something new happens to the tutor (an alert, an intervention, an outcome,
    /// a note, a risk change). The first message is a snapshot marker; so is a message to a
    /// client that fell behind.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn tutor_timeline(
        &self,
        ctx: &Context<'_>,
        tutor_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = TimelineUpdate> + use<>> {
        let state = ctx.data_unchecked::<AppState>();
        let tutor = parse_id("tutorId", &tutor_id)?;
        let receiver = state.bus.subscribe();
        let marker = move || TimelineUpdate {
            snapshot: true,
            tutor_id: id(tutor),
            action: None,
        };
        let changes = deliveries(receiver).filter_map(move |delivery| {
            let update = match delivery {
                Delivery::Event(event) if event.tutor_id() == tutor => {
                    timeline_action(&event).map(|action| TimelineUpdate {
                        snapshot: false,
                        tutor_id: id(tutor),
                        action: Some(action),
                    })
                }
                Delivery::Event(_) => None,
                Delivery::Lagged => Some(marker()),
            };
            std::future::ready(update)
        });
        Ok(stream::once(std::future::ready(marker())).chain(changes))
    }
}
