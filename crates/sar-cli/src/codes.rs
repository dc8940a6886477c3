//! `sarflow codes`: the code lists as JSON, straight from sar-model's tables.

use std::io::Write;

use sar_model::codes::{Behavior, CodeEntry, CodeList, TargetSector, TipClass, TipDomain};
use serde::Serialize;

#[derive(Serialize)]
struct CodeLists {
    behavior: Vec<Row>,
    target_sector: Vec<Row>,
    tip_class: Vec<Row>,
    tip_domain: Vec<Row>,
}

#[derive(Serialize)]
struct Row {
    code: &'static str,
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'static str>,
}

fn rows<K: CodeList>() -> Vec<Row> {
    K::ENTRIES.iter().map(row).collect()
}

fn row(entry: &CodeEntry) -> Row {
    let group = entry.group.map(|group| match group {
        sar_model::BehaviorGroup::A => "A",
        sar_model::BehaviorGroup::B => "B",
    });
    Row {
        code: entry.code,
        name: entry.name,
        group,
    }
}

pub(crate) fn codes(output: &mut dyn Write) -> anyhow::Result<()> {
    let lists = CodeLists {
        behavior: rows::<Behavior>(),
        target_sector: rows::<TargetSector>(),
        tip_class: rows::<TipClass>(),
        tip_domain: rows::<TipDomain>(),
    };
    serde_json::to_writer_pretty(&mut *output, &lists)?;
    writeln!(output)?;
    Ok(())
}
