//! The daily digest: what changed in the last 24 hours, sent at DIGEST_HOUR in DIGEST_TIMEZONE.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use entity::{
    EmailKind, EmailStatus, JobKind, RiskLevel, email_report, prelude::*, score_history, session, tutor_score,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter};

use super::{
    MailConfig,
    render::{
        self, AlertQueue, DigestAlert, DigestIntervention, DigestTutor, DigestView, FlagCount,
        InterventionQueue, RiskCounts,
    },
    reports,
};
use crate::{jobs, scoring::ScoreReport};

/// The next digest time strictly after `now`: DIGEST_HOUR:00 in DIGEST_TIMEZONE.
pub fn next_run(now: DateTime<Utc>, config: &MailConfig) -> DateTime<Utc> {
    let tz = config.digest_timezone;
    let local_now = now.with_timezone(&tz);
    let hour = NaiveTime::from_hms_opt(Ord::min(config.digest_hour, 23), 0, 0).expect("valid hour");
    (0..3)
        .filter_map(|days| {
            let date = local_now.date_naive() + Duration::days(days);
            // On a daylight-saving gap the hour does not exist that day: take the next day's.
            tz.from_local_datetime(&date.and_time(hour)).earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .find(|t| *t > now)
        .expect("one of the next three days has the hour")
}

fn digest_tutor(score: &tutor_score::Model, tutor: &entity::tutor::Model, public_url: &str) -> DigestTutor {
    let report: Option<ScoreReport> = score.details.decode().ok();
    DigestTutor {
        name: tutor.name.clone(),
        external_id: tutor.external_id.clone(),
        url: render::TutorView::new(tutor, public_url).url,
        risk_level: render::risk_words(score.risk_level),
        flags: report
            .map(|r| r.flags.iter().map(|f| render::flag_title(f.code)).collect())
            .unwrap_or_default(),
    }
}

/// Gathers the digest of the 24 hours before `now`.
pub async fn build<C: ConnectionTrait>(
    db: &C,
    config: &MailConfig,
    now: DateTime<Utc>,
) -> Result<DigestView, DbErr> {
    let since = now - Duration::hours(24);
    let scores = TutorScore::find().find_also_related(Tutor).all(db).await?;
    let mut risk = RiskCounts::default();
    let mut flag_counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    let (mut new_high, mut recovered) = (Vec::new(), Vec::new());
    for (score, tutor) in &scores {
        match score.risk_level {
            RiskLevel::Low => risk.low += 1,
            RiskLevel::Medium => risk.medium += 1,
            RiskLevel::High => risk.high += 1,
        }
        let Some(tutor) = tutor else { continue };
        let line = digest_tutor(score, tutor, &config.public_url);
        for flag in &line.flags {
            *flag_counts.entry(flag).or_default() += 1;
        }
        let changed_today = score.risk_since > since && score.risk_since <= now;
        if changed_today && score.risk_level == RiskLevel::High {
            new_high.push(line);
        } else if changed_today && score.previous_risk_level == Some(RiskLevel::High) {
            recovered.push(line);
        }
    }
    new_high.sort_by(|a, b| a.name.cmp(&b.name));
    recovered.sort_by(|a, b| a.name.cmp(&b.name));
    let mut common_flags: Vec<FlagCount> = flag_counts
        .into_iter()
        .map(|(title, tutors)| FlagCount { title, tutors })
        .collect();
    common_flags.sort_by(|a, b| b.tutors.cmp(&a.tutors).then(a.title.cmp(b.title)));
    let in_window = |c: session::Column| c.gt(since).and(c.lte(now));
    let sessions = Session::find()
        .filter(in_window(session::Column::CreatedAt))
        .count(db)
        .await?;
    let recomputes = ScoreHistory::find()
        .filter(score_history::Column::ComputedAt.gt(since))
        .filter(score_history::Column::ComputedAt.lte(now))
        .count(db)
        .await?;
    let failed_emails = EmailReport::find()
        .filter(email_report::Column::Status.eq(EmailStatus::Failed))
        .filter(email_report::Column::UpdatedAt.gt(since))
        .count(db)
        .await?;
    Ok(DigestView {
        alert_queues: alert_queues(db, config, now).await?,
        intervention_queues: intervention_queues(db, config, now).await?,
        date: now
            .with_timezone(&config.digest_timezone)
            .format("%Y-%m-%d")
            .to_string(),
        new_high,
        recovered,
        common_flags,
        sessions,
        recomputes,
        risk,
        failed_emails,
        dashboard_url: config.public_url.trim_end_matches('/').to_owned(),
    })
}

/// Runs the digest job in the caller's transaction: builds it, enqueues one report per
/// recipient (once per day, whatever retries happen), and schedules the next run.
pub async fn run<C: ConnectionTrait>(
    db: &C,
    config: &MailConfig,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let recipients = config.recipients();
    let created = if recipients.is_empty() {
        0
    } else {
        let view = build(db, config, now).await?;
        let rendered = render::digest(&view);
        reports::enqueue(
            db,
            EmailKind::Digest,
            &format!("digest:{}", view.date),
            (None, None),
            &rendered,
            &recipients,
            now,
        )
        .await?
    };
    jobs::ensure_scheduled(db, JobKind::DailyDigest, next_run(now, config), now).await?;
    Ok(created)
}

/// Unresolved alerts that need someone, per assignee: every overdue one, and every unassigned
/// one (the unassigned queue first, then people by name).
async fn alert_queues<C: ConnectionTrait>(
    db: &C,
    config: &MailConfig,
    now: DateTime<Utc>,
) -> Result<Vec<AlertQueue>, DbErr> {
    let rows = crate::alerts::read::unresolved_with_tutors(db).await?;
    let assignees: BTreeMap<uuid::Uuid, String> =
        crate::people::read::by_ids(db, rows.iter().filter_map(|(a, _)| a.assignee_id))
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
    let mut queues: BTreeMap<(bool, String), Vec<DigestAlert>> = BTreeMap::new();
    for (alert, tutor) in rows {
        let overdue = crate::alerts::is_overdue(&alert, now);
        if !overdue && alert.assignee_id.is_some() {
            continue;
        }
        let assignee = alert.assignee_id.and_then(|id| assignees.get(&id).cloned());
        let key = (
            assignee.is_some(),
            assignee.unwrap_or_else(|| "Unassigned".into()),
        );
        queues.entry(key).or_default().push(DigestAlert {
            tutor: tutor.map_or_else(|| "a tutor".into(), |t| t.name),
            title: crate::scoring::FlagCode::from_stored(&alert.flag_code)
                .map_or("Alert", render::flag_title),
            severity: match alert.severity {
                entity::AlertSeverity::Warning => "warning",
                entity::AlertSeverity::Critical => "critical",
            },
            overdue,
            url: format!("{}/alerts/{}", config.public_url.trim_end_matches('/'), alert.id),
        });
    }
    Ok(queues
        .into_iter()
        .map(|((_, assignee), alerts)| AlertQueue { assignee, alerts })
        .collect())
}

/// Each owner's overdue interventions and follow-ups due in the coming week, owners by name.
async fn intervention_queues<C: ConnectionTrait>(
    db: &C,
    config: &MailConfig,
    now: DateTime<Utc>,
) -> Result<Vec<InterventionQueue>, DbErr> {
    let rows = crate::interventions::read::for_digest(db, now).await?;
    let owners: BTreeMap<uuid::Uuid, String> =
        crate::people::read::by_ids(db, rows.iter().map(|(i, _)| i.owner_id))
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
    let mut queues: BTreeMap<String, Vec<DigestIntervention>> = BTreeMap::new();
    for (intervention, tutor) in rows {
        let overdue = crate::interventions::is_overdue(&intervention, now);
        let date = if overdue {
            intervention.due_at
        } else {
            intervention.follow_up_at.unwrap_or(intervention.due_at)
        };
        let owner = owners
            .get(&intervention.owner_id)
            .cloned()
            .unwrap_or_else(|| "Former owner".into());
        queues.entry(owner).or_default().push(DigestIntervention {
            tutor: tutor.map_or_else(|| "a tutor".into(), |t| t.name),
            title: crate::interventions::type_label(&intervention.kind),
            overdue,
            date: date.format("%Y-%m-%d").to_string(),
            url: format!(
                "{}/tutors/{}",
                config.public_url.trim_end_matches('/'),
                intervention.tutor_id
            ),
        });
    }
    Ok(queues
        .into_iter()
        .map(|(owner, interventions)| InterventionQueue { owner, interventions })
        .collect())
}
