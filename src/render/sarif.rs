//! SARIF 2.1.0 for code scanning and editors. Columns are UTF-16 code units (the SARIF
//! default), end columns exclusive. Rule descriptors come from the rule metadata.

use super::region;
use crate::engine::{Report, locate, meta};
use crate::model::{ColumnUnit, Level, Span};
use serde::Serialize;
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

/// The run itself: it succeeded (findings are results, not failures); files it could not
/// read are tool notifications, as code scanning shows them.
fn invocation(places: &Places<'_>, metas: &[&meta::RuleMeta]) -> Value {
    let notifications: Vec<Value> = places
        .report
        .findings
        .iter()
        .filter(|f| f.rule == crate::engine::diagnostics::io_error::NAME)
        .map(|f| {
            json!({
                "level": "error",
                "message": {"text": f.message},
                "locations": [{"physicalLocation": places.physical(f.file, f.span)}],
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

// A result as typed structs, members in name order: the order `serde_json::Value` printed
// them in (the log is byte-identical to its first version's, which built `Value`s), and no
// map per result and location.
#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

/// A result's message: the finding's, then its help on a line of its own, escaped straight
/// into the log rather than first joined into a string of its own.
struct Message<'a> {
    text: &'a str,
    help: Option<&'a str>,
}

impl Serialize for Message<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Joined<'a>(&'a Message<'a>);
        impl Serialize for Joined<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self.0.help {
                    Some(help) => s.collect_str(&format_args!("{}\nhelp: {help}", self.0.text)),
                    None => s.serialize_str(self.0.text),
                }
            }
        }
        let mut m = s.serialize_struct("Message", 1)?;
        m.serialize_field("text", &Joined(self))?;
        m.end()
    }
}

#[derive(Serialize)]
struct Artifact {
    uri: String,
    #[serde(rename = "uriBaseId", skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

impl Artifact {
    fn of(path: &str) -> Artifact {
        // Paths under the working directory are relative to the checkout (`%SRCROOT%`, as
        // code scanning expects); others are absolute `file:` URIs.
        if path.starts_with('/') {
            Artifact {
                uri: format!("file://{}", uri(path)),
                uri_base_id: None,
            }
        } else {
            Artifact {
                uri: uri(path),
                uri_base_id: Some("%SRCROOT%"),
            }
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

impl Region {
    fn of(report: &Report, file: usize, span: Span) -> Region {
        let (start, end) = region(report.files.get(file), span, ColumnUnit::Utf16);
        Region {
            end_column: end.column,
            end_line: end.line,
            start_column: start.column,
            start_line: start.line,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical<'a> {
    artifact_location: &'a Artifact,
    region: Region,
}

/// Where results point: the report's files, each with its artifact location made once (a
/// result has a location per label; formatting each file's URI again for each, and joining
/// each message with its help, were 7.6 % of a 16,000-result run's instructions).
struct Places<'r> {
    report: &'r Report,
    artifacts: Vec<Artifact>,
    /// For a file id the report does not have (none is expected).
    unknown: Artifact,
}

impl<'r> Places<'r> {
    fn new(report: &'r Report) -> Places<'r> {
        Places {
            report,
            artifacts: report.files.iter().map(|f| Artifact::of(&f.path)).collect(),
            unknown: Artifact::of(""),
        }
    }

    fn artifact(&self, file: usize) -> &Artifact {
        self.artifacts.get(file).unwrap_or(&self.unknown)
    }

    fn physical(&self, file: usize, span: Span) -> Physical<'_> {
        Physical {
            artifact_location: self.artifact(file),
            region: Region::of(self.report, file, span),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: Physical<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Related<'a> {
    id: usize,
    message: Text<'a>,
    physical_location: Physical<'a>,
}

#[derive(Serialize)]
struct Suppressed<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'a str>,
    kind: &'static str,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "scalelintLocation/v1")]
    location: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    artifact_changes: [Change<'a>; 1],
    description: Text<'a>,
    properties: FixProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Change<'a> {
    artifact_location: &'a Artifact,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FixProperties<'a> {
    applicability: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_only_because: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes: Option<[SarifFix<'a>; 1]>,
    level: &'static str,
    locations: [Location<'a>; 1],
    message: Message<'a>,
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Related<'a>>,
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppressed<'a>; 1]>,
}

/// A finding's fix as SARIF `fixes` (what reviewdog and the SARIF viewer apply): one
/// artifact change with a replacement per edit, regions in lines and columns (an empty
/// region inserts). Only for a file on disk; the applicability is a property.
fn fixes<'a>(places: &'a Places<'_>, f: &'a crate::model::Finding) -> Option<[SarifFix<'a>; 1]> {
    let fix = f.fix.as_deref()?;
    let file = places.report.files.get(f.file)?;
    if fix.edits.is_empty() || file.disk.is_none() {
        return None;
    }
    Some([SarifFix {
        artifact_changes: [Change {
            artifact_location: places.artifact(f.file),
            replacements: fix
                .edits
                .iter()
                .map(|e| Replacement {
                    deleted_region: Region::of(places.report, f.file, e.span),
                    inserted_content: Text {
                        text: &e.replacement,
                    },
                })
                .collect(),
        }],
        description: Text { text: &fix.message },
        properties: FixProperties {
            applicability: fix.applicability.as_str(),
            display_only_because: fix.downgraded.as_deref(),
        },
    }])
}

/// One finding as a SARIF result; `index` gives each rule's place among the descriptors.
fn result<'a>(
    places: &'a Places<'_>,
    index: &std::collections::HashMap<&str, usize>,
    f: &'a crate::model::Finding,
) -> SarifResult<'a> {
    SarifResult {
        fixes: fixes(places, f),
        level: sarif_level(f.level),
        locations: [Location {
            physical_location: places.physical(f.file, f.span),
        }],
        message: Message {
            text: &f.message,
            help: f.help.as_deref(),
        },
        // By object and field, not line: code scanning keeps tracking the finding
        // when unrelated lines move.
        partial_fingerprints: Fingerprints {
            location: locate::fnv1a(&[&f.rule, &f.locator]),
        },
        related_locations: f
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| Related {
                id: i + 1,
                message: Text { text: &l.message },
                physical_location: places.physical(l.file, l.span),
            })
            .collect(),
        rule_id: &f.rule,
        rule_index: index.get(f.rule.as_ref()).copied(),
        suppressions: f.suppression.as_ref().map(|s| {
            [Suppressed {
                justification: s.reason.as_deref(),
                kind: if s.external { "external" } else { "inSource" },
            }]
        }),
    }
}

/// The log, written a result at a time.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let metas: Vec<&meta::RuleMeta> = report.catalog.metas().collect();
    let index: std::collections::HashMap<&str, usize> = metas
        .iter()
        .enumerate()
        .rev()
        .map(|(i, m)| (m.name.as_ref(), i))
        .collect();
    // Suppressed findings are results too, marked as suppressed in source, so code scanning
    // shows them as dismissed instead of losing track of them.
    let all: Vec<&crate::model::Finding> =
        report.findings.iter().chain(&report.suppressed).collect();
    let places = Places::new(report);
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
            "invocations": [invocation(&places, &metas)],
            "columnKind": "utf16CodeUnits",
            "results": super::ITEMS,
        }],
    });
    super::write_with_items(out, &doc, "results", &all, |f| result(&places, &index, f))
}

#[cfg(test)]
mod tests {
    #[test]
    fn uri_encodes_unsafe_characters() {
        assert_eq!(super::uri("a b/ç.yaml"), "a%20b/%C3%A7.yaml");
        assert_eq!(super::uri("deploy/x-1_y.yml"), "deploy/x-1_y.yml");
    }
}
