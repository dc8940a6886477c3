//! Avro Object Container Files of topic records (the raw schema for `sarflow synth --format avro`).

use std::io::Write;

use apache_avro::Writer;

use crate::codec::{AvroRecord, Codec, SchemaError, error_kind, to_resolved_value};

/// Writes records of type `T` to an object container file with `T`'s current schema.
pub struct ContainerWriter<'a, T: AvroRecord, W: Write> {
    codec: &'a Codec,
    writer: Writer<'a, W>,
    record: std::marker::PhantomData<T>,
}

impl<'a, T: AvroRecord, W: Write> ContainerWriter<'a, T, W> {
    /// Starts a container on `output` (the header is written with the first flush).
    pub fn new(codec: &'a Codec, output: W) -> Result<Self, SchemaError> {
        let schema = &codec.current::<T>()?.schema;
        let writer = Writer::new(schema, output)
            .map_err(|error| SchemaError::Container { kind: error_kind(&error) })?;
        Ok(Self { codec, writer, record: std::marker::PhantomData })
    }

    /// Appends one record.
    pub fn append(&mut self, record: &T) -> Result<(), SchemaError> {
        let current = self.codec.current::<T>()?;
        let value = to_resolved_value(record, current)?;
        self.writer
            .append_value_ref(&value)
            .map(|_| ())
            .map_err(|error| SchemaError::Container { kind: error_kind(&error) })
    }

    /// Flushes the last block and returns the output.
    pub fn finish(self) -> Result<W, SchemaError> {
        self.writer.into_inner().map_err(|error| SchemaError::Container { kind: error_kind(&error) })
    }
}
