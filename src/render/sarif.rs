//! SARIF 2.1.0 for code scanning and editors. Columns are UTF-16 code units (the SARIF
//! default), end columns exclusive. Rule descriptors come from the rule metadata.

use super::region;
use crate::engine::{Report, locate, meta};
use crate::model::{ColumnUnit, Level, Span};
use serde_json::{Value, json};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const INFORMATION_URI: &str = "https://github.com/scalelint/scalelint";

/// The rule's section in the rules reference of this very version.
pub fn help_uri(rule: &str) -> String {
    format!(
        "{INFORMATION_URI}/blob/v{}/docs/rules.md#{rule}",
        env!("CARGO_PKG_VERSION")
    )
}

fn sarif_level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

/// A relative path as a URI reference: percent-encode all but unreserved characters and `/`.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn artifact(path: &str) -> Value {
    // Paths under the working directory are relative to the checkout (`%SRCROOT%`, as code
    // scanning expects); others are absolute `file:` URIs.
    if path.starts_with('/') {
        json!({"uri": format!("file://{}", uri(path))})
    } else {
        json!({"uri": uri(path), "uriBaseId": "%SRCROOT%"})
    }
}

fn sarif_region(report: &Report, file: usize, span: Span) -> Value {
    let (start, end) = region(report.files.get(file), span, ColumnUnit::Utf16);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn physical(report: &Report, file: usize, span: Span) -> Value {
    let path = report.files.get(file).map_or("", |s| s.path.as_str());
    json!({
        "artifactLocation": artifact(path),
        "region": sarif_region(report, file, span),
    })
}

/// A finding's fix as SARIF `fixes` (what reviewdog and the SARIF viewer apply): one
/// artifact change with a replacement per edit, regions in lines and columns (an empty
/// region inserts). Only for a file on disk; the applicability is a property.
fn fixes(report: &Report, f: &crate::model::Finding) -> Option<Value> {
    let fix = f.fix.as_ref()?;
    let file = report.files.get(f.file)?;
    if fix.edits.is_empty() || file.disk.is_none() {
        return None;
    }
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": sarif_region(report, f.file, e.span),
                "insertedContent": {"text": e.replacement},
            })
        })
        .collect();
    let mut properties = json!({"applicability": fix.applicability.as_str()});
    if let Some(why) = &fix.downgraded {
        properties["displayOnlyBecause"] = json!(why);
    }
    Some(json!([{
        "description": {"text": fix.message},
        "artifactChanges": [{
            "artifactLocation": artifact(&file.path),
            "replacements": replacements,
        }],
        "properties": properties,
    }]))
}

/// The run itself: it succeeded (findings are results, not failures); files it could not
/// read are tool notifications, as code scanning shows them.
fn invocation(report: &Report, metas: &[&meta::RuleMeta]) -> Value {
    let notifications: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| f.rule == crate::engine::diagnostics::io_error::NAME)
        .map(|f| {
            json!({
                "level": "error",
                "message": {"text": f.message},
                "locations": [{"physicalLocation": physical(report, f.file, f.span)}],
                "associatedRule": {
                    "id": f.rule,
                    "index": metas.iter().position(|m| m.name == f.rule),
                },
            })
        })
        .collect();
    json!({
        "executionSuccessful": true,
        "toolExecutionNotifications": notifications,
    })
}

fn rule_descriptors(metas: &[&meta::RuleMeta]) -> Vec<Value> {
    metas
        .iter()
        .map(|m| {
            let help = format!("{}\n\n{}", m.fix.trim(), m.why.trim());
            json!({
                "id": m.name,
                "name": m.name,
                "shortDescription": {"text": m.summary.trim()},
                "fullDescription": {"text": m.why.trim()},
                "help": {"text": help, "markdown": help},
                "helpUri": help_uri(&m.name),
                "defaultConfiguration": {"level": sarif_level(m.level)},
                "properties": {
                    "tags": [m.domain.clone()],
                    "autofix": m.autofix.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
                },
            })
        })
        .collect()
}

pub fn render(report: &Report) -> String {
    super::written(|out| write(report, out))
}

/// The log, written a result at a time.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let metas: Vec<&meta::RuleMeta> = report.catalog.metas().collect();
    // Suppressed findings are results too, marked as suppressed in source, so code scanning
    // shows them as dismissed instead of losing track of them.
    let results = report.findings.iter().chain(&report.suppressed).map(|f| {
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        let mut r = json!({
            "ruleId": f.rule,
            "level": sarif_level(f.level),
            "message": {"text": message},
            "locations": [{"physicalLocation": physical(report, f.file, f.span)}],
            // By object and field, not line: code scanning keeps tracking the finding
            // when unrelated lines move.
            "partialFingerprints": {
                "scalelintLocation/v1": locate::fnv1a(&[&f.rule, &f.locator]),
            },
        });
        if let Some(i) = metas.iter().position(|m| m.name == f.rule) {
            r["ruleIndex"] = json!(i);
        }
        if let Some(fixes) = fixes(report, f) {
            r["fixes"] = fixes;
        }
        if let Some(s) = &f.suppression {
            let kind = if s.external { "external" } else { "inSource" };
            let mut entry = json!({"kind": kind});
            if let Some(reason) = &s.reason {
                entry["justification"] = json!(reason);
            }
            r["suppressions"] = json!([entry]);
        }
        if !f.labels.is_empty() {
            r["relatedLocations"] = Value::Array(
                f.labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        json!({
                            "id": i + 1,
                            "physicalLocation": physical(report, l.file, l.span),
                            "message": {"text": l.message},
                        })
                    })
                    .collect(),
            );
        }
        r
    });
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "scalelint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rule_descriptors(&metas),
            }},
            "automationDetails": {"id": "scalelint/"},
            "invocations": [invocation(report, &metas)],
            "columnKind": "utf16CodeUnits",
            "results": super::ITEMS,
        }],
    });
    super::write_with_items(out, &doc, "results", results)
}

#[cfg(test)]
mod tests {
    #[test]
    fn uri_encodes_unsafe_characters() {
        assert_eq!(super::uri("a b/ç.yaml"), "a%20b/%C3%A7.yaml");
        assert_eq!(super::uri("deploy/x-1_y.yml"), "deploy/x-1_y.yml");
    }
}
