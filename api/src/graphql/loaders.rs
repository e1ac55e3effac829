//! DataLoaders: a tutor's score, a session's tutor, an alert's session or a session's
//! prediction asked for by many rows at once is fetched in one statement per batch, not one
//! per row.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use entity::{prediction, tutor, tutor_score, user};
use sea_orm::{DatabaseConnection, DbErr};
use uuid::Uuid;
use worker::{predictions, scores, sessions, tutors};

/// Loads current scores by tutor id.
pub struct ScoreLoader(pub DatabaseConnection);

impl Loader<Uuid> for ScoreLoader {
    type Value = tutor_score::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = scores::read::current(&self.0, keys.iter().copied())
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.tutor_id, r)).collect())
    }
}

/// Loads tutors by id.
pub struct TutorLoader(pub DatabaseConnection);

impl Loader<Uuid> for TutorLoader {
    type Value = tutor::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = tutors::read::by_ids(&self.0, keys.iter().copied())
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.id, r)).collect())
    }
}

/// Loads people by id.
pub struct UserLoader(pub DatabaseConnection);

impl Loader<Uuid> for UserLoader {
    type Value = user::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = worker::people::read::by_ids(&self.0, keys.iter().copied())
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.id, r)).collect())
    }
}

/// Loads sessions (with their reschedules) by id.
pub struct SessionLoader(pub DatabaseConnection);

impl Loader<Uuid> for SessionLoader {
    type Value = sessions::read::SessionWithReschedule;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = sessions::read::by_ids(&self.0, keys.iter().copied())
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.0.id, r)).collect())
    }
}

/// Loads predictions by session id.
pub struct PredictionLoader(pub DatabaseConnection);

impl Loader<Uuid> for PredictionLoader {
    type Value = prediction::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = predictions::read::of_sessions(&self.0, keys.iter().copied())
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.session_id, r)).collect())
    }
}
