//! `sarflow serve <normalize|score|gate|route>`: one stage as a Kafka service. Reads its input
//! topic in a consumer group, writes its output topic and its dead-letter topic, serves
//! `/metrics`, `/healthz` and `/readyz` on the admin port, and stops cleanly on SIGINT/SIGTERM
//! (stop fetching, drain, flush, commit, exit 0).

use std::{net::SocketAddr, path::PathBuf, sync::Arc};

use anyhow::Context as _;
use sar_bus::{Stage, kafka};
use sar_schema::{GATED, NORMALIZED, RAW, ROUTED, SCORED, Topic};
use sar_telemetry::{Metrics, Readiness};
use tokio_util::sync::CancellationToken;

use crate::{
    Context,
    config::{self, StageServiceConfig},
    stages::Stages,
};

/// Arguments of `sarflow serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// The stage to run.
    #[arg(value_enum)]
    stage: StageName,
    /// Config file (see deploy/config/<stage>.toml); `SARFLOW_<STAGE>__...` variables override it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Kafka bootstrap servers, overriding config and environment.
    #[arg(long)]
    kafka: Option<String>,
    /// Admin address for /metrics, /healthz and /readyz, overriding config and environment.
    #[arg(long)]
    admin_addr: Option<SocketAddr>,
    /// Instead of the stage, copy its input topic's messages unchanged to `<input>.passthrough`
    /// with the same client settings: the baseline the Kafka benchmark compares each stage to.
    #[arg(long)]
    passthrough: bool,
}

/// A stage that runs as a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum StageName {
    Normalize,
    Score,
    Gate,
    Route,
}

impl StageName {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Normalize => "normalize",
            Self::Score => "score",
            Self::Gate => "gate",
            Self::Route => "route",
        }
    }
}

/// Runs one stage until shutdown.
pub(crate) fn serve(args: &ServeArgs, context: &Context) -> anyhow::Result<()> {
    let service = args.stage.as_str();
    let mut config: StageServiceConfig =
        config::load(service, args.config.as_deref(), &context.env)?;
    if let Some(brokers) = &args.kafka {
        config.kafka.brokers.clone_from(brokers);
    }
    if let Some(admin_addr) = args.admin_addr {
        config.telemetry.admin_addr = Some(admin_addr);
    }
    config
        .kafka
        .validate()
        .context("invalid kafka configuration")?;
    sar_telemetry::init(&config.telemetry, service, context.rust_log.as_deref())
        .context("failed to start telemetry")?;
    tracing::info!(service, config = ?config, "starting");
    let stages = Stages::new(&config.pipeline)?;
    context.runtime.block_on(async {
        let shutdown = sar_telemetry::shutdown_token();
        let metrics = Metrics::new();
        let readiness = Readiness::new();
        let admin =
            crate::admin::start(config.telemetry.admin_addr, &metrics, &readiness, &shutdown)
                .await?;
        let result = if args.passthrough {
            passthrough(args.stage, &config, &metrics, &readiness, &shutdown).await
        } else {
            match args.stage {
                StageName::Normalize => {
                    run_one(
                        stages.normalize,
                        &config,
                        RAW,
                        NORMALIZED,
                        &metrics,
                        &readiness,
                        &shutdown,
                    )
                    .await
                }
                StageName::Score => {
                    run_one(
                        stages.score,
                        &config,
                        NORMALIZED,
                        SCORED,
                        &metrics,
                        &readiness,
                        &shutdown,
                    )
                    .await
                }
                StageName::Gate => {
                    run_one(
                        stages.gate,
                        &config,
                        SCORED,
                        GATED,
                        &metrics,
                        &readiness,
                        &shutdown,
                    )
                    .await
                }
                StageName::Route => {
                    run_one(
                        stages.route,
                        &config,
                        GATED,
                        ROUTED,
                        &metrics,
                        &readiness,
                        &shutdown,
                    )
                    .await
                }
            }
        };
        shutdown.cancel();
        crate::admin::stop(admin).await;
        result
    })
}

async fn passthrough(
    stage: StageName,
    config: &StageServiceConfig,
    metrics: &Metrics,
    readiness: &Readiness,
    shutdown: &CancellationToken,
) -> anyhow::Result<()> {
    let input = match stage {
        StageName::Normalize => RAW.name(),
        StageName::Score => NORMALIZED.name(),
        StageName::Gate => SCORED.name(),
        StageName::Route => GATED.name(),
    };
    let output = format!("{input}.passthrough");
    kafka::create_topics(&config.kafka, &[input, &output])
        .await
        .context("failed to create the passthrough topics")?;
    let summary = kafka::run_passthrough(
        &config.kafka,
        input,
        &output,
        "passthrough",
        metrics,
        readiness,
        shutdown.clone(),
    )
    .await
    .context("the passthrough failed")?;
    tracing::info!(summary = ?summary, "stopped");
    Ok(())
}

async fn run_one<S: Stage>(
    stage: Arc<S>,
    config: &StageServiceConfig,
    input: Topic<S::Input>,
    output: Topic<S::Output>,
    metrics: &Metrics,
    readiness: &Readiness,
    shutdown: &CancellationToken,
) -> anyhow::Result<()> {
    let summary = kafka::run_stage(
        stage,
        &config.kafka,
        input,
        output,
        metrics,
        readiness,
        shutdown.clone(),
    )
    .await
    .with_context(|| format!("the {:?} stage failed", S::STAGE))?;
    tracing::info!(summary = ?summary, "stopped");
    Ok(())
}
