//! The schema files of `schemas/`, embedded. Adding a version means adding its directory and
//! listing its files here; the `files_match_the_directory` test fails when the two disagree.

/// One embedded `.avsc` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaFile {
    /// Schema set version (`1` for `schemas/v1/`).
    pub version: u32,
    /// Full name of the named type the file defines, e.g. `sarflow.RawRecord`.
    pub fullname: &'static str,
    /// The file's JSON.
    pub json: &'static str,
}

/// The version new records are written with.
pub const CURRENT_VERSION: u32 = 1;

macro_rules! v1 {
    ($name:literal) => {
        SchemaFile {
            version: 1,
            fullname: concat!("sarflow.", $name),
            json: include_str!(concat!("../../../schemas/v1/sarflow.", $name, ".avsc")),
        }
    };
}

const FILES: &[SchemaFile] = &[
    v1!("LegalBasis"),
    v1!("StoreKind"),
    v1!("IntakeRecord"),
    v1!("SarReport"),
    v1!("RawRecord"),
    v1!("NormalizedRecord"),
    v1!("ScoredRecord"),
    v1!("GatedRecord"),
    v1!("RoutedRecord"),
    v1!("DlqRecord"),
];

/// Every embedded schema file, all versions.
pub fn schema_files() -> &'static [SchemaFile] {
    FILES
}
