//! The end-to-end test binary: the real `sarflow` binary and independent peers (python fastavro
//! and jsonschema). One binary, one module per area.

// A test binary: helpers outside #[test] functions unwrap too.
#![allow(clippy::unwrap_used)]

mod avro;
mod cli;
mod descriptors;
mod http;
mod intake_schema;
mod pipeline;
mod runtime;
