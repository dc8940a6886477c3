//! Avro single-object encoding of the topic records.
//!
//! A message is `C3 01`, the writer schema's 8-byte little-endian CRC-64-AVRO fingerprint, then
//! the Avro binary datum. Decoding looks the fingerprint up among every known version and resolves
//! the datum to the current reader schema, so records written by an older version still decode.
//!
//! Error messages never carry record content: apache-avro's errors can print the offending value,
//! so only their kind is kept.

use std::collections::HashMap;

use apache_avro::{
    reader::datum::GenericDatumReader, types::Value, writer::datum::GenericDatumWriter,
};
use sar_model::records::{
    DlqRecord, GatedRecord, NormalizedRecord, RawRecord, RoutedRecord, ScoredRecord,
};
use serde::{Serialize, de::DeserializeOwned};

use crate::registry::{Fingerprint, Registry, SchemaVersion};

const MARKER: [u8; 2] = [0xC3, 0x01];
const HEADER_LEN: usize = 10;

/// A sar-model record that travels on a topic.
pub trait AvroRecord: Serialize + DeserializeOwned {
    /// Full name of its Avro record type.
    const FULLNAME: &'static str;
}

impl AvroRecord for RawRecord {
    const FULLNAME: &'static str = "sarflow.RawRecord";
}
impl AvroRecord for NormalizedRecord {
    const FULLNAME: &'static str = "sarflow.NormalizedRecord";
}
impl AvroRecord for ScoredRecord {
    const FULLNAME: &'static str = "sarflow.ScoredRecord";
}
impl AvroRecord for GatedRecord {
    const FULLNAME: &'static str = "sarflow.GatedRecord";
}
impl AvroRecord for RoutedRecord {
    const FULLNAME: &'static str = "sarflow.RoutedRecord";
}
impl AvroRecord for DlqRecord {
    const FULLNAME: &'static str = "sarflow.DlqRecord";
}

/// Everything that can go wrong with schemas and encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// A schema file the registry needs is not embedded.
    #[error("schema file for `{fullname}` v{version} is missing")]
    MissingFile {
        /// Full name.
        fullname: String,
        /// Version.
        version: u32,
    },
    /// An embedded file is not JSON.
    #[error("schema `{fullname}` v{version} is not valid JSON: {detail}")]
    InvalidJson {
        /// Full name.
        fullname: String,
        /// Version.
        version: u32,
        /// Parser message.
        detail: String,
    },
    /// An assembled schema is not a valid Avro schema.
    #[error("schema `{fullname}` v{version} is not a valid Avro schema: {detail}")]
    InvalidSchema {
        /// Full name.
        fullname: String,
        /// Version.
        version: u32,
        /// Parser message.
        detail: String,
    },
    /// A schema names a type that is neither defined in it nor in a file of its version.
    #[error("schema `{fullname}` refers to unknown type `{reference}`")]
    UnknownType {
        /// Full name of the schema being assembled.
        fullname: String,
        /// The unresolved reference.
        reference: String,
    },
    /// No schema for this record type in the current version.
    #[error("no current schema for `{fullname}`")]
    NoCurrentSchema {
        /// Full name.
        fullname: String,
    },
    /// The message does not start with the single-object marker.
    #[error("not an Avro single-object message: missing the C3 01 marker")]
    NotSingleObject,
    /// The message is shorter than the header.
    #[error("Avro single-object message is truncated: {len} bytes, the header alone is 10")]
    Truncated {
        /// Bytes received.
        len: usize,
    },
    /// The fingerprint is not one of any known version of any record.
    #[error("unknown schema fingerprint {fingerprint}: not a known version of any sarflow record")]
    UnknownFingerprint {
        /// Fingerprint found in the header.
        fingerprint: String,
    },
    /// The fingerprint belongs to another record type.
    #[error("schema fingerprint {fingerprint} is `{found}` v{version}, expected `{expected}`")]
    WrongRecord {
        /// Fingerprint found in the header.
        fingerprint: String,
        /// The record it belongs to.
        found: String,
        /// Its version.
        version: u32,
        /// The record the caller asked for.
        expected: String,
    },
    /// The record does not fit its schema.
    #[error("failed to encode `{fullname}`: {kind}")]
    Encode {
        /// Full name.
        fullname: String,
        /// Kind of apache-avro error (never the value).
        kind: String,
    },
    /// The datum does not decode with its writer schema, or does not resolve to the reader's.
    #[error("failed to decode `{fullname}` written with v{version}: {kind}")]
    Decode {
        /// Full name.
        fullname: String,
        /// Writer version.
        version: u32,
        /// Kind of apache-avro error (never the value).
        kind: String,
    },
    /// Writing an object container file failed.
    #[error("failed to write Avro container file: {kind}")]
    Container {
        /// Kind of error.
        kind: String,
    },
}

/// Encodes and decodes topic records. Build once per process and share (it is `Send + Sync`):
/// building resolves every schema once, so encoding and decoding never walk a schema again.
pub struct Codec {
    registry: &'static Registry,
    /// Per record full name: its current schema and a writer for it.
    writers: HashMap<&'static str, (&'static SchemaVersion, GenericDatumWriter<'static>)>,
    /// Per known writer fingerprint: a reader resolving that version to the current schema.
    readers: HashMap<Fingerprint, Reader>,
}

enum Reader {
    /// Written with the current schema: decoded straight into the type.
    Current(GenericDatumReader<'static>),
    /// Written with an older version: decoded, then resolved to the current schema.
    Older(GenericDatumReader<'static>),
}

impl std::fmt::Debug for Codec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Codec")
            .field("versions", &self.registry.versions().len())
            .finish()
    }
}

impl Codec {
    /// Builds a codec over every embedded schema version.
    pub fn new() -> Result<Self, SchemaError> {
        let registry = Registry::embedded()?;
        let mut writers = HashMap::new();
        let mut readers = HashMap::new();
        for version in registry.versions() {
            let build_error = |error: &apache_avro::Error| SchemaError::InvalidSchema {
                fullname: version.fullname.to_owned(),
                version: version.version,
                detail: error_kind(error),
            };
            let current =
                registry
                    .current(version.fullname)
                    .ok_or_else(|| SchemaError::NoCurrentSchema {
                        fullname: version.fullname.to_owned(),
                    })?;
            if version.fingerprint == current.fingerprint {
                let writer = GenericDatumWriter::builder(&version.schema)
                    .human_readable(true)
                    .build()
                    .map_err(|error| build_error(&error))?;
                writers.insert(version.fullname, (version, writer));
                let reader = GenericDatumReader::builder(&version.schema)
                    .human_readable(true)
                    .build()
                    .map_err(|error| build_error(&error))?;
                readers.insert(version.fingerprint, Reader::Current(reader));
            } else {
                let reader = GenericDatumReader::builder(&version.schema)
                    .reader_schema(&current.schema)
                    .build()
                    .map_err(|error| build_error(&error))?;
                readers.insert(version.fingerprint, Reader::Older(reader));
            }
        }
        Ok(Self {
            registry,
            writers,
            readers,
        })
    }

    /// The schema registry behind the codec.
    pub fn registry(&self) -> &'static Registry {
        self.registry
    }

    /// The current schema of `T`.
    pub fn current<T: AvroRecord>(&self) -> Result<&'static SchemaVersion, SchemaError> {
        self.registry
            .current(T::FULLNAME)
            .ok_or_else(|| SchemaError::NoCurrentSchema {
                fullname: T::FULLNAME.to_owned(),
            })
    }

    /// Single-object encoding of `record` with the current schema.
    pub fn encode<T: AvroRecord>(&self, record: &T) -> Result<Vec<u8>, SchemaError> {
        let (current, writer) =
            self.writers
                .get(T::FULLNAME)
                .ok_or_else(|| SchemaError::NoCurrentSchema {
                    fullname: T::FULLNAME.to_owned(),
                })?;
        let mut message = Vec::with_capacity(1024);
        message.extend_from_slice(&MARKER);
        message.extend_from_slice(&current.fingerprint.0);
        writer
            .write_ser(&mut message, record)
            .map_err(|error| encode_error(T::FULLNAME, &error))?;
        Ok(message)
    }

    /// Decodes a single-object message written with any known version of `T`'s schema.
    pub fn decode<T: AvroRecord>(&self, message: &[u8]) -> Result<T, SchemaError> {
        let (writer, mut datum) = self.writer_version(message)?;
        if writer.fullname != T::FULLNAME {
            return Err(SchemaError::WrongRecord {
                fingerprint: writer.fingerprint.to_string(),
                found: writer.fullname.to_owned(),
                version: writer.version,
                expected: T::FULLNAME.to_owned(),
            });
        }
        let decode_error = |error: &apache_avro::Error| SchemaError::Decode {
            fullname: T::FULLNAME.to_owned(),
            version: writer.version,
            kind: error_kind(error),
        };
        let reader = self.readers.get(&writer.fingerprint).ok_or_else(|| {
            SchemaError::UnknownFingerprint {
                fingerprint: writer.fingerprint.to_string(),
            }
        })?;
        let record = match reader {
            Reader::Current(reader) => reader
                .read_deser::<T>(&mut datum)
                .map_err(|error| decode_error(&error))?,
            Reader::Older(reader) => {
                let value = reader
                    .read_value(&mut datum)
                    .map_err(|error| decode_error(&error))?;
                apache_avro::from_value::<T>(&value).map_err(|error| decode_error(&error))?
            }
        };
        if !datum.is_empty() {
            return Err(SchemaError::Decode {
                fullname: T::FULLNAME.to_owned(),
                version: writer.version,
                kind: format!("{} trailing bytes after the datum", datum.len()),
            });
        }
        Ok(record)
    }

    /// The schema version a message was written with, and the datum after the header.
    pub fn writer_version<'m>(
        &self,
        message: &'m [u8],
    ) -> Result<(&'static SchemaVersion, &'m [u8]), SchemaError> {
        if message.len() >= 2 && message[..2] != MARKER {
            return Err(SchemaError::NotSingleObject);
        }
        if message.len() < HEADER_LEN {
            return Err(SchemaError::Truncated { len: message.len() });
        }
        let mut fingerprint = [0u8; 8];
        fingerprint.copy_from_slice(&message[2..HEADER_LEN]);
        let fingerprint = Fingerprint(fingerprint);
        let writer = self.registry.by_fingerprint(fingerprint).ok_or_else(|| {
            SchemaError::UnknownFingerprint {
                fingerprint: fingerprint.to_string(),
            }
        })?;
        Ok((writer, &message[HEADER_LEN..]))
    }
}

/// Serializes a record to an Avro value resolved against `schema` (unions and enums set).
pub(crate) fn to_resolved_value<T: Serialize>(
    record: &T,
    schema: &SchemaVersion,
) -> Result<Value, SchemaError> {
    let value =
        apache_avro::to_value(record).map_err(|error| encode_error(schema.fullname, &error))?;
    value
        .resolve(&schema.schema)
        .map_err(|error| encode_error(schema.fullname, &error))
}

fn encode_error(fullname: &str, error: &apache_avro::Error) -> SchemaError {
    SchemaError::Encode {
        fullname: fullname.to_owned(),
        kind: error_kind(error),
    }
}

/// The variant name of an apache-avro error, without the values its message may carry.
pub(crate) fn error_kind(error: &apache_avro::Error) -> String {
    let debug = format!("{:?}", error.details());
    let kind: String = debug
        .chars()
        .take_while(|character| character.is_ascii_alphanumeric())
        .collect();
    if kind.is_empty() {
        "unknown".to_owned()
    } else {
        kind
    }
}

#[cfg(test)]
mod tests;
