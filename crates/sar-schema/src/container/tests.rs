//! Tests for object container files.

use sar_model::records::RawRecord;

use super::*;

/// A writer that accepts at most 100 bytes per call, as a pipe may.
struct ShortWrites(Vec<u8>);

impl Write for ShortWrites {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let accepted = buf.len().min(100);
        self.0.extend_from_slice(&buf[..accepted]);
        Ok(accepted)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn container_files_survive_short_writes_and_read_back() {
    let codec = Codec::new().unwrap();
    let records = sar_synth::canonical::raw_records(11, 400);
    let mut container =
        ContainerWriter::<RawRecord, _>::new(&codec, ShortWrites(Vec::new())).unwrap();
    for record in &records {
        container.append(record).unwrap();
    }
    let bytes = container.finish().unwrap().0;
    let reader = apache_avro::Reader::new(&bytes[..]).unwrap();
    let mut decoded = Vec::new();
    for value in reader {
        decoded.push(apache_avro::from_value::<RawRecord>(&value.unwrap()).unwrap());
    }
    assert_eq!(decoded, records);
}
