//! An alert's lifecycle: which transitions are allowed from which state, in one function.
//!
//! ```text
//! OPEN -acknowledge-> ACKNOWLEDGED            (coach)
//! OPEN | ACKNOWLEDGED | SNOOZED -snooze(until)-> SNOOZED
//! SNOOZED -wake (the time came, still flagged)-> OPEN          (system)
//! any unresolved -resolve(ACTIONED | FALSE_ALARM)-> RESOLVED   (coach)
//! any unresolved -recover (the flag cleared)-> RESOLVED(RECOVERED)   (system)
//! RESOLVED -reopen (the flag returned within ALERT_REOPEN_DAYS)-> OPEN  (system)
//! any unresolved -escalate (warning -> critical)-> same state; SNOOZED -> OPEN  (system)
//! any unresolved -assign-> same state         (coach)
//! ```

use entity::{AlertResolution, AlertStatus};

/// Something that happens to an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Acknowledge,
    Assign,
    Snooze,
    /// A coach resolves it (`RECOVERED` is the system's alone).
    Resolve(AlertResolution),
    Wake,
    Recover,
    Reopen,
    Escalate,
}

impl Transition {
    /// The audit action's name.
    pub fn action(self) -> &'static str {
        match self {
            Transition::Acknowledge => "alert.acknowledged",
            Transition::Assign => "alert.assigned",
            Transition::Snooze => "alert.snoozed",
            Transition::Resolve(_) => "alert.resolved",
            Transition::Wake => "alert.woke",
            Transition::Recover => "alert.recovered",
            Transition::Reopen => "alert.reopened",
            Transition::Escalate => "alert.escalated",
        }
    }
}

/// Why a transition is not allowed, in words naming the current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAllowed(pub String);

fn words(status: AlertStatus) -> &'static str {
    match status {
        AlertStatus::Open => "OPEN",
        AlertStatus::Acknowledged => "ACKNOWLEDGED",
        AlertStatus::Snoozed => "SNOOZED",
        AlertStatus::Resolved => "RESOLVED",
    }
}

/// The state after `transition` from `status`, or why it is not allowed.
pub fn next(status: AlertStatus, transition: Transition) -> Result<AlertStatus, NotAllowed> {
    use AlertStatus::*;
    let refused = |what: &str| Err(NotAllowed(format!("the alert is {}: {what}", words(status))));
    match (transition, status) {
        (Transition::Acknowledge, Open | Snoozed) => Ok(Acknowledged),
        (Transition::Acknowledge, Acknowledged) => refused("it is acknowledged already"),
        (Transition::Assign, Open | Acknowledged | Snoozed) => Ok(status),
        (Transition::Snooze, Open | Acknowledged | Snoozed) => Ok(Snoozed),
        (Transition::Resolve(AlertResolution::Recovered), _) => {
            refused("RECOVERED is set automatically when the flag clears; resolve as ACTIONED or FALSE_ALARM")
        }
        (Transition::Resolve(_), Open | Acknowledged | Snoozed) => Ok(Resolved),
        (Transition::Wake, Snoozed) => Ok(Open),
        (Transition::Wake, _) => refused("only a snoozed alert wakes"),
        (Transition::Recover, Open | Acknowledged | Snoozed) => Ok(Resolved),
        (Transition::Reopen, Resolved) => Ok(Open),
        (Transition::Reopen, _) => refused("only a resolved alert reopens"),
        (Transition::Escalate, Snoozed) => Ok(Open),
        (Transition::Escalate, Open | Acknowledged) => Ok(status),
        (_, Resolved) => refused("a resolved alert cannot change"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AlertStatus::*;

    const ALL: [AlertStatus; 4] = [Open, Acknowledged, Snoozed, Resolved];

    #[test]
    fn the_coach_workflow_runs_open_acknowledged_snoozed_open_resolved() {
        let acknowledged = next(Open, Transition::Acknowledge).unwrap();
        let snoozed = next(acknowledged, Transition::Snooze).unwrap();
        let woken = next(snoozed, Transition::Wake).unwrap();
        assert_eq!((acknowledged, snoozed, woken), (Acknowledged, Snoozed, Open));
        assert_eq!(
            next(woken, Transition::Resolve(AlertResolution::Actioned)),
            Ok(Resolved)
        );
    }

    #[test]
    fn a_resolved_alert_only_reopens() {
        for t in [
            Transition::Acknowledge,
            Transition::Assign,
            Transition::Snooze,
            Transition::Resolve(AlertResolution::Actioned),
            Transition::Wake,
            Transition::Recover,
            Transition::Escalate,
        ] {
            let refused = next(Resolved, t).unwrap_err();
            assert!(refused.0.contains("RESOLVED"), "{t:?}: {refused:?}");
        }
        assert_eq!(next(Resolved, Transition::Reopen), Ok(Open));
    }

    #[test]
    fn recovery_resolves_from_every_unresolved_state_and_coaches_cannot_claim_it() {
        for status in [Open, Acknowledged, Snoozed] {
            assert_eq!(next(status, Transition::Recover), Ok(Resolved));
            assert!(next(status, Transition::Resolve(AlertResolution::Recovered)).is_err());
            assert_eq!(
                next(status, Transition::Resolve(AlertResolution::FalseAlarm)),
                Ok(Resolved)
            );
        }
    }

    #[test]
    fn escalation_keeps_the_state_but_brings_a_snoozed_alert_back() {
        assert_eq!(next(Acknowledged, Transition::Escalate), Ok(Acknowledged));
        assert_eq!(next(Open, Transition::Escalate), Ok(Open));
        assert_eq!(next(Snoozed, Transition::Escalate), Ok(Open));
    }

    #[test]
    fn a_refusal_names_the_current_state() {
        for status in ALL {
            for t in [Transition::Acknowledge, Transition::Wake, Transition::Reopen] {
                if let Err(NotAllowed(message)) = next(status, t) {
                    assert!(message.contains(words(status)), "{message}");
                }
            }
        }
        assert!(next(Acknowledged, Transition::Acknowledge).is_err());
    }
}
