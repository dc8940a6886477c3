//! Avro Object Container Files of topic records (the raw schema for `sarflow synth --format avro`).

use std::io::Write;

use apache_avro::Writer;

use crate::codec::{AvroRecord, Codec, SchemaError, error_kind, to_resolved_value};

/// Writes records of type `T` to an object container file with `T`'s current schema.
pub struct ContainerWriter<'a, T: AvroRecord, W: Write> {
    codec: &'a Codec,
    writer: Writer<'a, WriteAll<W>>,
    record: std::marker::PhantomData<T>,
}

impl<'a, T: AvroRecord, W: Write> ContainerWriter<'a, T, W> {
    /// Starts a container on `output` (the header is written with the first block).
    pub fn new(codec: &'a Codec, output: W) -> Result<Self, SchemaError> {
        let schema = &codec.current::<T>()?.schema;
        let writer =
            Writer::new(schema, WriteAll(output)).map_err(|error| SchemaError::Container {
                kind: error_kind(&error),
            })?;
        Ok(Self {
            codec,
            writer,
            record: std::marker::PhantomData,
        })
    }

    /// Appends one record.
    pub fn append(&mut self, record: &T) -> Result<(), SchemaError> {
        let current = self.codec.current::<T>()?;
        let value = to_resolved_value(record, current)?;
        self.writer
            .append_value_ref(&value)
            .map(|_| ())
            .map_err(|error| SchemaError::Container {
                kind: error_kind(&error),
            })
    }

    /// Flushes the last block and returns the output.
    pub fn finish(self) -> Result<W, SchemaError> {
        self.writer
            .into_inner()
            .map(|write_all| write_all.0)
            .map_err(|error| SchemaError::Container {
                kind: error_kind(&error),
            })
    }
}

/// apache-avro 0.22's `Writer::flush` writes a block with a single `write` call and ignores a
/// short count, so a pipe or socket that accepts part of a block corrupts the file. This adapter
/// makes every `write` write everything.
struct WriteAll<W>(W);

impl<W: Write> Write for WriteAll<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests;
