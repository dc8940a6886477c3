//! Per-partition tracking of in-flight input offsets. An offset is registered when the poll
//! thread hands the message on and completed when its output (or dead letter) is acknowledged;
//! the next offset to store advances only over a contiguous run of completed offsets, so offset
//! N is stored only when every record <= N of that partition is done.

use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Default)]
struct PartitionTrack {
    /// Offset -> done, for every registered and not yet stored offset.
    in_flight: BTreeMap<i64, bool>,
    /// The next offset to store (last completed contiguous offset + 1), not yet stored.
    ready: Option<i64>,
}

/// In-flight offsets of the assigned partitions of one topic.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    partitions: HashMap<i32, PartitionTrack>,
    /// Bumped on every rewind (exactly-once abort): messages of an older epoch are stale.
    epoch: u64,
}

impl Tracker {
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Starts tracking a newly assigned partition.
    pub(crate) fn assign(&mut self, partition: i32) {
        self.partitions.entry(partition).or_default();
    }

    /// Stops tracking a revoked partition; returns its offset to store, if any.
    pub(crate) fn revoke(&mut self, partition: i32) -> Option<i64> {
        self.partitions
            .remove(&partition)
            .and_then(|track| track.ready)
    }

    /// A message was handed on.
    pub(crate) fn register(&mut self, partition: i32, offset: i64) {
        self.partitions
            .entry(partition)
            .or_default()
            .in_flight
            .insert(offset, false);
    }

    /// A message handed on was dropped unprocessed (shutdown, revoke): forget it and every later
    /// offset of its partition, so nothing past it is stored.
    pub(crate) fn forget_from(&mut self, partition: i32, offset: i64) {
        if let Some(track) = self.partitions.get_mut(&partition) {
            track.in_flight.split_off(&offset);
        }
    }

    /// A record's output is acknowledged. Completions of an older epoch or of a partition no
    /// longer assigned are ignored.
    pub(crate) fn complete(&mut self, partition: i32, offset: i64, epoch: u64) {
        if epoch != self.epoch {
            return;
        }
        let Some(track) = self.partitions.get_mut(&partition) else {
            return;
        };
        if let Some(done) = track.in_flight.get_mut(&offset) {
            *done = true;
        }
        while let Some(entry) = track.in_flight.first_entry() {
            if !*entry.get() {
                break;
            }
            let (offset, _) = entry.remove_entry();
            track.ready = Some(offset + 1);
        }
    }

    /// Offsets to store now, per partition; each is returned once.
    pub(crate) fn take_ready(&mut self) -> Vec<(i32, i64)> {
        let mut ready = Vec::new();
        for (partition, track) in &mut self.partitions {
            if let Some(next) = track.ready.take() {
                ready.push((*partition, next));
            }
        }
        ready
    }

    /// Records handed on and not yet acknowledged, on the given partitions.
    pub(crate) fn in_flight(&self, partitions: &[i32]) -> usize {
        partitions
            .iter()
            .filter_map(|partition| self.partitions.get(partition))
            .map(|track| track.in_flight.values().filter(|done| !**done).count())
            .sum()
    }

    /// Records handed on and not yet acknowledged, on every partition.
    #[cfg(test)]
    pub(crate) fn total_in_flight(&self) -> usize {
        self.partitions
            .values()
            .map(|track| track.in_flight.values().filter(|done| !**done).count())
            .sum()
    }

    /// Exactly-once abort: the first unacknowledged offset per partition (where to seek), and a
    /// new epoch; everything in flight is forgotten.
    pub(crate) fn rewind(&mut self) -> Vec<(i32, i64)> {
        self.epoch += 1;
        let mut seek_to = Vec::new();
        for (partition, track) in &mut self.partitions {
            if let Some((&first, _)) = track.in_flight.iter().find(|(_, done)| !**done) {
                seek_to.push((*partition, first));
            }
            track.in_flight.clear();
        }
        seek_to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_advance_only_over_contiguous_completions() {
        let mut tracker = Tracker::default();
        tracker.assign(0);
        for offset in 10..15 {
            tracker.register(0, offset);
        }
        tracker.complete(0, 12, 0);
        tracker.complete(0, 11, 0);
        assert!(tracker.take_ready().is_empty());
        tracker.complete(0, 10, 0);
        assert_eq!(tracker.take_ready(), vec![(0, 13)]);
        assert!(tracker.take_ready().is_empty());
        assert_eq!(tracker.in_flight(&[0]), 2);
        tracker.complete(0, 14, 0);
        assert!(tracker.take_ready().is_empty());
        tracker.complete(0, 13, 0);
        assert_eq!(tracker.take_ready(), vec![(0, 15)]);
        assert_eq!(tracker.total_in_flight(), 0);
    }

    #[test]
    fn rewind_seeks_to_the_first_unacknowledged_and_ignores_stale_completions() {
        let mut tracker = Tracker::default();
        tracker.assign(1);
        tracker.register(1, 5);
        tracker.register(1, 6);
        tracker.register(1, 7);
        tracker.complete(1, 5, 0);
        assert_eq!(tracker.rewind(), vec![(1, 6)]);
        assert_eq!(tracker.epoch(), 1);
        tracker.complete(1, 6, 0);
        assert_eq!(tracker.take_ready(), vec![(1, 6)]);
        assert_eq!(tracker.total_in_flight(), 0);
        tracker.register(1, 6);
        tracker.forget_from(1, 6);
        assert_eq!(tracker.total_in_flight(), 0);
        assert_eq!(tracker.revoke(1), None);
    }
}
