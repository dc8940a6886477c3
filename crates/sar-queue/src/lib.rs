//! sar-queue: analyst queues: routed records become queue items once; claim, release, disposition, notes, bulk; every action audited.
