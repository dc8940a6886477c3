//! `Readiness`: named conditions (partitions assigned, index open, journal open) behind
//! `/readyz`.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

/// A shared set of named readiness conditions; cheap to clone, every clone sees the same set.
#[derive(Debug, Clone, Default)]
pub struct Readiness {
    conditions: Arc<Mutex<BTreeMap<&'static str, bool>>>,
}

impl Readiness {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers or updates a condition.
    pub fn set(&self, name: &'static str, ready: bool) {
        self.lock().insert(name, ready);
    }

    /// True when at least one condition is registered and all of them hold.
    pub fn is_ready(&self) -> bool {
        let conditions = self.lock();
        !conditions.is_empty() && conditions.values().all(|ready| *ready)
    }

    /// Every condition, by name.
    pub fn report(&self) -> Vec<(&'static str, bool)> {
        self.lock()
            .iter()
            .map(|(name, ready)| (*name, *ready))
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<&'static str, bool>> {
        // A panic while holding this lock cannot leave the map half-written: insert is atomic.
        self.conditions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
