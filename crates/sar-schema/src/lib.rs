//! sar-schema: the Avro schemas of the topic records and their single-object encoding.
//!
//! - `files`: the `.avsc` files of `schemas/`, embedded at build time, one set per schema version.
//! - `registry`: assembles each topic record's self-contained schema (named types are resolved by
//!   full name from their own files, as `fastavro.schema.load_schema` does) and indexes every
//!   version by its CRC-64-AVRO fingerprint.
//! - `codec`: Avro single-object encoding (`C3 01` + 8-byte little-endian fingerprint + datum) of
//!   the sar-model records; decoding resolves any known writer version to the current reader
//!   schema and refuses an unknown fingerprint.
//! - `topic`: `Topic<T>`, a topic name paired with its record type.
//! - `container`: Avro Object Container Files (`sarflow synth --format avro`).
//!
//! Architecture invariant: this is the only crate that links apache-avro. It does no IO beyond
//! the `Write` it is handed, and knows nothing of Kafka.

mod codec;
mod container;
mod files;
mod registry;
mod topic;

pub use codec::{AvroRecord, Codec, SchemaError};
pub use container::ContainerWriter;
pub use files::{CURRENT_VERSION, SchemaFile, schema_files};
pub use registry::{Fingerprint, Registry, SchemaVersion};
pub use topic::{GATED, NORMALIZED, RAW, ROUTED, SCORED, Topic, all_topics, dlq_topic};
