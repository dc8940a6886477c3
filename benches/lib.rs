//! sar-benches: criterion benches of the layer-0/1 crates live in `benches/`, the load harnesses
//! in `load/`; this library holds what the harnesses share. Measured figures, with the command
//! and the machine, are kept in `benches/README.md`.

/// The value after `name` on the command line (`--count 100`), if given.
pub fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|arg| arg == name)
        .and_then(|idx| args.get(idx + 1).cloned())
}
