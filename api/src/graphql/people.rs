//! People in the API: who is calling (`me`), users (admins create, change and reset them),
//! the assignees coaches pick from, a person's own password, and the audit trail (admins).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{audit_event, user};
use worker::{
    audit::{self, AuditFilter},
    pagination::{PageRequest, page_size},
    people::{
        self,
        store::{NewUser, UserChanges},
    },
};

use super::{
    connection::{PageInfo, edges},
    enums::{ActorKind, UserRole},
    ids::{id, parse_id},
    loaders::UserLoader,
};
use crate::{
    auth::{Caller, Role, RoleGuard},
    error::ApiError,
    state::AppState,
};

/// A person who signs in.
#[derive(Clone, Debug)]
pub struct User(pub user::Model);

#[Object]
impl User {
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn role(&self) -> UserRole {
        self.0.role.into()
    }
    /// An inactive user cannot sign in.
    async fn active(&self) -> bool {
        self.0.active
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Who is calling and what they may do.
#[derive(SimpleObject, Debug)]
pub struct Me {
    /// A signed-in person, a key, or the open embedded default.
    pub kind: ActorKind,
    /// The person's email, the key's label, or `local`.
    pub label: String,
    /// The signed-in person.
    pub user: Option<User>,
    /// May record sessions and tutors.
    pub can_record: bool,
    /// May act on alerts.
    pub can_triage: bool,
    /// May manage people and see the audit trail.
    pub can_administer: bool,
}

/// A person to create.
#[derive(InputObject, Debug)]
pub struct CreateUserInput {
    pub email: String,
    /// 1-200 characters.
    pub name: String,
    pub role: UserRole,
    /// At least `PASSWORD_MIN_LENGTH` characters; omit to have a one-time password made.
    pub password: Option<String>,
}

/// What to change about a person (omitted fields stay as they are).
#[derive(InputObject, Debug, Default)]
pub struct UpdateUserInput {
    pub name: Option<String>,
    pub role: Option<UserRole>,
    /// Deactivating signs the person out everywhere.
    pub active: Option<bool>,
}

/// A created person, and the one-time password when none was given (shown only here).
#[derive(SimpleObject, Debug)]
pub struct CreateUserPayload {
    pub user: User,
    pub one_time_password: Option<String>,
}

/// A reset password, shown only here.
#[derive(SimpleObject, Debug)]
pub struct ResetPasswordPayload {
    pub one_time_password: String,
}

/// One entry of the audit trail.
#[derive(Clone, Debug)]
pub struct AuditEvent(pub audit_event::Model);

#[Object]
impl AuditEvent {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    async fn actor_kind(&self) -> ActorKind {
        self.0.actor_kind.into()
    }
    /// The person's email, the key's label, `local` or `system`.
    async fn actor_label(&self) -> &str {
        &self.0.actor_label
    }
    /// The person, when a person acted.
    async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(user_id) = self.0.actor_id else {
            return Ok(None);
        };
        let user = ctx
            .data_unchecked::<async_graphql::dataloader::DataLoader<UserLoader>>()
            .load_one(user_id)
            .await
            .map_err(|e| ApiError::from(e.as_ref().clone()))?;
        Ok(user.map(User))
    }
    /// What happened: `alert.acknowledged`, `user.created`, `user.signed_in`, ...
    async fn action(&self) -> &str {
        &self.0.action
    }
    async fn subject_type(&self) -> &str {
        &self.0.subject_type
    }
    async fn subject_id(&self) -> Option<&str> {
        self.0.subject_id.as_deref()
    }
    async fn tutor_id(&self) -> Option<ID> {
        self.0.tutor_id.map(id)
    }
    /// The subject's state before the change.
    async fn before(&self) -> Option<&serde_json::Value> {
        self.0.before.as_ref()
    }
    /// Its state after.
    async fn after(&self) -> Option<&serde_json::Value> {
        self.0.after.as_ref()
    }
    /// What the actor wrote (a resolution note).
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

/// Which audit entries to list.
#[derive(InputObject, Debug, Default)]
pub struct AuditFilterInput {
    /// Entries by this person.
    pub actor_id: Option<ID>,
    /// Actions starting with this, e.g. `alert.` or `user.signed_in`.
    pub action: Option<String>,
    /// `alert`, `user`, `sign_in`.
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub tutor_id: Option<ID>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// Before.
    pub to: Option<DateTime<Utc>>,
}

/// A page of audit entries, newest first.
#[derive(SimpleObject, Debug)]
pub struct AuditEventConnection {
    pub edges: Vec<AuditEventEdge>,
    pub page_info: PageInfo,
}

/// An audit entry and its cursor.
#[derive(SimpleObject, Debug)]
pub struct AuditEventEdge {
    pub cursor: String,
    pub node: AuditEvent,
}

fn caller<'a>(ctx: &'a Context<'_>) -> &'a Caller {
    static OPEN: Caller = Caller::Open;
    ctx.data_opt::<Caller>().unwrap_or(&OPEN)
}

/// People queries.
#[derive(Default)]
pub struct PeopleQuery;

#[Object]
impl PeopleQuery {
    /// Who is calling.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Me> {
        let caller = caller(ctx);
        let state = ctx.data_unchecked::<AppState>();
        let user = match caller.user_id() {
            Some(user_id) => people::read::by_id(&state.db, user_id)
                .await
                .map_err(ApiError::from)?,
            None => None,
        };
        let actor = caller.actor();
        Ok(Me {
            kind: actor.kind.into(),
            label: actor.label,
            user: user.map(User),
            can_record: caller.allows(Role::Ingest),
            can_triage: caller.allows(Role::Coach),
            can_administer: caller.allows(Role::Admin),
        })
    }

    /// The people alerts can be assigned to: active coaches and admins, by name.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn assignees(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<User>> {
        let state = ctx.data_unchecked::<AppState>();
        let all = people::read::all(&state.db).await.map_err(ApiError::from)?;
        Ok(all
            .into_iter()
            .filter(|u| u.active && u.role >= entity::UserRole::Coach)
            .map(User)
            .collect())
    }

    /// Every person, by name (admin).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn users(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<User>> {
        let state = ctx.data_unchecked::<AppState>();
        let all = people::read::all(&state.db).await.map_err(ApiError::from)?;
        Ok(all.into_iter().map(User).collect())
    }

    /// The audit trail, newest first (admin).
    #[graphql(
        guard = "RoleGuard(Role::Admin)",
        complexity = "first.unwrap_or(50).clamp(1, 100) as usize * child_complexity"
    )]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<AuditEventConnection> {
        let state = ctx.data_unchecked::<AppState>();
        let first = page_size(first, 50, state.config.limits.max_page_size).map_err(ApiError::from)?;
        let f = filter.unwrap_or_default();
        let filter = AuditFilter {
            actor_id: f
                .actor_id
                .as_ref()
                .map(|i| parse_id("filter.actorId", i))
                .transpose()?,
            action_prefix: f.action,
            subject_type: f.subject_type,
            subject_id: f.subject_id,
            tutor_id: f
                .tutor_id
                .as_ref()
                .map(|i| parse_id("filter.tutorId", i))
                .transpose()?,
            from: f.from,
            to: f.to,
        };
        let request = PageRequest::new(first, after.as_deref(), audit::SORT, true).map_err(ApiError::from)?;
        let page = audit::list(&state.db, &filter, &request)
            .await
            .map_err(ApiError::from)?;
        let (edges, page_info) = edges(page, |cursor, e| AuditEventEdge {
            cursor,
            node: AuditEvent(e),
        });
        Ok(AuditEventConnection { edges, page_info })
    }
}

/// People mutations.
#[derive(Default)]
pub struct PeopleMutation;

#[Object]
impl PeopleMutation {
    /// Creates a person (admin); returns a one-time password when none was given.
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: CreateUserInput,
    ) -> async_graphql::Result<CreateUserPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let new = NewUser {
            email: input.email,
            name: input.name,
            role: input.role.into(),
            password: input.password,
        };
        let (user, password) = people::store::create_user(
            &state.db,
            &caller(ctx).actor(),
            new,
            &state.config.people,
            state.clock.now(),
        )
        .await
        .map_err(ApiError::from)?;
        state.people.user_created();
        Ok(CreateUserPayload {
            user: User(user),
            one_time_password: password,
        })
    }

    /// Changes a person's name, role or activity (admin).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateUserInput,
    ) -> async_graphql::Result<User> {
        let state = ctx.data_unchecked::<AppState>();
        let changes = UserChanges {
            name: input.name,
            role: input.role.map(Into::into),
            active: input.active,
        };
        let user = people::store::update_user(
            &state.db,
            &caller(ctx).actor(),
            parse_id("id", &id)?,
            changes,
            state.clock.now(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok(User(user))
    }

    /// Gives a person a new one-time password and signs them out everywhere (admin).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn reset_password(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ResetPasswordPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let password = people::store::reset_password(
            &state.db,
            &caller(ctx).actor(),
            parse_id("id", &id)?,
            state.clock.now(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok(ResetPasswordPayload {
            one_time_password: password,
        })
    }

    /// Changes the signed-in person's own password.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> async_graphql::Result<bool> {
        let state = ctx.data_unchecked::<AppState>();
        let user_id = caller(ctx)
            .user_id()
            .ok_or_else(|| ApiError::input("currentPassword", "only a signed-in person has a password"))?;
        people::store::change_password(
            &state.db,
            user_id,
            &current_password,
            &new_password,
            &state.config.people,
            state.clock.now(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok(true)
    }
}
