//! The worker loop: a loop around one [`Worker::step`] that claims a batch of due jobs,
//! coalesces recomputes per tutor, runs them, and publishes events after each commit.
//!
//! It wakes at once when the bus says jobs arrived and polls every `poll_interval` anyway, so
//! no work depends on a notification being delivered.

use std::{collections::BTreeMap, ops::Range, sync::Arc, time::Duration};

use chrono::Duration as TimeDelta;
use clap::Args;
use entity::{JobKind, JobStatus, job};
use futures::StreamExt;
use sea_orm::{DatabaseConnection, DbBackend, DbErr};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{
    alerts::AlertsConfig,
    clock::SharedClock,
    db,
    events::{Event, SharedBus},
    interventions::{self, outcome::MeasureOutcome},
    jobs::{self, Queue, RecomputeTutor, RetryPolicy},
    mail::{
        MailService, digest,
        reports::{self, SendEmail, SendOutcome, SendRetry},
    },
    predictions::{
        self, PredictionConfig,
        store::{Promoted, PromotedModel},
    },
    scores::{self, Effects, Recomputed, Request},
    scoring::ScoringConfig,
    tutors,
};

/// A tutor to recompute, with the jobs that asked for it and the sessions they recorded.
type TutorJobs = (Uuid, (Vec<job::Model>, Vec<Uuid>));

/// How the worker loop behaves.
#[derive(Debug, Clone, Args)]
pub struct WorkerConfig {
    /// Jobs claimed per step.
    #[arg(long, env = "WORKER_BATCH_SIZE", default_value_t = 200)]
    pub batch_size: u64,
    /// Recompute transactions run at once within a step (Postgres; SQLite has one writer, so
    /// one).
    #[arg(long, env = "WORKER_CONCURRENCY", default_value_t = 4)]
    pub concurrency: usize,
    /// The most tutors one recompute transaction takes, for the recomputes no recorded session
    /// asked for (the periodic recompute of every tutor, a fit's; a session's recompute runs
    /// alone). More tutors per transaction means fewer statements per tutor, but their rows
    /// stay locked until it commits, and a session recorded for one of them waits that long.
    #[arg(long, env = "WORKER_TUTORS_PER_TRANSACTION", default_value_t = 25)]
    pub tutors_per_transaction: usize,
    /// Longest wait between polls of the job table when idle, in milliseconds.
    #[arg(long, env = "WORKER_POLL_INTERVAL_MS", default_value_t = 1000)]
    pub poll_interval_ms: u64,
    /// How long a claim lasts before another worker may take the job over, in seconds.
    #[arg(long, env = "WORKER_LEASE_SECONDS", default_value_t = 120)]
    pub lease_seconds: i64,
    /// Attempts before a failing job is dead (listed for admins, who may retry it).
    #[arg(long, env = "JOB_MAX_ATTEMPTS", default_value_t = 8)]
    pub max_attempts: i32,
    /// Seconds between recomputes of every tutor (scores decay as sessions age out of windows).
    #[arg(long, env = "RECOMPUTE_INTERVAL_SECONDS", default_value_t = 3600)]
    pub recompute_interval_seconds: i64,
    /// Days finished jobs are kept (for inspection) before the periodic run deletes them.
    #[arg(long, env = "JOB_RETENTION_DAYS", default_value_t = 7)]
    pub job_retention_days: i64,
    /// Address of the worker process's own `/metrics` and `/healthz` (e.g. `0.0.0.0:9091`);
    /// unset: none. The api serves the metrics of an in-process worker itself.
    #[arg(long, env = "METRICS_ADDR")]
    pub metrics_addr: Option<std::net::SocketAddr>,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        crate::config::defaults()
    }
}

/// What one step did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepOutcome {
    /// Jobs claimed.
    pub claimed: usize,
    /// Tutors recomputed (after coalescing).
    pub tutors_recomputed: usize,
    /// Jobs that failed and were rescheduled or declared dead.
    pub failed: usize,
    /// Emails sent (or found sent already).
    pub emails: usize,
}

impl StepOutcome {
    /// Nothing was due.
    pub fn is_idle(&self) -> bool {
        self.claimed == 0
    }
}

/// One worker: its identity, its connections and its rules.
#[derive(Clone)]
pub struct Worker {
    pub db: DatabaseConnection,
    pub bus: SharedBus,
    pub clock: SharedClock,
    pub scoring: Arc<ScoringConfig>,
    /// The alert rules (the defaults unless [`Worker::with_alerts`]).
    pub alerts: Arc<AlertsConfig>,
    /// The prediction rules (the defaults unless [`Worker::with_predictions`]).
    pub predictions: Arc<PredictionConfig>,
    pub config: WorkerConfig,
    /// Written into claimed jobs' `locked_by`.
    pub id: String,
    /// Email, when configured (`None`: email jobs fail and wait for a worker that has it).
    pub mail: Option<Arc<MailService>>,
    /// Wakes this worker's email loop after a scores step that did work (its recomputes may
    /// have queued reports); session nudges wake only the scores' loop.
    mail_due: Arc<Notify>,
    /// The promoted model, parsed once per version for the recomputes.
    model: Arc<PromotedModel>,
}

impl Worker {
    /// A worker named after the host and process, unique enough across replicas.
    pub fn new(
        db: DatabaseConnection,
        bus: SharedBus,
        clock: SharedClock,
        scoring: ScoringConfig,
        config: WorkerConfig,
    ) -> Self {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".into());
        let id = format!(
            "{host}-{}-{}",
            std::process::id(),
            &Uuid::new_v4().simple().to_string()[..8]
        );
        Self {
            db,
            bus,
            clock,
            scoring: Arc::new(scoring),
            alerts: Arc::new(AlertsConfig::default()),
            predictions: Arc::new(PredictionConfig::default()),
            config,
            id,
            mail: None,
            mail_due: Arc::new(Notify::new()),
            model: Arc::default(),
        }
    }

    /// The same worker, with these alert rules.
    pub fn with_alerts(mut self, alerts: AlertsConfig) -> Self {
        self.alerts = Arc::new(alerts);
        self
    }

    /// The same worker, with these prediction rules.
    pub fn with_predictions(mut self, predictions: PredictionConfig) -> Self {
        self.predictions = Arc::new(predictions);
        self
    }

    /// The same worker, sending email through `mail`.
    pub fn with_mail(mut self, mail: MailService) -> Self {
        self.mail = Some(Arc::new(mail));
        self
    }

    fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_attempts: self.config.max_attempts,
            ..RetryPolicy::default()
        }
    }

    /// Claims a batch of due jobs from each queue, then processes the scores' jobs before the
    /// emails. (The running worker steps each queue on its own: [`Worker::run`].)
    pub async fn step(&self) -> Result<StepOutcome, DbErr> {
        self.step_of(&[Queue::Scores, Queue::Email, Queue::Model]).await
    }

    /// Claims up to a batch of due jobs from each of `queues` (all before processing any, so
    /// the jobs this step enqueues wait for the next one) and processes them.
    pub async fn step_of(&self, queues: &[Queue]) -> Result<StepOutcome, DbErr> {
        let now = self.clock.now();
        let lease = TimeDelta::seconds(self.config.lease_seconds);
        let mut claimed = Vec::new();
        for queue in queues {
            claimed.extend(
                jobs::claim_from(&self.db, *queue, &self.id, self.config.batch_size, lease, now).await?,
            );
        }
        let mut outcome = StepOutcome {
            claimed: claimed.len(),
            ..StepOutcome::default()
        };
        if claimed.is_empty() {
            return Ok(outcome);
        }

        // Coalesce: one recompute per tutor, however many jobs asked for it.
        let mut by_tutor: BTreeMap<Uuid, (Vec<job::Model>, Vec<Uuid>)> = BTreeMap::new();
        let mut emails = Vec::new();
        for job in claimed {
            match job.kind {
                JobKind::RecomputeTutor => {
                    match serde_json::from_value::<RecomputeTutor>(job.payload.clone()) {
                        Ok(p) => {
                            let entry = by_tutor.entry(p.tutor_id).or_default();
                            entry.1.extend(p.session_id);
                            entry.0.push(job);
                        }
                        Err(e) => {
                            self.record_failure(&job, &format!("malformed payload: {e}"), &mut outcome)
                                .await?
                        }
                    }
                }
                JobKind::RecomputeAll => {
                    if let Err(e) = self.recompute_all(&job).await {
                        self.record_failure(&job, &e.to_string(), &mut outcome).await?;
                    }
                }
                JobKind::DailyDigest => {
                    if let Err(e) = self.digest(&job).await {
                        self.record_failure(&job, &e.to_string(), &mut outcome).await?;
                    }
                }
                JobKind::SendEmail => emails.push(job),
                JobKind::TrainModel => {
                    if let Err(e) = self.train_model(&job).await {
                        self.record_failure(&job, &e.to_string(), &mut outcome).await?;
                    }
                }
                JobKind::MeasureOutcome => {
                    if let Err(e) = self.measure_outcome(&job).await {
                        self.record_failure(&job, &e.to_string(), &mut outcome).await?;
                    }
                }
            }
        }

        // Tutors are independent (a recompute locks only its own): several transactions at
        // once keep the database busy while one waits on a round trip, and each recomputes a
        // share of the step's tutors with one statement per read and write for all of them.
        let concurrency = match self.db.get_database_backend() {
            DbBackend::Sqlite => 1,
            _ => self.config.concurrency.max(1),
        };
        // One read of the promoted model serves the step's recomputes (read after the claim,
        // so the recomputes a promotion queued see the model it promoted).
        let model = if by_tutor.is_empty() {
            None
        } else {
            self.model.get(&self.db).await?
        };
        let model = model.as_ref();
        // The tutor whose job has waited longest first: a step takes a while under load, and
        // the order of tutor ids would leave some sessions waiting for the whole of it.
        // Recomputes that recorded sessions asked for come first and run one tutor per
        // transaction: the tutor's next session waits on its lock, and in a transaction of
        // several tutors it would wait for all of them (at 100 tutors, 25 per transaction cut
        // ingest at concurrency 32 by a third). The others (the periodic recompute of every
        // tutor, a fit's) go up to `tutors_per_transaction` together.
        let mut by_tutor: Vec<TutorJobs> = by_tutor.into_iter().collect();
        by_tutor.sort_by_key(|(_, (tutor_jobs, sessions))| {
            (sessions.is_empty(), tutor_jobs.iter().map(|j| j.id).min())
        });
        let asked = by_tutor
            .iter()
            .take_while(|(_, (_, sessions))| !sessions.is_empty())
            .count();
        let per_transaction = (by_tutor.len() - asked)
            .div_ceil(concurrency)
            .clamp(1, self.config.tutors_per_transaction.max(1));
        let together = (asked..by_tutor.len()).step_by(per_transaction);
        let batches: Vec<Range<usize>> = (0..asked)
            .map(|i| i..i + 1)
            .chain(together.map(|start| start..(start + per_transaction).min(by_tutor.len())))
            .collect();
        let by_tutor = &by_tutor;
        let mut recomputes = futures::stream::iter(batches)
            .map(|range| async move {
                let batch = &by_tutor[range];
                (batch, self.recompute_batch(batch, model).await)
            })
            .buffer_unordered(concurrency);
        while let Some((batch, result)) = recomputes.next().await {
            match result {
                Ok(recomputed) => outcome.tutors_recomputed += recomputed,
                // One tutor's failure must not hold the others back: retry them one by one.
                Err(e) if batch.len() > 1 => {
                    tracing::warn!(error = %e, tutors = batch.len(), "recompute failed; retrying tutor by tutor");
                    for one in batch.chunks(1) {
                        match self.recompute_batch(one, model).await {
                            Ok(recomputed) => outcome.tutors_recomputed += recomputed,
                            Err(e) => self.recompute_failed(one, &e, &mut outcome).await?,
                        }
                    }
                }
                Err(e) => self.recompute_failed(batch, &e, &mut outcome).await?,
            }
        }

        // Emails go out concurrently: one slow mail server must not hold the others up.
        let sends = emails.iter().map(|job| self.send_email(job));
        for (job, result) in emails.iter().zip(futures::future::join_all(sends).await) {
            match result {
                Ok(()) => outcome.emails += 1,
                Err(error) => {
                    metrics::counter!("tutorscore_emails_total", "outcome" => "retry").increment(1);
                    let status =
                        jobs::fail(&self.db, job, &error, &self.retry_policy(), self.clock.now()).await?;
                    outcome.failed += 1;
                    tracing::warn!(job = job.id, ?status, error, "email not sent yet");
                    if status == JobStatus::Dead
                        && let Ok(payload) = serde_json::from_value::<SendEmail>(job.payload.clone())
                    {
                        reports::give_up(&self.db, payload.report_id, &error, self.clock.now()).await?;
                    }
                }
            }
        }
        Ok(outcome)
    }

    /// Recomputes a batch of tutors in one transaction, for the jobs that asked for them, and
    /// publishes the events once committed; returns how many still existed.
    async fn recompute_batch(&self, batch: &[TutorJobs], model: Option<&Promoted>) -> Result<usize, DbErr> {
        let ids: Vec<Vec<i64>> = batch
            .iter()
            .map(|(_, (jobs, _))| jobs.iter().map(|j| j.id).collect())
            .collect();
        let requests: Vec<Request> = batch
            .iter()
            .zip(&ids)
            .map(|((tutor_id, (_, sessions)), satisfies)| Request {
                tutor_id: *tutor_id,
                satisfies,
                sessions,
            })
            .collect();
        let effects = Effects {
            alerts: &self.alerts,
            predictions: &self.predictions,
            model,
            mail: self.mail.as_ref().map(|m| &m.config),
        };
        let started = std::time::Instant::now();
        let result = scores::recompute_tutors(
            &self.db,
            &requests,
            &self.id,
            self.clock.as_ref(),
            &self.scoring,
            &effects,
        )
        .await;
        metrics::histogram!("tutorscore_recompute_seconds").record(started.elapsed().as_secs_f64());
        let recomputed = result?;
        metrics::counter!("tutorscore_recomputes_total").increment(recomputed.len() as u64);
        for (tutor_id, _) in batch
            .iter()
            .filter(|(id, _)| !recomputed.iter().any(|r| r.tutor_id == *id))
        {
            tracing::info!(%tutor_id, "tutor no longer exists; recompute skipped");
        }
        let events = recomputed.iter().flat_map(Recomputed::events).collect();
        if let Err(e) = self.bus.publish_all(events, false).await {
            tracing::warn!(error = %e, "publishing the events failed; subscribers resync on the next one");
        }
        Ok(recomputed.len())
    }

    /// Records a failed recompute against every job that asked for it (each retries).
    async fn recompute_failed(
        &self,
        batch: &[TutorJobs],
        error: &DbErr,
        outcome: &mut StepOutcome,
    ) -> Result<(), DbErr> {
        tracing::warn!(error = %error, "recompute failed; will retry");
        for (_, (tutor_jobs, _)) in batch {
            for job in tutor_jobs {
                self.record_failure(job, &error.to_string(), outcome).await?;
            }
        }
        Ok(())
    }

    /// Sends one email job; `Err` means "retry later" (the message says why).
    async fn send_email(&self, job: &job::Model) -> Result<(), String> {
        let Some(mail) = &self.mail else {
            return Err("this worker has no mailer configured".into());
        };
        let payload: SendEmail =
            serde::Deserialize::deserialize(&job.payload).map_err(|e| format!("malformed payload: {e}"))?;
        let now = self.clock.now();
        match reports::send(&self.db, &mail.mailer, &mail.config.from, &payload, now).await {
            Ok(outcome) => {
                if let SendOutcome::Failed(error) = &outcome {
                    tracing::warn!(report = %payload.report_id, error, "email refused for good; report marked failed");
                }
                jobs::complete(&self.db, &[job.id], &self.id, now)
                    .await
                    .map_err(|e| e.to_string())
            }
            Err(SendRetry::Transient(error)) => Err(error),
            Err(SendRetry::Database(e)) => Err(e.to_string()),
        }
    }

    /// Builds and enqueues the daily digest, schedules the next one.
    async fn digest(&self, job: &job::Model) -> Result<(), DbErr> {
        let now = self.clock.now();
        let txn = db::begin_write(&self.db).await?;
        // Done first, so that scheduling the next digest does not see this one as pending.
        jobs::complete(&txn, &[job.id], &self.id, now).await?;
        if let Some(mail) = &self.mail {
            digest::run(&txn, &mail.config, now).await?;
        }
        txn.commit().await
    }

    async fn record_failure(
        &self,
        job: &job::Model,
        error: &str,
        outcome: &mut StepOutcome,
    ) -> Result<(), DbErr> {
        outcome.failed += 1;
        let status = jobs::fail(&self.db, job, error, &self.retry_policy(), self.clock.now()).await?;
        tracing::warn!(job = job.id, kind = ?job.kind, ?status, error, "job failed");
        Ok(())
    }

    /// Measures an intervention's outcome (its follow-up), completing the job in the same
    /// transaction, and publishes the change.
    async fn measure_outcome(&self, job: &job::Model) -> Result<(), DbErr> {
        let payload: MeasureOutcome = serde_json::from_value(job.payload.clone())
            .map_err(|e| DbErr::Custom(format!("malformed payload: {e}")))?;
        let now = self.clock.now();
        let measured = interventions::outcome::measure(
            &self.db,
            payload.intervention_id,
            (&[job.id], &self.id),
            &self.scoring,
            now,
        )
        .await?;
        if let Some(change) = measured
            && let Err(e) = self.bus.publish(Event::InterventionChanged(change)).await
        {
            tracing::warn!(error = %e, "could not publish interventionChanged");
        }
        Ok(())
    }

    /// Fits a prediction model (kept whether or not it is promoted) and schedules the next fit.
    /// A promoted model queues a recompute of every tutor with a booking in the horizon, which
    /// refreshes those predictions (and upcoming-session alerts) with it.
    async fn train_model(&self, job: &job::Model) -> Result<(), DbErr> {
        let now = self.clock.now();
        let model = predictions::store::train(&self.db, &self.predictions, &self.scoring, now).await?;
        let txn = db::begin_write(&self.db).await?;
        if model.promoted {
            let tutors = predictions::store::tutors_with_bookings(&txn, &self.predictions, now).await?;
            jobs::enqueue_recompute(&txn, tutors, now).await?;
        }
        jobs::complete(&txn, &[job.id], &self.id, now).await?;
        let next = now + TimeDelta::hours(self.predictions.retrain_hours);
        jobs::ensure_scheduled(&txn, JobKind::TrainModel, next, now).await?;
        txn.commit().await
    }

    /// When the next fit is due: a day (`MODEL_RETRAIN_HOURS`) after the last, now if there
    /// never was one or enough outcomes arrived since.
    async fn next_fit(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<chrono::DateTime<chrono::Utc>, DbErr> {
        let Some(last) = predictions::store::latest(&self.db).await? else {
            return Ok(now);
        };
        let arrived = predictions::store::outcomes_since(&self.db, last.trained_at).await?;
        if arrived >= self.predictions.retrain_outcomes {
            return Ok(now);
        }
        Ok((last.trained_at + TimeDelta::hours(self.predictions.retrain_hours)).max(now))
    }

    /// Enqueues a recompute of every active tutor and schedules the next round.
    async fn recompute_all(&self, job: &job::Model) -> Result<(), DbErr> {
        let now = self.clock.now();
        let txn = db::begin_write(&self.db).await?;
        let ids = tutors::read::active_ids(&txn).await?;
        jobs::enqueue_recompute(&txn, ids, now).await?;
        jobs::complete(&txn, &[job.id], &self.id, now).await?;
        let purged = jobs::purge_done(&txn, now - TimeDelta::days(self.config.job_retention_days)).await?;
        if purged > 0 {
            tracing::info!(purged, "deleted finished jobs past their retention");
        }
        let next = now + TimeDelta::seconds(self.config.recompute_interval_seconds);
        jobs::ensure_scheduled(&txn, JobKind::RecomputeAll, next, now).await?;
        // Many new outcomes since the last fit bring the next fit forward.
        let fit = self.next_fit(now).await?;
        if !jobs::ensure_scheduled(&txn, JobKind::TrainModel, fit, now).await? && fit <= now {
            jobs::bring_forward(&txn, JobKind::TrainModel, now).await?;
        }
        txn.commit().await
    }

    /// Makes sure the periodic jobs exist (called at start).
    pub async fn schedule_periodic(&self) -> Result<(), DbErr> {
        let now = self.clock.now();
        let first = now + TimeDelta::seconds(self.config.recompute_interval_seconds);
        jobs::ensure_scheduled(&self.db, JobKind::RecomputeAll, first, now).await?;
        jobs::ensure_scheduled(&self.db, JobKind::TrainModel, self.next_fit(now).await?, now).await?;
        if let Some(mail) = self.mail.as_ref().filter(|m| !m.config.recipients().is_empty()) {
            jobs::ensure_scheduled(
                &self.db,
                JobKind::DailyDigest,
                digest::next_run(now, &mail.config),
                now,
            )
            .await?;
        }
        Ok(())
    }

    /// Runs until `shutdown` is cancelled; a step in progress finishes first. The scores'
    /// queue and the email queue are stepped by two loops side by side: a backlog of email
    /// (a backfill's reports, a slow mail server) never delays a score's push, and a stream
    /// of recomputes never starves email.
    pub async fn run(self, shutdown: CancellationToken) {
        tracing::info!(worker = %self.id, "worker started");
        if let Err(e) = self.schedule_periodic().await {
            tracing::warn!(error = %e, "could not schedule the periodic recompute; will retry on the next start");
        }
        // The model is fitted on a task of its own: its CPU-bound stretches must not hold up
        // the scores' and emails' loops.
        let fitter = {
            let (worker, shutdown) = (self.clone(), shutdown.clone());
            tokio::spawn(async move { worker.run_queue(Queue::Model, &shutdown).await })
        };
        tokio::join!(
            self.run_queue(Queue::Scores, &shutdown),
            self.run_queue(Queue::Email, &shutdown)
        );
        if let Err(e) = fitter.await {
            tracing::warn!(error = %e, "the model fitting loop stopped abnormally");
        }
        tracing::info!(worker = %self.id, "worker stopped");
    }

    async fn run_queue(&self, queue: Queue, shutdown: &CancellationToken) {
        let poll = Duration::from_millis(self.config.poll_interval_ms);
        while !shutdown.is_cancelled() {
            let stepped = self.step_of(&[queue]).await;
            if queue == Queue::Scores && stepped.as_ref().is_ok_and(|o| !o.is_idle()) {
                self.mail_due.notify_one();
            }
            let wait = match stepped {
                Ok(outcome) if !outcome.is_idle() => continue,
                Ok(_) => poll,
                Err(e) => {
                    tracing::warn!(error = %e, "worker step failed (database unavailable?); retrying");
                    poll
                }
            };
            // A nudge means a session came in, which only the scores' loop has work for: woken
            // by every nudge, the email loop cost a claim per session (three statements) for
            // nothing. It wakes after the scores' steps instead, and the model's loop only polls
            // (a fit is due at most once per poll anyway).
            let nudged = async {
                match queue {
                    Queue::Scores => self.bus.jobs_notified().await,
                    Queue::Email => self.mail_due.notified().await,
                    Queue::Model | Queue::All => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = nudged => {}
                () = tokio::time::sleep(wait) => {}
                () = shutdown.cancelled() => {}
            }
        }
    }
}
