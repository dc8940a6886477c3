//! The four pure stages as `sar_bus::Stage`s, built once from [`PipelineParams`]. The Kafka
//! services, the embedded bus and the NDJSON filters all run these same objects.

use std::sync::Arc;

use anyhow::Context;
use sar_bus::Stage;
use sar_gate::{Gate, GateConfig};
use sar_model::{
    ZonedTime,
    records::{self, GatedRecord, NormalizedRecord, RawRecord, RoutedRecord, ScoredRecord},
    reject::Reject,
};
use sar_normalize::NormalizeConfig;
use sar_route::{RouteConfig, Router};
use sar_score::{RulePack, ScoreContext, Scorer};

use crate::config::PipelineParams;

/// Raw -> normalized.
pub(crate) struct NormalizeStage {
    pub(crate) config: NormalizeConfig,
}

/// Normalized -> scored.
pub(crate) struct ScoreStage {
    pub(crate) scorer: Scorer,
}

/// Scored -> gated.
pub(crate) struct GateStage {
    pub(crate) gate: Gate,
}

/// Gated -> routed.
pub(crate) struct RouteStage {
    pub(crate) router: Router,
}

/// All four, ready to run.
pub(crate) struct Stages {
    pub(crate) normalize: Arc<NormalizeStage>,
    pub(crate) score: Arc<ScoreStage>,
    pub(crate) gate: Arc<GateStage>,
    pub(crate) route: Arc<RouteStage>,
}

impl Stages {
    /// Builds the stages, loading rule files named in `params`.
    pub(crate) fn new(params: &PipelineParams) -> anyhow::Result<Self> {
        let normalize_config = NormalizeConfig {
            max_narrative_chars: params.max_narrative_chars,
            tips_leads_ttl_days: params.tips_leads_ttl_days,
            ..NormalizeConfig::default()
        };
        let pack = match &params.rule_pack {
            None => RulePack::default_pack().context("failed to load the default rule pack")?,
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("failed to read the rule pack {}", path.display()))?;
                RulePack::from_toml(&text)
                    .with_context(|| format!("failed to load the rule pack {}", path.display()))?
            }
        };
        let scorer = Scorer::new(pack).context("failed to build the scorer")?;
        let gate = Gate::new(GateConfig {
            tips_leads_ttl_days: params.tips_leads_ttl_days,
            ..GateConfig::default()
        })
        .context("failed to build the gate")?;
        let routing = match &params.routing_rules {
            None => {
                RouteConfig::default_config().context("failed to load the default routing rules")?
            }
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!("failed to read the routing rules {}", path.display())
                })?;
                RouteConfig::from_toml(&text).with_context(|| {
                    format!("failed to load the routing rules {}", path.display())
                })?
            }
        };
        let router = Router::new(routing).context("failed to build the router")?;
        Ok(Self {
            normalize: Arc::new(NormalizeStage {
                config: normalize_config,
            }),
            score: Arc::new(ScoreStage { scorer }),
            gate: Arc::new(GateStage { gate }),
            route: Arc::new(RouteStage { router }),
        })
    }
}

impl Stage for NormalizeStage {
    type Input = RawRecord;
    type Output = NormalizedRecord;
    const STAGE: records::Stage = records::Stage::Normalize;

    fn process(&self, input: RawRecord, now: ZonedTime) -> Result<NormalizedRecord, Reject> {
        sar_normalize::normalize(input, &self.config, now)
    }
}

impl Stage for ScoreStage {
    type Input = NormalizedRecord;
    type Output = ScoredRecord;
    const STAGE: records::Stage = records::Stage::Score;

    fn process(&self, input: NormalizedRecord, now: ZonedTime) -> Result<ScoredRecord, Reject> {
        // Corroboration by linked reports needs the store's duplicate links, which the
        // streaming scorer does not have yet: 0, as in the filters.
        self.scorer.score(input, &ScoreContext::default(), now)
    }
}

impl Stage for GateStage {
    type Input = ScoredRecord;
    type Output = GatedRecord;
    const STAGE: records::Stage = records::Stage::Gate;

    fn process(&self, input: ScoredRecord, now: ZonedTime) -> Result<GatedRecord, Reject> {
        self.gate.gate(input, now)
    }
}

impl Stage for RouteStage {
    type Input = GatedRecord;
    type Output = RoutedRecord;
    const STAGE: records::Stage = records::Stage::Route;

    fn process(&self, input: GatedRecord, now: ZonedTime) -> Result<RoutedRecord, Reject> {
        self.router.route(input, now)
    }
}
