//! Baselines: the findings a repository already has, recorded so that only new ones are
//! reported. A finding is identified by its rule and the fingerprint of its object and field
//! (the same as SARIF's `partialFingerprints`), not by its line, so unrelated edits do not
//! invalidate the baseline.

use super::{Report, locate};
use crate::model::{Finding, Suppression};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, Hash, Clone)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    /// For people reading the file; matching uses the fingerprint, which includes it.
    pub path: String,
    pub fingerprint: String,
}

fn entry(report: &Report, f: &Finding) -> Entry {
    Entry {
        rule: f.rule.to_string(),
        path: report
            .files
            .get(f.file)
            .map(|s| s.path.clone())
            .unwrap_or_default(),
        fingerprint: locate::fnv1a(&[&f.rule, &f.locator]),
    }
}

/// The baseline of a report's (unsuppressed) findings, as JSON text.
pub fn write(report: &Report) -> String {
    let b = Baseline {
        version: 1,
        findings: report.findings.iter().map(|f| entry(report, f)).collect(),
    };
    let mut s = serde_json::to_string_pretty(&b).unwrap_or_default();
    s.push('\n');
    s
}

/// Why a baseline file cannot be used.
#[derive(Debug)]
pub enum BaselineError {
    /// Not a baseline's JSON (serde's message has the line and column).
    Json(serde_json::Error),
    /// Written by a scalelint whose format this one does not read.
    Version(u32),
}

impl std::fmt::Display for BaselineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BaselineError::Json(e) => e.fmt(f),
            BaselineError::Version(v) => write!(f, "unsupported baseline version {v}"),
        }
    }
}

impl std::error::Error for BaselineError {}

pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
    let b: Baseline = serde_json::from_str(text).map_err(BaselineError::Json)?;
    if b.version != 1 {
        return Err(BaselineError::Version(b.version));
    }
    Ok(b)
}

/// Move the findings the baseline records into `report.suppressed` (as externally
/// suppressed); each entry accounts for one finding, so a second identical problem is new.
pub fn apply(report: &mut Report, baseline: &Baseline) {
    let mut left: HashMap<(String, String), usize> = HashMap::new();
    for e in &baseline.findings {
        *left
            .entry((e.rule.clone(), e.fingerprint.clone()))
            .or_default() += 1;
    }
    let findings = std::mem::take(&mut report.findings);
    for mut f in findings {
        let fp = locate::fnv1a(&[&f.rule, &f.locator]);
        match left.get_mut(&(f.rule.to_string(), fp)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                f.suppression = Some(Box::new(Suppression {
                    reason: Some("in the baseline".to_string()),
                    external: true,
                }));
                report.suppressed.push(f);
            }
            _ => report.findings.push(f),
        }
    }
}
