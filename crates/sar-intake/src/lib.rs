//! sar-intake: HTTP intake: officer reports, signed partner feed batches, receipts and submitter status.
