//! The naming test (style guide §3.5): touch every metric, render, check every name and label.

use std::collections::{BTreeMap, BTreeSet};

use super::Metrics;

const ALLOWED_LABELS: [&str; 12] = [
    "service",
    "stage",
    "topic",
    "partition",
    "outcome",
    "reason",
    "route",
    "status",
    "intentional",
    "error_code",
    "sink",
    "queue",
];

/// Uses every metric once through the public helpers.
fn touch_every_metric(metrics: &Metrics) {
    let stage = metrics.stage("score");
    stage.received(3);
    stage.sent(2);
    stage.dropped("filtered", true, 1);
    stage.error("decode");
    stage.observe_processing(0.002);
    stage.observe_batch_size(3);
    stage.consumer_lag("sar.reports.normalized.v1", 0, 12);
    stage.produce_error("queue_full");
    stage.commit("ok");
    let journal = metrics.journal();
    journal.appended(5);
    journal.observe_commit(0.004, 5);
    journal.replayed(2);
    journal.sink_delivered("routed", 4, 1);
    metrics.http("intake").request("/reports/{id}", 200, 0.01);
    let index = metrics.index();
    index.observe_commit(0.3);
    index.documents(7);
    metrics.queue_open_cases("analyst", 4);
}

/// `# TYPE <name> <type>` lines of a rendered registry.
fn families(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.split_once(' '))
        .map(|(name, kind)| (name.to_owned(), kind.to_owned()))
        .collect()
}

/// Label names used on sample lines, minus the histogram's own `le`.
fn label_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let Some((_, rest)) = line.split_once('{') else {
            continue;
        };
        let Some((labels, _)) = rest.split_once('}') else {
            continue;
        };
        for pair in labels.split(',') {
            if let Some((name, _)) = pair.split_once('=')
                && name != "le"
            {
                names.insert(name.to_owned());
            }
        }
    }
    names
}

fn is_snake_name(name: &str) -> bool {
    name.strip_prefix("sarflow_").is_some_and(|rest| {
        !rest.is_empty()
            && rest.chars().all(|character| {
                character.is_ascii_lowercase() || character.is_ascii_digit() || character == '_'
            })
    })
}

#[test]
fn every_metric_follows_the_naming_rules() {
    let metrics = Metrics::new();
    touch_every_metric(&metrics);
    let text = metrics.render();
    let families = families(&text);
    assert_eq!(
        families.len(),
        metrics.n_registered(),
        "touch_every_metric must use every registered metric:\n{text}"
    );
    for (name, kind) in &families {
        assert!(
            is_snake_name(name),
            "{name} must match ^sarflow_[a-z0-9_]+$"
        );
        assert!(
            !name.contains("_ms"),
            "{name}: use seconds, not milliseconds"
        );
        match kind.as_str() {
            "counter" => assert!(
                name.ends_with("_total"),
                "counter {name} must end in _total"
            ),
            "gauge" => assert!(
                !name.ends_with("_total"),
                "gauge {name} must not end in _total"
            ),
            "histogram" => assert!(
                name.ends_with("_seconds") || name.ends_with("_size"),
                "histogram {name} must be in _seconds or a unitless _size"
            ),
            other => panic!("{name} has unexpected type {other}"),
        }
    }
    for label in label_names(&text) {
        assert!(
            ALLOWED_LABELS.contains(&label.as_str()),
            "label {label} is not in the allowed set"
        );
    }
}

#[test]
fn the_naming_checks_can_fail() {
    assert!(!is_snake_name("sarflow_Records_total"));
    assert!(!is_snake_name("records_total"));
    assert!(!is_snake_name("sarflow_"));
    let sample = "# TYPE sarflow_x_total counter\nsarflow_x_total{record_id=\"1\",le=\"2\"} 1\n";
    assert_eq!(families(sample).len(), 1);
    assert_eq!(
        label_names(sample),
        BTreeSet::from(["record_id".to_owned()])
    );
}

#[test]
fn helpers_count_what_they_are_given() {
    let metrics = Metrics::new();
    let stage = metrics.stage("normalize");
    stage.received(3);
    stage.received(4);
    stage.dropped("invalid", false, 2);
    metrics.consumer_lag("normalize", "sar.reports.raw.v1", 3, 42);
    metrics.journal().sink_delivered("dlq", 0, 5);
    let text = metrics.render();
    for expected in [
        "sarflow_stage_records_received_total{stage=\"normalize\"} 7",
        "sarflow_stage_records_dropped_total{intentional=\"false\",reason=\"invalid\",stage=\"normalize\"} 2",
        "sarflow_kafka_consumer_lag_records{partition=\"3\",stage=\"normalize\",topic=\"sar.reports.raw.v1\"} 42",
        "sarflow_sink_records_total{outcome=\"duplicate\",sink=\"dlq\"} 5",
    ] {
        assert!(text.contains(expected), "missing {expected} in\n{text}");
    }
}

#[test]
fn each_metrics_value_has_its_own_registry() {
    let first = Metrics::new();
    let second = Metrics::new();
    first.index().documents(1);
    assert!(first.render().contains("sarflow_index_documents_total 1"));
    assert!(second.render().contains("sarflow_index_documents_total 0"));
}
