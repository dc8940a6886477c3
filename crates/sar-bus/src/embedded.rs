//! The embedded bus: stages chained over bounded tokio channels, for `sarflow run` and component
//! tests. Every item carries the sequence number given at the source; a rejected record becomes
//! `Item::Rejected` and travels on to the end, so the collector sees every sequence number in
//! order. A stage handles its input in batches on the blocking pool (a stage may be CPU-heavy and
//! must not hold an async worker), keeps FIFO order, and ends when its input closes, after
//! forwarding everything.

use std::{sync::Arc, time::Instant};

use sar_model::records::DlqRecord;
use sar_schema::Codec;
use sar_telemetry::StageMetrics;
use tokio::{
    sync::mpsc::{Receiver, Sender},
    task::JoinSet,
};
use tracing::{Instrument, debug_span, trace_span};

use crate::{
    BusError, Keyed, Stage,
    dlq::{self, Source},
    stage_label,
};

/// Most records handed to one `spawn_blocking` call.
pub const EMBEDDED_BATCH_SIZE: usize = 256;

/// One item on the embedded bus, with its sequence number.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope<T> {
    /// Sequence number given at the source; stages keep the order.
    pub seq: u64,
    /// The record, or the dead letter of a record refused upstream.
    pub item: Item<T>,
}

/// A record or the dead letter that replaced it.
// Clippy measures `Record` at zero bytes for a generic `T`; the real records are larger than a
// `DlqRecord`, so boxing the dead letter would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Item<T> {
    /// A record to process.
    Record(T),
    /// Refused by this or an earlier stage; passed on unchanged.
    Rejected(DlqRecord),
}

/// Spawns `stage` on `set`: reads `input` until it closes, writes every item to `output` in
/// order. The task fails only when `output` closes early or the codec cannot be built.
pub fn spawn_stage<S: Stage>(
    stage: Arc<S>,
    input: Receiver<Envelope<S::Input>>,
    output: Sender<Envelope<S::Output>>,
    metrics: StageMetrics,
    set: &mut JoinSet<Result<(), BusError>>,
) {
    set.spawn(run_stage(stage, input, output, metrics));
}

async fn run_stage<S: Stage>(
    stage: Arc<S>,
    mut input: Receiver<Envelope<S::Input>>,
    output: Sender<Envelope<S::Output>>,
    metrics: StageMetrics,
) -> Result<(), BusError> {
    let label = stage_label(S::STAGE);
    let codec = Arc::new(Codec::new()?);
    let mut batch = Vec::with_capacity(EMBEDDED_BATCH_SIZE);
    loop {
        batch.clear();
        if input.recv_many(&mut batch, EMBEDDED_BATCH_SIZE).await == 0 {
            return Ok(());
        }
        let span = debug_span!("batch", stage = label, batch_size = batch.len());
        let inputs = std::mem::take(&mut batch);
        let processed = {
            let stage = Arc::clone(&stage);
            let codec = Arc::clone(&codec);
            let span = span.clone();
            tokio::task::spawn_blocking(move || {
                span.in_scope(|| process_batch(&*stage, &codec, inputs))
            })
            .await
            .map_err(|error| BusError::Task {
                task: label,
                detail: error.to_string(),
            })?
        };
        processed.report(&metrics);
        async {
            for envelope in processed.outputs {
                output
                    .send(envelope)
                    .await
                    .map_err(|_| BusError::ChannelClosed { stage: label })?;
            }
            Ok::<(), BusError>(())
        }
        .instrument(span)
        .await?;
    }
}

/// A processed batch and its counts.
struct Processed<T> {
    outputs: Vec<Envelope<T>>,
    received: u64,
    sent: u64,
    /// Rejects per reason code, in first-seen order.
    dropped: Vec<(&'static str, u64)>,
    seconds: f64,
}

impl<T> Processed<T> {
    fn report(&self, metrics: &StageMetrics) {
        metrics.observe_batch_size(self.outputs.len());
        metrics.received(self.received);
        metrics.sent(self.sent);
        for (reason, count) in &self.dropped {
            metrics.dropped(reason, false, *count);
        }
        metrics.observe_processing(self.seconds);
    }
}

fn process_batch<S: Stage>(
    stage: &S,
    codec: &Codec,
    inputs: Vec<Envelope<S::Input>>,
) -> Processed<S::Output> {
    let started = Instant::now();
    let now = crate::now();
    let mut processed = Processed {
        outputs: Vec::with_capacity(inputs.len()),
        received: 0,
        sent: 0,
        dropped: Vec::new(),
        seconds: 0.0,
    };
    for envelope in inputs {
        let item = match envelope.item {
            Item::Rejected(dead) => Item::Rejected(dead),
            Item::Record(record) => {
                processed.received += 1;
                let record_id = *record.report_id();
                let _span =
                    trace_span!("record", seq = envelope.seq, record_id = %record_id).entered();
                // The stage consumes its input; a copy is kept so a reject can carry the
                // original encoding (cheaper than encoding every record up front).
                let kept = record.clone();
                match stage.process(record, now) {
                    Ok(out) => {
                        processed.sent += 1;
                        Item::Record(out)
                    }
                    Err(reject) => {
                        let reason = reject.code.as_str();
                        match processed
                            .dropped
                            .iter_mut()
                            .find(|(code, _)| *code == reason)
                        {
                            Some((_, count)) => *count += 1,
                            None => processed.dropped.push((reason, 1)),
                        }
                        // Encoding a record that decoded from the same schema cannot fail; if it
                        // ever does, the dead letter still carries the id and the reason.
                        let bytes = codec.encode(&kept).unwrap_or_default();
                        Item::Rejected(dlq::rejected(
                            S::STAGE,
                            reject,
                            Some(record_id),
                            Source::default(),
                            bytes,
                            Vec::new(),
                        ))
                    }
                }
            }
        };
        processed.outputs.push(Envelope {
            seq: envelope.seq,
            item,
        });
    }
    processed.seconds = started.elapsed().as_secs_f64();
    processed
}

#[cfg(test)]
mod tests;
