//! A new session's writes: its row, its reschedule, the first-session flag of its
//! tutor-student pair and its recompute job. On Postgres they are one statement (a
//! data-modifying `WITH`): one round trip after the tutor's lock where they were three or
//! four, which is most of what a session costs the api and the database. SQLite, whose
//! writers are serialised anyway, runs them one by one.

use chrono::{DateTime, Utc};
use entity::{prelude::*, reschedule, session};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, ExprTrait, IdenStatic,
    IntoActiveModel, Iterable, TryInsertResult,
    sea_query::{
        Alias, CommonTableExpression, Condition, Expr, InsertStatement, OnConflict, Query, SelectStatement,
        WithClause,
    },
};

use crate::jobs::{self, RecomputeTutor};

/// A session not stored yet, with what is written beside it.
pub(super) struct NewSession<'a> {
    /// `is_first_session` is derived here, whatever the row says.
    pub row: &'a session::Model,
    pub reschedule: Option<&'a reschedule::Model>,
    pub recompute: RecomputeTutor,
}

/// Stores `new` inside the caller's transaction, which holds the tutor's lock (so no other
/// writer changes the pair meanwhile). Returns the stored session's first-session flag, or
/// `None`, having written nothing, when a session of its external id exists.
pub(super) async fn store_new<C: ConnectionTrait>(
    db: &C,
    new: &NewSession<'_>,
    now: DateTime<Utc>,
) -> Result<Option<bool>, DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => in_one_statement(db, new, now).await,
        _ => one_by_one(db, new, now).await,
    }
}

async fn one_by_one<C: ConnectionTrait>(
    db: &C,
    new: &NewSession<'_>,
    now: DateTime<Utc>,
) -> Result<Option<bool>, DbErr> {
    let row = new.row;
    let inserted = Session::insert(row.clone().into_active_model())
        .on_conflict_do_nothing_on([session::Column::ExternalId])
        .exec_without_returning(db)
        .await?;
    if !matches!(inserted, TryInsertResult::Inserted(1)) {
        return Ok(None);
    }
    if let Some(r) = new.reschedule {
        Reschedule::insert(r.clone().into_active_model())
            .exec_without_returning(db)
            .await?;
    }
    let is_first = super::store::mark_first_sessions(db, row.tutor_id, &row.student_ref, row.id)
        .await?
        .unwrap_or(row.is_first_session);
    jobs::enqueue_recomputes(db, [new.recompute.clone()], now).await?;
    Ok(Some(is_first))
}

/// The same writes as [`one_by_one`], as one statement. Its parts all see the snapshot from
/// before it, so the new row cannot be found by the others: the first-session rule (the
/// pair's earliest start, then lowest id) is applied to it directly. The new session is
/// first when no session of the pair comes before it, and a first session that comes after
/// it is first no longer. Every other row of the pair keeps its flag, as re-deriving the
/// whole pair would leave it.
async fn in_one_statement<C: ConnectionTrait>(
    db: &C,
    new: &NewSession<'_>,
    now: DateTime<Utc>,
) -> Result<Option<bool>, DbErr> {
    let row = new.row;
    let stored = Alias::new("stored");
    let pair = || {
        Condition::all()
            .add(session::Column::TutorId.eq(row.tutor_id))
            .add(session::Column::StudentRef.eq(row.student_ref.as_str()))
    };
    let order = || {
        Expr::tuple([
            Expr::col(session::Column::ScheduledStart),
            Expr::col(session::Column::Id),
        ])
    };
    let this = Expr::tuple([Expr::val(row.scheduled_start), Expr::val(row.id)]);

    let earlier = Query::select()
        .expr(Expr::val(1))
        .from(Session)
        .cond_where(pair().add(order().lt(this.clone())))
        .to_owned();
    let session = insert_from(row.clone().into_active_model(), None, |column| {
        matches!(column, session::Column::IsFirstSession).then(|| Expr::not_exists(earlier.clone()))
    })
    .on_conflict(
        OnConflict::column(session::Column::ExternalId)
            .do_nothing()
            .to_owned(),
    )
    .returning_col(session::Column::IsFirstSession)
    .to_owned();
    let no_longer_first = Query::update()
        .table(Session)
        .value(session::Column::IsFirstSession, false)
        .cond_where(
            pair()
                .add(session::Column::IsFirstSession.eq(true))
                .add(order().gt(this))
                .add(Expr::exists(
                    Query::select().expr(Expr::val(1)).from(stored.clone()).to_owned(),
                )),
        )
        .to_owned();

    let mut with = WithClause::new();
    with.cte(cte(stored.clone(), session));
    with.cte(cte(Alias::new("no_longer_first"), no_longer_first));
    if let Some(r) = new.reschedule {
        let reschedule = insert_from(r.clone().into_active_model(), Some(&stored), |_| None);
        with.cte(cte(Alias::new("reschedule"), reschedule));
    }
    let job = insert_from(
        jobs::recompute_row(new.recompute.clone(), now),
        Some(&stored),
        |_| None,
    );
    with.cte(cte(Alias::new("job"), job));
    let query = Query::select()
        .column(session::Column::IsFirstSession)
        .from(stored)
        .to_owned()
        .with(with);
    match db.query_one(&query).await? {
        Some(result) => Ok(Some(
            result.try_get("", session::Column::IsFirstSession.as_str())?,
        )),
        None => Ok(None),
    }
}

fn cte(name: Alias, query: impl Into<sea_orm::sea_query::SubQueryStatement>) -> CommonTableExpression {
    CommonTableExpression::new()
        .table_name(name)
        .query(query)
        .to_owned()
}

/// `INSERT INTO <table> (<the model's set columns>) SELECT <their values> [FROM <from>]`:
/// one row, or none when `from` is empty. `replace` gives a column an expression instead of
/// the model's value.
fn insert_from<A: ActiveModelTrait>(
    model: A,
    from: Option<&Alias>,
    replace: impl Fn(<A::Entity as EntityTrait>::Column) -> Option<Expr>,
) -> InsertStatement {
    let (columns, values): (Vec<_>, Vec<_>) = <A::Entity as EntityTrait>::Column::iter()
        .filter_map(|column| {
            let value = replace(column).or_else(|| model.get(column).into_value().map(Expr::val))?;
            Some((column, value))
        })
        .unzip();
    let mut select = SelectStatement::new();
    select.exprs(values);
    if let Some(from) = from {
        select.from(from.clone());
    }
    Query::insert()
        .into_table(A::Entity::default())
        .columns(columns)
        .select_from(select)
        .expect("one value per column")
        .to_owned()
}
