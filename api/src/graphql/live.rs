//! What every subscription is built from: the bus's events as a stream that reports lag
//! instead of failing, so a client too slow to keep up gets a fresh snapshot instead of the
//! events it missed.

use std::sync::Arc;

use futures::{Stream, stream};
use tokio::sync::broadcast::{Receiver, error::RecvError};
use worker::events::Event;

/// What the event stream yields to a subscription: an event, or "you missed some".
pub enum Delivery {
    Event(Arc<Event>),
    Lagged,
}

/// The bus's events as a stream of deliveries.
pub fn deliveries(receiver: Receiver<Arc<Event>>) -> impl Stream<Item = Delivery> {
    stream::unfold(receiver, |mut receiver| async move {
        match receiver.recv().await {
            Ok(event) => Some((Delivery::Event(event), receiver)),
            Err(RecvError::Lagged(missed)) => {
                tracing::debug!(missed, "a subscriber fell behind; sending a fresh snapshot");
                Some((Delivery::Lagged, receiver))
            }
            Err(RecvError::Closed) => None,
        }
    })
}
