//! sar-benches: criterion benches of the layer-0/1 crates live in `benches/`; this library is
//! empty. Measured figures, with the command and the machine, are kept in `benches/README.md`.
