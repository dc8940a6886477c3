#!/usr/bin/env python3
"""Validates NDJSON intake records against schemas/intake.schema.json.

Usage: check_intake.py [--expect-all-valid] SCHEMA_PATH < records.ndjson

Checks the schema itself (Draft 2020-12 meta-schema), then every non-blank line of stdin, and
prints one JSON object on stdout:

    {"records": N, "valid": V, "invalid": I,
     "errors": [{"line": n, "path": "persons/0/dob", "message": "..."}]}

`errors` holds the first 20 errors (line numbers are 1-based; a line that is not JSON, or not a
JSON object, counts as an invalid record with path ""). Exit status: 0 whenever the check ran (the
Rust test asserts on the numbers), 1 with --expect-all-valid when any record is invalid, 2 on a
usage error (bad arguments, unreadable or invalid schema).

Depends only on `jsonschema`. Format checking ("date-time", "date") is enabled; "date-time" is
only checked when the `rfc3339-validator` package is installed (without it jsonschema silently
accepts any string), so install `jsonschema[format-nongpl]`, which pulls it in, as the harness does.
"""

import json
import sys

MAX_ERRORS = 20
# Messages quote the offending value (a whole narrative, say); keep the report short.
MAX_MESSAGE_CHARS = 300


def usage(message):
    print(f"check_intake.py: {message}", file=sys.stderr)
    print("usage: check_intake.py [--expect-all-valid] SCHEMA_PATH < records.ndjson", file=sys.stderr)
    sys.exit(2)


def explain(error):
    """The errors to report for one validation error.

    A nullable object is `anyOf: [{$ref}, {type: null}]`, whose own message ("... is not valid
    under any of the given schemas") hides the real problem. When exactly one branch failed on
    something other than the value's type, its errors are reported instead, recursively.
    """
    if error.validator in ("anyOf", "oneOf") and error.context:
        branches = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        relevant = [subs for subs in branches.values()
                    if not all(sub.validator == "type" and not sub.relative_path for sub in subs)]
        if len(relevant) == 1:
            for sub in relevant[0]:
                yield from explain(sub)
            return
    yield error


def main(argv):
    expect_all_valid = False
    paths = []
    for arg in argv:
        if arg == "--expect-all-valid":
            expect_all_valid = True
        elif arg in ("-h", "--help"):
            print(__doc__)
            return 0
        elif arg.startswith("-"):
            usage(f"unknown option {arg}")
        else:
            paths.append(arg)
    if len(paths) != 1:
        usage("expected exactly one SCHEMA_PATH")

    try:
        import jsonschema
    except ImportError:
        usage("the jsonschema package is not installed (pip install 'jsonschema[format-nongpl]')")

    try:
        with open(paths[0], encoding="utf-8") as handle:
            schema = json.load(handle)
    except (OSError, ValueError) as error:
        usage(f"cannot read schema {paths[0]}: {error}")

    validator_class = jsonschema.Draft202012Validator
    try:
        validator_class.check_schema(schema)
    except jsonschema.exceptions.SchemaError as error:
        usage(f"invalid schema {paths[0]}: {error.message}")
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    try:
        import rfc3339_validator  # noqa: F401  (only probed: jsonschema uses it for "date-time")
    except ImportError:
        print("check_intake.py: warning: rfc3339-validator is not installed, date-time fields are "
              "not checked (pip install 'jsonschema[format-nongpl]')", file=sys.stderr)

    records = valid = invalid = 0
    errors = []

    def note(line_number, path, message):
        if len(message) > MAX_MESSAGE_CHARS:
            message = message[:MAX_MESSAGE_CHARS - 3] + "..."
        if len(errors) < MAX_ERRORS:
            errors.append({"line": line_number, "path": path, "message": message})

    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)
    for line_number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        records += 1
        try:
            record = json.loads(line)
        except ValueError as error:
            invalid += 1
            note(line_number, "", f"not JSON: {error}")
            continue
        # Sorted by path so that the report is stable from run to run.
        found = [leaf for error in validator.iter_errors(record) for leaf in explain(error)]
        found.sort(key=lambda e: ([str(p) for p in e.absolute_path], e.message))
        if not found:
            valid += 1
            continue
        invalid += 1
        for error in found:
            note(line_number, "/".join(str(p) for p in error.absolute_path), error.message)

    json.dump({"records": records, "valid": valid, "invalid": invalid, "errors": errors},
              sys.stdout)
    sys.stdout.write("\n")
    return 1 if expect_all_valid and invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
