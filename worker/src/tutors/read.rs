//! Reading tutors: the tutors list (filter, search, sort, keyset pages) and its count over
//! tutors joined with their current scores, and look-ups by id.

use entity::{RiskLevel, prelude::*, tutor, tutor_score};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, ExprTrait, IdenStatic, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Expr, Func, LikeExpr, SimpleExpr},
};
use uuid::Uuid;

use super::TutorRef;
use crate::{
    error::DomainResult,
    pagination::{Cursor, Key, Page, PageRequest},
};

/// A tutor with its current score (none until first scored).
pub type TutorWithScore = (tutor::Model, Option<tutor_score::Model>);

/// Whether score rows are loaded with their `details`, the JSON that explains them (flags,
/// windows). Decoding it is most of what a page of tutors costs the api; the typed columns
/// (score, level, rates) serve the sort, the cursors and a query that selects no score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreDetails {
    Load,
    /// `details` comes back as `{}`: the row is not one to explain.
    Skip,
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct TutorFilter {
    pub risk_levels: Vec<RiskLevel>,
    /// Tutors with any of these flag codes.
    pub flags: Vec<String>,
    pub active: Option<bool>,
    /// Case-insensitive substring of name, email or external id.
    pub search: Option<String>,
}

/// Columns the list sorts by (ties broken by tutor id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TutorSort {
    QualityScore,
    RiskLevel,
    RescheduleRate7d,
    RescheduleRate30d,
    RescheduleRate90d,
    NoShowRate30d,
    Sessions30d,
    Name,
    ComputedAt,
}

impl TutorSort {
    /// The name cursors carry, so that a cursor of one order is refused by another.
    pub fn name(self) -> &'static str {
        match self {
            TutorSort::QualityScore => "quality_score",
            TutorSort::RiskLevel => "risk_level",
            TutorSort::RescheduleRate7d => "reschedule_rate_7d",
            TutorSort::RescheduleRate30d => "reschedule_rate_30d",
            TutorSort::RescheduleRate90d => "reschedule_rate_90d",
            TutorSort::NoShowRate30d => "no_show_rate_30d",
            TutorSort::Sessions30d => "sessions_30d",
            TutorSort::Name => "name",
            TutorSort::ComputedAt => "computed_at",
        }
    }

    /// The sort key as an SQL expression. Tutors not scored yet sort as -1 (before every
    /// real value ascending, after them descending), the same on SQLite and Postgres.
    fn expr(self) -> SimpleExpr {
        let score_col = |c: tutor_score::Column| -> SimpleExpr {
            Func::coalesce([Expr::col((TutorScore, c)), Expr::val(-1.0)]).into()
        };
        match self {
            TutorSort::QualityScore => score_col(tutor_score::Column::QualityScore),
            TutorSort::RescheduleRate7d => score_col(tutor_score::Column::RescheduleRate7d),
            TutorSort::RescheduleRate30d => score_col(tutor_score::Column::RescheduleRate30d),
            TutorSort::RescheduleRate90d => score_col(tutor_score::Column::RescheduleRate90d),
            TutorSort::NoShowRate30d => score_col(tutor_score::Column::NoShowRate30d),
            TutorSort::Sessions30d => score_col(tutor_score::Column::Sessions30d),
            TutorSort::RiskLevel => Expr::case(
                Expr::col((TutorScore, tutor_score::Column::RiskLevel)).eq("high"),
                3.0,
            )
            .case(
                Expr::col((TutorScore, tutor_score::Column::RiskLevel)).eq("medium"),
                2.0,
            )
            .case(
                Expr::col((TutorScore, tutor_score::Column::RiskLevel)).eq("low"),
                1.0,
            )
            .finally(-1.0)
            .into(),
            TutorSort::Name => Expr::col((Tutor, tutor::Column::Name)),
            TutorSort::ComputedAt => Func::coalesce([
                Expr::col((TutorScore, tutor_score::Column::ComputedAt)),
                Expr::val(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH),
            ])
            .into(),
        }
    }

    /// The sort key of a row, for its cursor.
    fn key(self, t: &tutor::Model, s: Option<&tutor_score::Model>) -> Key {
        let num = |f: fn(&tutor_score::Model) -> f64| Key::Number(s.map_or(-1.0, f));
        match self {
            TutorSort::QualityScore => num(|s| s.quality_score),
            TutorSort::RescheduleRate7d => num(|s| s.reschedule_rate_7d),
            TutorSort::RescheduleRate30d => num(|s| s.reschedule_rate_30d),
            TutorSort::RescheduleRate90d => num(|s| s.reschedule_rate_90d),
            TutorSort::NoShowRate30d => num(|s| s.no_show_rate_30d),
            TutorSort::Sessions30d => num(|s| f64::from(s.sessions_30d)),
            TutorSort::RiskLevel => num(|s| match s.risk_level {
                RiskLevel::High => 3.0,
                RiskLevel::Medium => 2.0,
                RiskLevel::Low => 1.0,
            }),
            TutorSort::Name => Key::Text(t.name.clone()),
            TutorSort::ComputedAt => {
                Key::Time(s.map_or(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH, |s| s.computed_at))
            }
        }
    }
}

/// `LIKE` pattern for a case-insensitive substring match, with wildcards in the term escaped.
pub fn contains_pattern(term: &str) -> LikeExpr {
    let escaped = term
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

fn filter_condition(filter: &TutorFilter) -> Condition {
    let mut condition = Condition::all();
    if !filter.risk_levels.is_empty() {
        condition = condition.add(tutor_score::Column::RiskLevel.is_in(filter.risk_levels.clone()));
    }
    if !filter.flags.is_empty() {
        let mut any = Condition::any();
        for flag in &filter.flags {
            any = any.add(tutor_score::Column::FlagCodes.like(format!("%,{flag},%")));
        }
        condition = condition.add(any);
    }
    if let Some(active) = filter.active {
        condition = condition.add(tutor::Column::Active.eq(active));
    }
    if let Some(term) = filter.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let like =
            |c: tutor::Column| Expr::expr(Func::lower(Expr::col((Tutor, c)))).like(contains_pattern(term));
        condition = condition.add(
            Condition::any()
                .add(like(tutor::Column::Name))
                .add(like(tutor::Column::Email))
                .add(like(tutor::Column::ExternalId)),
        );
    }
    condition
}

/// One page of the tutors list.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &TutorFilter,
    sort: TutorSort,
    request: &PageRequest,
    details: ScoreDetails,
) -> DomainResult<Page<TutorWithScore>> {
    let order = if request.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    // Sort only ids, then load the page's rows: carrying whole rows (scores with their
    // details) through the join and sort costs 3x as much with 10,000 tutors.
    let mut ids = Tutor::find()
        .select_only()
        .column(tutor::Column::Id)
        .left_join(TutorScore)
        .filter(filter_condition(filter));
    if let Some(beyond) = request.beyond(sort.expr(), Expr::col((Tutor, tutor::Column::Id))) {
        ids = ids.filter(beyond);
    }
    let ids: Vec<Uuid> = ids
        .order_by(sort.expr(), order.clone())
        .order_by(Expr::col((Tutor, tutor::Column::Id)), order)
        .limit(request.limit())
        .into_tuple()
        .all(db)
        .await?;
    let mut rows = with_scores(db, ids.iter().copied(), details).await?;
    rows.sort_by_key(|(t, _)| ids.iter().position(|id| *id == t.id));
    Ok(request.page(rows, |(t, s)| Cursor {
        sort: sort.name().into(),
        key: sort.key(t, s.as_ref()),
        id: t.id,
    }))
}

/// The number of tutors the filter matches, over all pages (apart from [`list`]: a page that
/// shows no total does not pay for counting).
pub async fn count<C: ConnectionTrait>(db: &C, filter: &TutorFilter) -> Result<u64, DbErr> {
    Tutor::find()
        .left_join(TutorScore)
        .filter(filter_condition(filter))
        .count(db)
        .await
}

/// Tutors with their scores by id, in one statement.
pub async fn with_scores<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = Uuid>,
    details: ScoreDetails,
) -> Result<Vec<TutorWithScore>, DbErr> {
    let mut select = Tutor::find()
        .find_also_related(TutorScore)
        .filter(tutor::Column::Id.is_in(ids));
    if details == ScoreDetails::Skip {
        // The joined score's columns are selected as `B_<column>`.
        let alias = format!("B_{}", tutor_score::Column::Details.as_str());
        QueryTrait::query(&mut select).exprs_mut_for_each(|column| {
            if column.alias.as_ref().is_some_and(|a| a.to_string() == alias) {
                column.expr = Expr::val(serde_json::json!({}));
            }
        });
    }
    select.all(db).await
}

/// Tutors by id, in one statement.
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<Vec<tutor::Model>, DbErr> {
    Tutor::find().filter(tutor::Column::Id.is_in(ids)).all(db).await
}

/// The tutor a reference names, if any.
pub async fn find<C: ConnectionTrait>(db: &C, tutor: &TutorRef) -> Result<Option<tutor::Model>, DbErr> {
    match tutor {
        TutorRef::Id(id) => Tutor::find_by_id(*id).one(db).await,
        TutorRef::ExternalId(external) => {
            Tutor::find()
                .filter(tutor::Column::ExternalId.eq(external.as_str()))
                .one(db)
                .await
        }
    }
}

/// A tutor with its current score, if the tutor exists.
pub async fn find_with_score<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<TutorWithScore>, DbErr> {
    Tutor::find_by_id(id).find_also_related(TutorScore).one(db).await
}

/// Ids of every active tutor (the periodic recompute's work list).
pub async fn active_ids<C: ConnectionTrait>(db: &C) -> Result<Vec<Uuid>, DbErr> {
    Tutor::find()
        .select_only()
        .column(tutor::Column::Id)
        .filter(tutor::Column::Active.eq(true))
        .into_tuple()
        .all(db)
        .await
}
