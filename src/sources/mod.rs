//! Source formats: classifying files and parsing them into `Node` trees and objects.
//! Every format maps onto the same tree (section → key → value for the flat formats), so
//! rules, suppressions and positions work the same way everywhere.

pub mod classify;
pub mod diagnostics;
pub mod edit;
pub mod embedded;
pub mod gotemplate;
pub mod grafana;
pub mod k6;
pub mod pgbouncer;
pub mod prometheus;
pub mod promql;
pub mod properties;
pub mod redis;
pub mod resolve;
pub mod scalar_offsets;
pub mod strimzi;
pub mod yaml;

use crate::model::{FileId, Finding, Format, Node, Object, SourceFile, Span, Value};
use diagnostics::{duplicate_key, parse_error, template_skipped};
use std::path::Path;

/// Something wrong with a source that is reported but does not stop the rest of the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    Syntax {
        span: Span,
        message: String,
    },
    Limit {
        span: Span,
        message: String,
    },
    DuplicateKey {
        key: String,
        first: Span,
        second: Span,
    },
}

impl std::fmt::Display for Problem {
    /// The problem in words, without its place (callers say where).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Syntax { message, .. } => write!(f, "invalid YAML: {message}"),
            Problem::Limit { message, .. } => f.write_str(message),
            Problem::DuplicateKey { key, .. } => write!(f, "key `{key}` is set twice"),
        }
    }
}

/// A comment, kept for suppressions (`# scalelint-disable-next-line …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The whole comment, marker included.
    pub span: Span,
    /// The text after the comment marker (`#`, `;`, `!`), trimmed.
    pub text: String,
}

/// What a flat-format parser (INI, redis.conf, .properties) produces: one tree per file.
#[derive(Debug)]
pub struct FlatParsed {
    pub root: Node,
    pub problems: Vec<Problem>,
    pub comments: Vec<Comment>,
}

/// A file after parsing: its text (for rendering), its objects and its source findings.
#[derive(Debug)]
pub struct LoadedFile {
    pub source: SourceFile,
    pub objects: Vec<Object>,
    pub findings: Vec<Finding>,
    pub comments: Vec<Comment>,
}

#[cfg(test)]
impl FlatParsed {
    /// Property tests: every comment and problem span lies within `text`, on char
    /// boundaries (each parser checks its own tree's spans).
    pub(crate) fn assert_side_spans_within(&self, text: &str) {
        let ok = |s: Span| {
            s.start <= s.end
                && s.end <= text.len()
                && text.is_char_boundary(s.start)
                && text.is_char_boundary(s.end)
        };
        let problems = self.problems.iter().flat_map(|p| match p {
            Problem::Syntax { span, .. } | Problem::Limit { span, .. } => vec![*span],
            Problem::DuplicateKey { first, second, .. } => vec![*first, *second],
        });
        let spans = self.comments.iter().map(|c| c.span).chain(problems);
        for s in spans {
            assert!(ok(s), "{s:?} in {text:?}");
        }
    }
}

impl LoadedFile {
    /// A file that could not be read or decoded: one finding, nothing else.
    pub fn failed(path: String, finding: Finding) -> LoadedFile {
        LoadedFile {
            source: SourceFile::new(path, String::new()),
            objects: Vec::new(),
            findings: vec![finding],
            comments: Vec::new(),
        }
    }
}

fn problem_finding(file: FileId, format: &str, p: Problem) -> Finding {
    match p {
        Problem::Syntax { span, message } => parse_error::syntax(file, span, format, &message),
        Problem::Limit { span, message } => parse_error::limit(file, span, &message),
        Problem::DuplicateKey { key, first, second } => {
            duplicate_key::finding(file, format, &key, first, second)
        }
    }
}

/// What the caller does with the objects of each document as it is parsed: given the file,
/// the document's objects (full trees) and its findings so far (parse problems, to which it
/// may add), it returns what to keep of the objects. The engine runs the per-object rules
/// here and keeps projections, so a file's trees never all exist at once.
pub type Sink<'s> = dyn FnMut(&SourceFile, Vec<Object>, &mut Vec<Finding>) -> Vec<Object> + 's;

/// Parse `text` (named `path`, of name-kind `kind`) into objects, reporting source problems
/// as findings. A file that is not of a format we lint yields nothing.
pub fn load(file: FileId, path: String, text: String, kind: classify::Kind) -> LoadedFile {
    load_each(file, path, text, kind, &mut |_, objects, _| objects)
}

/// [`load`], passing each document's objects through `sink` as soon as they are parsed.
pub fn load_each(
    file: FileId,
    path: String,
    text: String,
    kind: classify::Kind,
    sink: &mut Sink<'_>,
) -> LoadedFile {
    let (decided, kafka) = classify::decide_parsing(kind, Path::new(&path), &text);
    let mut loaded = LoadedFile {
        source: SourceFile::new(path, text),
        objects: Vec::new(),
        findings: Vec::new(),
        comments: Vec::new(),
    };
    match decided {
        classify::Decided::Yaml => load_yaml(file, true, &mut loaded, sink),
        classify::Decided::YamlIfValid => load_yaml(file, false, &mut loaded, sink),
        classify::Decided::PgBouncer => {
            let parsed = pgbouncer::parse(&loaded.source.text);
            load_flat(
                file,
                Format::PgBouncer,
                "PgBouncerConfig",
                "pgbouncer.ini",
                parsed,
                &mut loaded,
                sink,
            );
        }
        classify::Decided::Redis => {
            let parsed = redis::parse(&loaded.source.text);
            let kind = if redis::is_sentinel(&loaded.source.path, &parsed.root) {
                "SentinelConfig"
            } else {
                "RedisConfig"
            };
            load_flat(
                file,
                Format::Redis,
                kind,
                "redis.conf",
                parsed,
                &mut loaded,
                sink,
            );
        }
        classify::Decided::Kafka => {
            let parsed = kafka.unwrap_or_else(|| properties::parse(&loaded.source.text));
            load_flat(
                file,
                Format::Kafka,
                "KafkaConfig",
                ".properties",
                parsed,
                &mut loaded,
                sink,
            );
        }
        classify::Decided::K6 => {
            let parsed = k6::parse(&loaded.source.path, &loaded.source.text);
            let findings = parsed
                .problems
                .into_iter()
                .map(|p| problem_finding(file, "JavaScript", p))
                .collect();
            let object = k6::object(file, &loaded.source.path, parsed.root);
            loaded.comments = parsed.comments;
            deliver(&mut loaded, vec![object], findings, sink);
        }
        classify::Decided::Skip => {}
    }
    loaded
}

/// The objects of one document: Kubernetes objects (and list items), a Prometheus rule file,
/// and what Strimzi resources, PrometheusRules and KEDA triggers carry (Kafka configuration,
/// rule groups, PromQL queries), which is linted as Kafka and Prometheus too; and the config
/// files ConfigMaps and Secrets embed (`embedded`), with their parse problems as findings and
/// their comments (for suppressions), placed in `text`.
fn document_objects(
    file: FileId,
    root: Node,
    text: &str,
) -> (Vec<Object>, Vec<Finding>, Vec<Comment>) {
    let mut collected = Vec::new();
    collect_objects(file, root, &mut collected);
    let mut findings = Vec::new();
    let mut comments = Vec::new();
    let mut derived = Vec::new();
    let mut objects = Vec::with_capacity(collected.len());
    for o in collected {
        derived.extend(
            strimzi::kafka_config(&o)
                .or_else(|| prometheus::derived(&o))
                .or_else(|| embedded::pgbouncer_of(&o)),
        );
        let e = embedded::of(text, &o);
        findings.extend(
            e.problems
                .into_iter()
                .map(|(format, p)| problem_finding(file, format, p)),
        );
        comments.extend(e.comments);
        // An embedded file before its ConfigMap: a place inside it is located (`locate`, the
        // first object holding it) in the file, not in the ConfigMap.
        objects.extend(e.objects);
        objects.push(o);
    }
    objects.extend(derived);
    (objects, findings, comments)
}

/// Hand `objects` and `findings` to the sink and keep what it returns.
fn deliver(
    out: &mut LoadedFile,
    objects: Vec<Object>,
    mut findings: Vec<Finding>,
    sink: &mut Sink<'_>,
) {
    let kept = sink(&out.source, objects, &mut findings);
    out.objects.extend(kept);
    out.findings.append(&mut findings);
}

fn yaml_findings(file: FileId, problems: &[Problem]) -> Vec<Finding> {
    problems
        .iter()
        .map(|p| problem_finding(file, "YAML", p.clone()))
        .collect()
}

fn load_yaml(file: FileId, report_errors: bool, out: &mut LoadedFile, sink: &mut Sink<'_>) {
    let limits = yaml::Limits::default();
    let text = out.source.text.as_str();
    // Template detection needs every string's span, and a file that is linted only if it is
    // valid YAML is dropped on any syntax error: both read the whole file first.
    if !report_errors || text.contains("{{") {
        let parsed = yaml::parse(text, limits);
        if !report_errors
            && parsed
                .problems
                .iter()
                .any(|p| matches!(p, Problem::Syntax { .. }))
        {
            return;
        }
        if let Some(at) = template_skipped::detect(text, &parsed) {
            out.findings.push(template_skipped::finding(file, at));
            return;
        }
        let mut comments = yaml::comments(text, &parsed);
        let mut findings = yaml_findings(file, &parsed.problems);
        let mut objects = Vec::new();
        for d in parsed.documents {
            let (o, f, c) = document_objects(file, d.root, text);
            objects.extend(o);
            findings.extend(f);
            comments.extend(c);
        }
        out.comments = comments;
        deliver(out, objects, findings, sink);
        return;
    }
    // Document by document: each document's problems and objects go to the sink as soon as
    // it is complete, and its tree is gone before the next one is built.
    let source = &out.source;
    let mut objects_kept = Vec::new();
    let mut findings_kept = Vec::new();
    let mut reported = 0;
    let mut embedded_comments = Vec::new();
    let parsed = yaml::parse_each(text, limits, &mut |d, problems| {
        let mut findings = yaml_findings(file, problems.get(reported..).unwrap_or_default());
        reported = problems.len();
        let (objects, embedded_findings, comments) = document_objects(file, d.root, text);
        findings.extend(embedded_findings);
        embedded_comments.extend(comments);
        objects_kept.extend(sink(source, objects, &mut findings));
        findings_kept.append(&mut findings);
    });
    // Problems after the last complete document (a syntax error loses its document).
    let mut findings = yaml_findings(file, parsed.problems.get(reported..).unwrap_or_default());
    if !findings.is_empty() {
        objects_kept.extend(sink(source, Vec::new(), &mut findings));
        findings_kept.append(&mut findings);
    }
    out.comments = yaml::comments(text, &parsed);
    out.comments.append(&mut embedded_comments);
    out.objects = objects_kept;
    out.findings = findings_kept;
}

/// A flat config file is one object, named after the file; findings about a missing key
/// point at line 1.
fn load_flat(
    file: FileId,
    format: Format,
    kind: &str,
    format_name: &str,
    parsed: FlatParsed,
    out: &mut LoadedFile,
    sink: &mut Sink<'_>,
) {
    let findings: Vec<Finding> = parsed
        .problems
        .into_iter()
        .map(|p| problem_finding(file, format_name, p))
        .collect();
    let path = out.source.path.as_str();
    let name = Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
        .to_string();
    let object = Object {
        file,
        format,
        api_version: String::new(),
        kind: kind.to_string(),
        name: Some(name),
        namespace: String::new(),
        root: parsed.root,
        anchor: Some(Span::point(0)),
    };
    out.comments = parsed.comments;
    deliver(out, vec![object], findings, sink);
}

/// A document with `apiVersion` and `kind` is a Kubernetes object; the items of a `List` are
/// objects too. A document with neither is a Grafana dashboard when it has `schemaVersion`
/// and `panels`, a Prometheus rule file when its root has a `groups` list. Other documents
/// are skipped.
fn collect_objects(file: FileId, root: Node, out: &mut Vec<Object>) {
    let (Some(api_version), Some(kind)) = (
        root.get("apiVersion")
            .and_then(Node::as_str)
            .map(str::to_owned),
        root.get("kind").and_then(Node::as_str).map(str::to_owned),
    ) else {
        if root.get("apiVersion").is_none() && root.get("kind").is_none() {
            if grafana::is_dashboard(&root) {
                out.extend(grafana::dashboard(file, root));
            } else {
                out.extend(prometheus::rule_file(file, root));
            }
        }
        return;
    };
    // `kind: List` (and typed lists like `DeploymentList`, as `kubectl get -o yaml` writes).
    let is_list = kind.ends_with("List") && root.get("items").and_then(Node::as_seq).is_some();
    if is_list {
        if let Value::Map(entries) = root.value {
            for e in entries {
                if e.key.text() == Some("items")
                    && let Value::Seq(items) = e.value.value
                {
                    for item in items {
                        collect_objects(file, item, out);
                    }
                }
            }
        }
        return;
    }
    let metadata = root.get("metadata");
    let name = metadata
        .and_then(|m| m.get("name"))
        .and_then(Node::text)
        .map(str::to_owned);
    let namespace = metadata
        .and_then(|m| m.get("namespace"))
        .and_then(Node::text)
        .filter(|s| !s.is_empty())
        .unwrap_or("default")
        .to_owned();
    out.push(Object {
        file,
        format: Format::Kubernetes,
        api_version,
        kind,
        name,
        namespace,
        root,
        anchor: None,
    });
}

/// Decode file bytes. Invalid UTF-8 is a `parse-error` at the first bad byte.
pub fn decode(file: FileId, bytes: Vec<u8>) -> Result<String, Box<Finding>> {
    // UTF-16 with a byte order mark (Windows editors write it): decoded, since lines and
    // columns are counted in characters, not bytes of the file.
    let utf16 = match bytes.get(..2) {
        Some([0xff, 0xfe]) => Some(u16::from_le_bytes as fn([u8; 2]) -> u16),
        Some([0xfe, 0xff]) => Some(u16::from_be_bytes as fn([u8; 2]) -> u16),
        _ => None,
    };
    if let Some(unit) = utf16 {
        // An odd byte count is a truncated file, not text: refuse it rather than drop the byte.
        if !bytes.len().is_multiple_of(2) {
            return Err(Box::new(parse_error::encoding(file, 0)));
        }
        let units = bytes.get(2..).unwrap_or_default().chunks_exact(2).map(|c| {
            unit([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        });
        return char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| Box::new(parse_error::encoding(file, 0)));
    }
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            // A byte order mark is not content, and editors do not count it in columns.
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => Err(Box::new(parse_error::encoding(
            file,
            e.utf8_error().valid_up_to(),
        ))),
    }
}

#[cfg(test)]
mod decode_tests {
    use super::decode;

    #[test]
    fn utf8_bom_is_dropped_and_utf16_is_decoded() {
        assert_eq!(decode(0, b"\xef\xbb\xbfa: 1\n".to_vec()).unwrap(), "a: 1\n");
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("a: é\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(0, le).unwrap(), "a: é\n");
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain("a: 1\n".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(0, be).unwrap(), "a: 1\n");
        // A lone surrogate is not text.
        assert!(decode(0, vec![0xff, 0xfe, 0x00, 0xd8]).is_err());
        // A truncated code unit is not silently dropped.
        assert!(decode(0, vec![0xff, 0xfe, b'a', 0, b':']).is_err());
        assert!(decode(0, vec![b'a', 0xff]).is_err());
    }
}
