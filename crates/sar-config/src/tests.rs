//! Tests of `load` (precedence, unknown keys, types, secrets) and of durations.

use std::{collections::BTreeMap, path::PathBuf, time::Duration};

use serde::{Deserialize, Serialize};

use super::*;

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct ScorerConfig {
    #[serde(default)]
    kafka: KafkaSection,
    #[serde(default)]
    scoring: ScoringSection,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct KafkaSection {
    #[serde(default = "default_brokers")]
    brokers: String,
    #[serde(default = "default_batch")]
    batch_size: u32,
    #[serde(default = "default_linger", with = "duration_text")]
    linger: Duration,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    sasl_password: Option<Secret<String>>,
}

impl Default for KafkaSection {
    fn default() -> Self {
        Self {
            brokers: default_brokers(),
            batch_size: default_batch(),
            linger: default_linger(),
            topics: Vec::new(),
            sasl_password: None,
        }
    }
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct ScoringSection {
    #[serde(default)]
    threshold: f64,
    #[serde(default)]
    strict: bool,
}

fn default_brokers() -> String {
    "localhost:9092".to_owned()
}

fn default_batch() -> u32 {
    100
}

fn default_linger() -> Duration {
    Duration::from_millis(5)
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn file(text: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scorer.toml");
    std::fs::write(&path, text).unwrap();
    Fixture { _dir: dir, path }
}

fn env(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
    entries
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

fn problems(error: ConfigError) -> Vec<ConfigProblem> {
    match error {
        ConfigError::Invalid { problems, .. } => problems,
        other => panic!("expected ConfigError::Invalid, got {other:?}"),
    }
}

#[test]
fn defaults_apply_without_file_or_env() {
    let config: ScorerConfig = load(None, &BTreeMap::new(), "scorer").unwrap();
    assert_eq!(config.kafka, KafkaSection::default());
    assert_eq!(config.scoring, ScoringSection::default());
}

#[test]
fn precedence_is_default_then_file_then_env() {
    let fixture =
        file("[kafka]\nbrokers = \"file:9092\"\nbatch_size = 7\n\n[scoring]\nthreshold = 0.25\n");
    let env_map = env(&[
        ("SARFLOW_SCORER__KAFKA__BATCH_SIZE", "42"),
        ("SARFLOW_SCORER__KAFKA__LINGER", "250ms"),
        ("SARFLOW_SCORER__KAFKA__TOPICS", r#"["a","b"]"#),
        ("SARFLOW_SCORER__SCORING__STRICT", "true"),
        // Other services and other products are ignored, even when their keys are unknown here.
        ("SARFLOW_INDEXER__KAFKA__BATCH_SIZE", "1"),
        ("SARFLOW_SCORERX__NOPE", "1"),
        ("PATH", "/usr/bin"),
    ]);
    let config: ScorerConfig = load(Some(&fixture.path), &env_map, "scorer").unwrap();
    assert_eq!(config.kafka.brokers, "file:9092", "file beats default");
    assert_eq!(config.kafka.batch_size, 42, "env beats file");
    assert_eq!(config.kafka.linger, Duration::from_millis(250));
    assert_eq!(config.kafka.topics, ["a", "b"]);
    assert!(config.scoring.strict);
    assert_eq!(config.scoring.threshold, 0.25, "file value kept");
}

#[test]
fn service_name_is_upper_cased_with_underscores() {
    let env_map = env(&[("SARFLOW_ANALYST_QUEUE__SCORING__THRESHOLD", "1.5")]);
    let config: ScorerConfig = load(None, &env_map, "analyst-queue").unwrap();
    assert_eq!(config.scoring.threshold, 1.5);
}

#[test]
fn env_value_that_is_not_toml_is_a_string() {
    let env_map = env(&[("SARFLOW_SCORER__KAFKA__BROKERS", "b1:9092,b2:9092")]);
    let config: ScorerConfig = load(None, &env_map, "scorer").unwrap();
    assert_eq!(config.kafka.brokers, "b1:9092,b2:9092");
}

#[test]
fn numeric_env_value_for_a_string_field_is_kept_as_text() {
    let env_map = env(&[
        ("SARFLOW_SCORER__KAFKA__BROKERS", "9092"),
        ("SARFLOW_SCORER__KAFKA__SASL_PASSWORD", "123456"),
    ]);
    let config: ScorerConfig = load(None, &env_map, "scorer").unwrap();
    assert_eq!(config.kafka.brokers, "9092");
    let password = config.kafka.sasl_password.unwrap();
    assert_eq!(password.expose(), "123456");
}

#[test]
fn unknown_key_in_file_is_refused_with_its_path() {
    let fixture = file("[kafka]\nbrokerz = \"x\"\n");
    let error = load::<ScorerConfig>(Some(&fixture.path), &BTreeMap::new(), "scorer").unwrap_err();
    let text = error.to_string();
    assert!(text.contains("scorer.toml"), "{text}");
    let problems = problems(error);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "kafka.brokerz");
    assert_eq!(problems[0].origin, Origin::File);
    assert!(
        problems[0].message.contains("unknown field"),
        "{problems:?}"
    );
}

#[test]
fn unknown_key_in_env_is_refused_with_its_path_and_name() {
    let env_map = env(&[("SARFLOW_SCORER__KAFKA__BROKERZ", "x")]);
    let error = load::<ScorerConfig>(None, &env_map, "scorer").unwrap_err();
    let problems = problems(error);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "kafka.brokerz");
    assert_eq!(
        problems[0].origin,
        Origin::Env("SARFLOW_SCORER__KAFKA__BROKERZ".to_owned())
    );
}

#[test]
fn unknown_section_in_env_is_refused() {
    let env_map = env(&[("SARFLOW_SCORER__NOSUCH__KEY", "1")]);
    let problems = problems(load::<ScorerConfig>(None, &env_map, "scorer").unwrap_err());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "nosuch");
}

#[test]
fn bad_type_is_refused_with_its_path() {
    let fixture = file("[kafka]\nbatch_size = \"many\"\n");
    let problems = problems(
        load::<ScorerConfig>(Some(&fixture.path), &BTreeMap::new(), "scorer").unwrap_err(),
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "kafka.batch_size");
    assert!(problems[0].message.contains("invalid type"), "{problems:?}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let fixture = file("[kafka]\nbatch_size = -1\nlinger = \"5 parsecs\"\nextra = 1\n");
    let env_map = env(&[
        ("SARFLOW_SCORER__SCORING__STRICT", "maybe"),
        ("SARFLOW_SCORER__OTHER", "1"),
    ]);
    let problems =
        problems(load::<ScorerConfig>(Some(&fixture.path), &env_map, "scorer").unwrap_err());
    let mut paths: Vec<&str> = problems
        .iter()
        .map(|problem| problem.path.as_str())
        .collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "kafka.batch_size",
            "kafka.extra",
            "kafka.linger",
            "other",
            "scoring.strict"
        ],
        "{problems:?}"
    );
}

#[test]
fn secret_values_never_appear_in_errors() {
    let fixture = file("[kafka]\nsasl_password = [\"hunter2\"]\n");
    let error = load::<ScorerConfig>(Some(&fixture.path), &BTreeMap::new(), "scorer").unwrap_err();
    let text = error.to_string();
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("kafka.sasl_password"), "{text}");
}

#[test]
fn values_of_secret_looking_keys_are_redacted() {
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct WithToken {
        api_token: u32,
    }
    let env_map = env(&[("SARFLOW_SCORER__API_TOKEN", "s3cr3t-value")]);
    let error = load::<WithToken>(None, &env_map, "scorer").unwrap_err();
    let text = error.to_string();
    assert!(!text.contains("s3cr3t-value"), "{text}");
    assert!(text.contains("api_token"), "{text}");
}

#[test]
fn syntax_error_names_file_and_line_without_the_line_text() {
    let fixture = file("[kafka]\nsasl_password = \"hunter2\n");
    let error = load::<ScorerConfig>(Some(&fixture.path), &BTreeMap::new(), "scorer").unwrap_err();
    let text = error.to_string();
    assert!(
        matches!(error, ConfigError::Syntax { line: 2, .. }),
        "{text}"
    );
    assert!(text.contains("scorer.toml"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}

#[test]
fn missing_file_is_a_read_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.toml");
    let error = load::<ScorerConfig>(Some(&path), &BTreeMap::new(), "scorer").unwrap_err();
    assert!(matches!(error, ConfigError::Read { .. }), "{error:?}");
}

#[test]
fn env_key_through_a_scalar_is_refused() {
    let fixture = file("[kafka]\nbrokers = \"x\"\n");
    let env_map = env(&[("SARFLOW_SCORER__KAFKA__BROKERS__HOST", "y")]);
    let problems =
        problems(load::<ScorerConfig>(Some(&fixture.path), &env_map, "scorer").unwrap_err());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "kafka.brokers.host");
    assert!(
        problems[0]
            .message
            .contains("`kafka.brokers` is not a table"),
        "{problems:?}"
    );
}

#[test]
fn secret_prints_as_stars() {
    let secret = Secret::new("hunter2".to_owned());
    assert_eq!(format!("{secret:?}"), "***");
    assert_eq!(format!("{secret}"), "***");
    assert_eq!(secret.expose(), "hunter2");
    let config = KafkaSection {
        sasl_password: Some(secret),
        ..KafkaSection::default()
    };
    assert!(!format!("{config:?}").contains("hunter2"));
}

#[test]
fn durations_parse() {
    let cases = [
        ("250ms", Duration::from_millis(250)),
        ("5s", Duration::from_secs(5)),
        ("2m", Duration::from_secs(120)),
        ("1h", Duration::from_secs(3_600)),
        ("7d", Duration::from_secs(7 * 86_400)),
        (" 0s ", Duration::ZERO),
    ];
    for (text, expected) in cases {
        assert_eq!(parse_duration(text).unwrap(), expected, "{text}");
    }
}

#[test]
fn bad_durations_are_refused() {
    for text in [
        "",
        "5",
        "ms",
        "1.5s",
        "-1s",
        "5 s",
        "5w",
        "99999999999999999999d",
        "1sec",
    ] {
        let error = parse_duration(text).unwrap_err();
        assert!(
            matches!(error, ConfigError::Duration { .. }),
            "{text}: {error:?}"
        );
    }
}

#[test]
fn durations_serialize_to_text_and_back() {
    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Timeouts {
        #[serde(with = "duration_text")]
        timeout: Duration,
    }
    for (duration, text) in [
        (Duration::from_millis(1_500), "1500ms"),
        (Duration::from_secs(90), "90s"),
        (Duration::from_secs(7_200), "2h"),
        (Duration::from_secs(2 * 86_400), "2d"),
        (Duration::ZERO, "0s"),
    ] {
        let timeouts = Timeouts { timeout: duration };
        let encoded = toml::to_string(&timeouts).unwrap();
        assert_eq!(encoded.trim(), format!("timeout = \"{text}\""));
        let decoded: Timeouts = toml::from_str(&encoded).unwrap();
        assert_eq!(decoded, timeouts);
    }
    assert!(
        toml::to_string(&Timeouts {
            timeout: Duration::from_micros(1)
        })
        .is_err()
    );
}
