"""Independent check of sarflow's Avro output with fastavro (not apache-avro).

Usage:
  avro_check.py ocf SCHEMA_DIR RECORD FILE
      Read an object container file with the reader schema schemas/v1/sarflow.RECORD.avsc.
      Prints {"records": n, "first": {...}, "writer_fingerprint": hex, "reader_fingerprint": hex}.
  avro_check.py single SCHEMA_DIR DIR
      For every DIR/<Record>.bin (single-object encoding written by sarflow) with DIR/<Record>.json
      (the same record as sarflow's JSON): check the C3 01 marker, that the header fingerprint is
      the CRC-64-AVRO fingerprint of the schema fastavro loads from SCHEMA_DIR, decode the datum and
      compare it with the JSON. Then write DIR/<Record>.fastavro.bin: the JSON re-encoded by
      fastavro as a single-object message, for sarflow to decode.
      Prints {"checked": [...], "mismatches": [...]}.
Exit status 0 when the command ran; the Rust test asserts on the printed numbers.
"""

import io
import json
import os
import sys
import uuid

import fastavro
import fastavro.schema


def load(schema_dir, record):
    return fastavro.schema.load_schema(os.path.join(schema_dir, "sarflow.%s.avsc" % record))


def fingerprint_le(parsed):
    # fastavro's CRC-64-AVRO fingerprint, as hex of the 8 bytes in little-endian order: the order
    # the single-object header uses.
    canonical = fastavro.schema.to_parsing_canonical_form(parsed)
    return bytes.fromhex(fastavro.schema.fingerprint(canonical, "CRC-64-AVRO"))


def normalize(value):
    """fastavro's decoded value in the shape of sarflow's JSON (uuid as text, bytes as int lists)."""
    if isinstance(value, dict):
        return {key: normalize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalize(item) for item in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return list(value)
    return value


def diff(expected, actual, path="$"):
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in sorted(set(expected) | set(actual)):
            if key not in expected or key not in actual:
                out.append("%s.%s: present on one side only" % (path, key))
            else:
                out.extend(diff(expected[key], actual[key], "%s.%s" % (path, key)))
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return ["%s: length %d != %d" % (path, len(expected), len(actual))]
        out = []
        for index, (left, right) in enumerate(zip(expected, actual)):
            out.extend(diff(left, right, "%s[%d]" % (path, index)))
        return out
    if expected != actual:
        return ["%s: values differ" % path]
    return []


# The `bytes` fields of sarflow's records (DlqRecord.original, Header.value), which sarflow's JSON
# writes as lists of integers.
BYTES_FIELDS = ("original", "value")


def with_bytes(value):
    """sarflow's JSON in the shape fastavro writes: integer lists back to bytes."""
    if isinstance(value, dict):
        return {key: bytes(item) if key in BYTES_FIELDS and isinstance(item, list) else with_bytes(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [with_bytes(item) for item in value]
    return value


def cmd_ocf(schema_dir, record, path):
    parsed = load(schema_dir, record)
    with open(path, "rb") as handle:
        reader = fastavro.reader(handle, reader_schema=parsed)
        writer_fp = fingerprint_le(fastavro.parse_schema(reader.writer_schema)).hex()
        records = [normalize(item) for item in reader]
    print(json.dumps({
        "records": len(records),
        "first": records[0] if records else None,
        "last": records[-1] if records else None,
        "writer_fingerprint": writer_fp,
        "reader_fingerprint": fingerprint_le(parsed).hex(),
    }))


def cmd_single(schema_dir, directory):
    checked, mismatches = [], []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".bin") or name.endswith(".fastavro.bin"):
            continue
        record = name[: -len(".bin")]
        parsed = load(schema_dir, record)
        with open(os.path.join(directory, name), "rb") as handle:
            message = handle.read()
        with open(os.path.join(directory, record + ".json")) as handle:
            expected = json.load(handle)
        if message[:2] != b"\xc3\x01":
            mismatches.append("%s: no C3 01 marker" % record)
            continue
        if message[2:10] != fingerprint_le(parsed):
            mismatches.append("%s: header fingerprint %s is not fastavro's %s"
                              % (record, message[2:10].hex(), fingerprint_le(parsed).hex()))
            continue
        decoded = fastavro.schemaless_reader(io.BytesIO(message[10:]), parsed, parsed)
        problems = diff(expected, normalize(decoded))
        mismatches.extend("%s: %s" % (record, problem) for problem in problems)
        out = io.BytesIO()
        out.write(b"\xc3\x01" + fingerprint_le(parsed))
        fastavro.schemaless_writer(out, parsed, with_bytes(expected))
        with open(os.path.join(directory, record + ".fastavro.bin"), "wb") as handle:
            handle.write(out.getvalue())
        checked.append(record)
    print(json.dumps({"checked": checked, "mismatches": mismatches}))


def main(argv):
    if len(argv) == 5 and argv[1] == "ocf":
        cmd_ocf(argv[2], argv[3], argv[4])
    elif len(argv) == 4 and argv[1] == "single":
        cmd_single(argv[2], argv[3])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
