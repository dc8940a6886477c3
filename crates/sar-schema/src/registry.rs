//! Every version of every topic record's schema, self-contained and indexed by fingerprint.

use std::{collections::HashSet, fmt, sync::OnceLock};

use apache_avro::{Schema, rabin::Rabin};
use serde_json::Value;

use crate::{
    codec::SchemaError,
    files::{CURRENT_VERSION, SchemaFile, schema_files},
};

/// The records that travel on topics, by full name.
pub(crate) const TOPIC_RECORDS: [&str; 6] = [
    "sarflow.RawRecord",
    "sarflow.NormalizedRecord",
    "sarflow.ScoredRecord",
    "sarflow.GatedRecord",
    "sarflow.RoutedRecord",
    "sarflow.DlqRecord",
];

const NAMESPACE: &str = "sarflow";

/// A CRC-64-AVRO (Rabin) fingerprint of a schema's Parsing Canonical Form, in the little-endian
/// byte order of the single-object header.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 8]);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}
impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// One version of one topic record's schema.
#[derive(Debug, Clone)]
pub struct SchemaVersion {
    /// Full name, e.g. `sarflow.ScoredRecord`.
    pub fullname: &'static str,
    /// Schema set version.
    pub version: u32,
    /// Fingerprint of the Parsing Canonical Form.
    pub fingerprint: Fingerprint,
    /// The parsed, self-contained schema.
    pub schema: Schema,
    /// The self-contained JSON (docs and defaults kept).
    pub json: String,
}

/// All versions of all topic records.
#[derive(Debug, Clone)]
pub struct Registry {
    versions: Vec<SchemaVersion>,
}

impl Registry {
    /// The registry of the embedded schemas, assembled once per process. It is immutable data
    /// compiled into the binary, like sar-model's code tables: a shared value, not global state.
    pub fn embedded() -> Result<&'static Self, SchemaError> {
        static EMBEDDED: OnceLock<Result<Registry, SchemaError>> = OnceLock::new();
        EMBEDDED
            .get_or_init(Self::load)
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Assembles and parses every embedded version of every topic record.
    pub fn load() -> Result<Self, SchemaError> {
        let mut versions = Vec::new();
        let mut set_versions: Vec<u32> = schema_files().iter().map(|file| file.version).collect();
        set_versions.sort_unstable();
        set_versions.dedup();
        for version in set_versions {
            for fullname in TOPIC_RECORDS {
                versions.push(assemble(version, fullname)?);
            }
        }
        Ok(Self { versions })
    }

    /// The current version of a record's schema.
    pub fn current(&self, fullname: &str) -> Option<&SchemaVersion> {
        self.versions
            .iter()
            .find(|version| version.fullname == fullname && version.version == CURRENT_VERSION)
    }

    /// The schema version with this fingerprint, if it is known.
    pub fn by_fingerprint(&self, fingerprint: Fingerprint) -> Option<&SchemaVersion> {
        self.versions
            .iter()
            .find(|version| version.fingerprint == fingerprint)
    }

    /// Every known version.
    pub fn versions(&self) -> &[SchemaVersion] {
        &self.versions
    }
}

fn find_file(version: u32, fullname: &str) -> Option<&'static SchemaFile> {
    schema_files()
        .iter()
        .find(|file| file.version == version && file.fullname == fullname)
}

fn assemble(version: u32, fullname: &'static str) -> Result<SchemaVersion, SchemaError> {
    let file = find_file(version, fullname).ok_or(SchemaError::MissingFile {
        fullname: fullname.to_owned(),
        version,
    })?;
    let mut assembler = Assembler {
        version,
        root: fullname,
        defined: HashSet::new(),
    };
    let root = parse_json(file)?;
    let inlined = assembler.inline(root, NAMESPACE)?;
    let json =
        serde_json::to_string_pretty(&inlined).map_err(|error| SchemaError::InvalidJson {
            fullname: fullname.to_owned(),
            version,
            detail: error.to_string(),
        })?;
    let schema = Schema::parse_str(&json).map_err(|error| SchemaError::InvalidSchema {
        fullname: fullname.to_owned(),
        version,
        detail: error.to_string(),
    })?;
    let fingerprint_bytes = schema.fingerprint::<Rabin>().bytes;
    let mut fingerprint = [0u8; 8];
    fingerprint.copy_from_slice(&fingerprint_bytes[..8]);
    Ok(SchemaVersion {
        fullname,
        version,
        fingerprint: Fingerprint(fingerprint),
        schema,
        json,
    })
}

fn parse_json(file: &SchemaFile) -> Result<Value, SchemaError> {
    serde_json::from_str(file.json).map_err(|error| SchemaError::InvalidJson {
        fullname: file.fullname.to_owned(),
        version: file.version,
        detail: error.to_string(),
    })
}

/// Replaces each reference to a named type that has its own file with that file's definition,
/// at its first use (depth first, in field order); later uses stay references.
struct Assembler {
    version: u32,
    root: &'static str,
    defined: HashSet<String>,
}

const PRIMITIVES: [&str; 8] = [
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];

impl Assembler {
    fn inline(&mut self, value: Value, namespace: &str) -> Result<Value, SchemaError> {
        match value {
            Value::String(name) => self.inline_reference(name, namespace),
            Value::Array(branches) => branches
                .into_iter()
                .map(|branch| self.inline(branch, namespace))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            Value::Object(mut object) => {
                let kind = object
                    .get("type")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                match kind.as_deref() {
                    Some("record" | "error" | "enum" | "fixed") => {
                        let own_namespace = object
                            .get("namespace")
                            .and_then(Value::as_str)
                            .unwrap_or(namespace)
                            .to_owned();
                        if let Some(name) = object.get("name").and_then(Value::as_str) {
                            self.defined.insert(qualify(name, &own_namespace));
                        }
                        if let Some(Value::Array(fields)) = object.remove("fields") {
                            let mut inlined_fields = Vec::with_capacity(fields.len());
                            for mut field in fields {
                                if let Some(field_type) =
                                    field.as_object_mut().and_then(|field| field.remove("type"))
                                {
                                    let inlined = self.inline(field_type, &own_namespace)?;
                                    if let Some(field) = field.as_object_mut() {
                                        field.insert("type".into(), inlined);
                                    }
                                }
                                inlined_fields.push(field);
                            }
                            object.insert("fields".into(), Value::Array(inlined_fields));
                        }
                    }
                    Some("array") => {
                        if let Some(items) = object.remove("items") {
                            object.insert("items".into(), self.inline(items, namespace)?);
                        }
                    }
                    Some("map") => {
                        if let Some(values) = object.remove("values") {
                            object.insert("values".into(), self.inline(values, namespace)?);
                        }
                    }
                    _ => {
                        if let Some(inner) = object.remove("type") {
                            object.insert("type".into(), self.inline(inner, namespace)?);
                        }
                    }
                }
                Ok(Value::Object(object))
            }
            other => Ok(other),
        }
    }

    fn inline_reference(&mut self, name: String, namespace: &str) -> Result<Value, SchemaError> {
        if PRIMITIVES.contains(&name.as_str()) {
            return Ok(Value::String(name));
        }
        let fullname = qualify(&name, namespace);
        if self.defined.contains(&fullname) {
            return Ok(Value::String(fullname));
        }
        let file = find_file(self.version, &fullname).ok_or_else(|| SchemaError::UnknownType {
            fullname: self.root.to_owned(),
            reference: fullname.clone(),
        })?;
        let definition = parse_json(file)?;
        self.inline(definition, NAMESPACE)
    }
}

fn qualify(name: &str, namespace: &str) -> String {
    if name.contains('.') || namespace.is_empty() {
        name.to_owned()
    } else {
        format!("{namespace}.{name}")
    }
}

#[cfg(test)]
mod tests;
