//! Events and the bus that carries them: in-process for the embedded default, Redis pub/sub
//! in service mode. Both implement [`EventBus`], chosen by configuration.
//!
//! Publishing happens only after the commit that made the event true; the job table stays the
//! source of truth, so a lost event costs latency, never data. Each process holds one Redis
//! subscriber connection (pooled connections cannot SUBSCRIBE) and fans messages out through
//! an in-memory broadcast; a receiver that falls behind skips ahead (`Lagged`), so a slow
//! client never grows memory without bound.

use std::{sync::Arc, time::Duration};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_redis::redis::{self, AsyncCommands};
use entity::{RiskLevel, SessionStatus};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, broadcast};
use uuid::Uuid;

use crate::{
    alerts::AlertChange,
    config::Secret,
    interventions::InterventionChange,
    notes::NoteChange,
    scoring::{FlagCode, ScoreReport},
};

/// The Redis channels of one deployment: `<prefix>:events` carries [`Event`]s as JSON,
/// `<prefix>:jobs` wakes the workers (the payload is ignored). The prefix (`REDIS_PREFIX`,
/// default `tutorscore`) lets several deployments share one Redis.
#[derive(Debug, Clone)]
pub struct Channels {
    pub events: String,
    pub jobs: String,
}

impl Channels {
    pub fn new(prefix: &str) -> Self {
        Self {
            events: format!("{prefix}:events"),
            jobs: format!("{prefix}:jobs"),
        }
    }
}
/// Events buffered per receiver before a slow one starts skipping.
const BROADCAST_CAPACITY: usize = 4096;

/// Something that happened, as published to subscribers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    /// A tutor's score was recomputed.
    ScoreUpdated(ScoreUpdated),
    /// A tutor's risk level changed.
    RiskLevelChanged(RiskLevelChanged),
    /// A session was stored or corrected.
    SessionRecorded(SessionRecorded),
    /// An alert opened, changed state or was acted on.
    AlertChanged(AlertChange),
    /// An intervention was planned, done, cancelled, assessed or measured.
    InterventionChanged(InterventionChange),
    /// A note on a tutor was added or changed.
    NoteChanged(NoteChange),
}

/// A tutor's new score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreUpdated {
    pub tutor_id: Uuid,
    pub tutor_name: String,
    /// Grows by one per recompute; drop events older than what you hold.
    pub version: i64,
    pub report: ScoreReport,
    /// When the tutor entered the current risk level.
    pub risk_since: DateTime<Utc>,
    /// The level before the current one, if it ever changed.
    pub previous_risk_level: Option<RiskLevel>,
}

/// A tutor moved between risk levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskLevelChanged {
    pub tutor_id: Uuid,
    pub tutor_name: String,
    pub version: i64,
    /// `None` for a tutor scored for the first time.
    pub from: Option<RiskLevel>,
    pub to: RiskLevel,
    pub flags: Vec<FlagCode>,
    pub at: DateTime<Utc>,
}

/// A session was stored (or an earlier one corrected).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecorded {
    pub session_id: Uuid,
    pub external_id: String,
    pub tutor_id: Uuid,
    pub status: SessionStatus,
    pub scheduled_start: DateTime<Utc>,
    /// True when an existing session was corrected rather than a new one stored.
    pub corrected: bool,
}

impl Event {
    /// The tutor the event is about.
    pub fn tutor_id(&self) -> Uuid {
        match self {
            Event::ScoreUpdated(e) => e.tutor_id,
            Event::RiskLevelChanged(e) => e.tutor_id,
            Event::SessionRecorded(e) => e.tutor_id,
            Event::AlertChanged(e) => e.alert.tutor_id,
            Event::InterventionChanged(e) => e.intervention.tutor_id,
            Event::NoteChanged(e) => e.note.tutor_id,
        }
    }
}

/// Why publishing failed (the caller logs it; the job table covers the loss).
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("redis pool: {0}")]
    Pool(#[from] deadpool_redis::PoolError),
    #[error("redis configuration: {0}")]
    Config(#[from] deadpool_redis::CreatePoolError),
}

/// Carries events to every process's subscribers and wakes workers when jobs arrive.
#[async_trait]
pub trait EventBus: Send + Sync + 'static {
    /// Sends an event to every subscriber of every process.
    async fn publish(&self, event: Event) -> Result<(), BusError>;
    /// Events from every process, from now on.
    fn subscribe(&self) -> broadcast::Receiver<Arc<Event>>;
    /// Tells the workers that new jobs are waiting.
    async fn notify_jobs(&self) -> Result<(), BusError>;
    /// Resolves when some process said new jobs are waiting.
    async fn jobs_notified(&self);
    /// Whether the bus's backing service answers (always true in-process).
    async fn is_healthy(&self) -> bool;
    /// Tells the workers that jobs are waiting when `nudge`, then sends `events`: what a
    /// commit has to say, in one round trip on Redis however many events it holds.
    async fn publish_all(&self, events: Vec<Event>, nudge: bool) -> Result<(), BusError> {
        if nudge {
            self.notify_jobs().await?;
        }
        for event in events {
            self.publish(event).await?;
        }
        Ok(())
    }
}

/// Shared handle to the bus in use.
pub type SharedBus = Arc<dyn EventBus>;

/// The embedded default: everything stays inside this process.
pub struct InProcessBus {
    events: broadcast::Sender<Arc<Event>>,
    jobs: Notify,
}

impl InProcessBus {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            events: broadcast::channel(BROADCAST_CAPACITY).0,
            jobs: Notify::new(),
        })
    }
}

#[async_trait]
impl EventBus for InProcessBus {
    async fn publish(&self, event: Event) -> Result<(), BusError> {
        // No receivers is not an error: nobody is watching.
        let _ = self.events.send(Arc::new(event));
        Ok(())
    }
    fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.events.subscribe()
    }
    async fn notify_jobs(&self) -> Result<(), BusError> {
        self.jobs.notify_waiters();
        self.jobs.notify_one();
        Ok(())
    }
    async fn jobs_notified(&self) {
        self.jobs.notified().await;
    }
    async fn is_healthy(&self) -> bool {
        true
    }
}

/// Service mode: events and job nudges over Redis pub/sub.
pub struct RedisBus {
    pool: deadpool_redis::Pool,
    channels: Channels,
    events: broadcast::Sender<Arc<Event>>,
    jobs: Arc<Notify>,
}

impl RedisBus {
    /// Creates the publishing pool and starts this process's single subscriber task, which
    /// reconnects with backoff for as long as the process lives.
    pub fn start(url: &str, channels: Channels) -> Result<Arc<Self>, BusError> {
        let mut config = deadpool_redis::Config::from_url(url);
        config.pool = Some(deadpool_redis::PoolConfig {
            timeouts: deadpool_redis::Timeouts {
                wait: Some(Duration::from_secs(2)),
                create: Some(Duration::from_secs(2)),
                recycle: Some(Duration::from_secs(2)),
            },
            ..deadpool_redis::PoolConfig::new(16)
        });
        let pool = config.create_pool(Some(deadpool_redis::Runtime::Tokio1))?;
        let client = redis::Client::open(url)?;
        let bus = Arc::new(Self {
            pool,
            channels: channels.clone(),
            events: broadcast::channel(BROADCAST_CAPACITY).0,
            jobs: Arc::new(Notify::new()),
        });
        tokio::spawn(subscribe_forever(
            client,
            channels,
            bus.events.clone(),
            bus.jobs.clone(),
        ));
        Ok(bus)
    }
}

async fn subscribe_forever(
    client: redis::Client,
    channels: Channels,
    events: broadcast::Sender<Arc<Event>>,
    jobs: Arc<Notify>,
) {
    let mut backoff = Duration::from_millis(100);
    loop {
        match subscribe_once(&client, &channels, &events, &jobs).await {
            Ok(()) => tracing::warn!("redis subscription ended; reconnecting"),
            Err(e) => tracing::warn!(error = %e, ?backoff, "redis subscription failed; reconnecting"),
        }
        // Anything published while disconnected is lost to this process: wake the workers so
        // they poll, and let subscribers resync from their snapshot on the next event.
        jobs.notify_one();
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

async fn subscribe_once(
    client: &redis::Client,
    channels: &Channels,
    events: &broadcast::Sender<Arc<Event>>,
    jobs: &Notify,
) -> Result<(), redis::RedisError> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(&channels.events).await?;
    pubsub.subscribe(&channels.jobs).await?;
    tracing::info!("subscribed to redis events");
    let mut messages = pubsub.into_on_message();
    while let Some(message) = messages.next().await {
        if message.get_channel_name() == channels.jobs {
            jobs.notify_one();
            continue;
        }
        let payload: Vec<u8> = message.get_payload()?;
        match serde_json::from_slice::<Event>(&payload) {
            Ok(event) => {
                let _ = events.send(Arc::new(event));
            }
            Err(e) => tracing::warn!(error = %e, channel = %channels.events, "ignoring a malformed event"),
        }
    }
    Ok(())
}

#[async_trait]
impl EventBus for RedisBus {
    async fn publish(&self, event: Event) -> Result<(), BusError> {
        let payload = serde_json::to_string(&event).expect("events serialise");
        let mut conn = self.pool.get().await?;
        let _: i64 = conn.publish(&self.channels.events, payload).await?;
        Ok(())
    }
    fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.events.subscribe()
    }
    async fn notify_jobs(&self) -> Result<(), BusError> {
        let mut conn = self.pool.get().await?;
        let _: i64 = conn.publish(&self.channels.jobs, "1").await?;
        Ok(())
    }
    async fn publish_all(&self, events: Vec<Event>, nudge: bool) -> Result<(), BusError> {
        if events.is_empty() && !nudge {
            return Ok(());
        }
        let mut pipe = redis::pipe();
        if nudge {
            pipe.publish(&self.channels.jobs, "1").ignore();
        }
        for event in &events {
            let payload = serde_json::to_string(event).expect("events serialise");
            pipe.publish(&self.channels.events, payload).ignore();
        }
        let mut conn = self.pool.get().await?;
        pipe.query_async::<()>(&mut conn).await?;
        Ok(())
    }
    async fn jobs_notified(&self) {
        self.jobs.notified().await;
    }
    async fn is_healthy(&self) -> bool {
        let Ok(mut conn) = self.pool.get().await else {
            return false;
        };
        let pong: Result<String, _> = redis::cmd("PING").query_async(&mut *conn).await;
        pong.is_ok()
    }
}

/// The bus for this configuration: Redis when `REDIS_URL` is set, in-process otherwise.
pub fn from_config(config: &crate::config::CoreConfig) -> Result<SharedBus, BusError> {
    Ok(match config.redis_url.as_ref().map(Secret::expose) {
        Some(url) => RedisBus::start(url, Channels::new(&config.redis_prefix))?,
        None => InProcessBus::new(),
    })
}
