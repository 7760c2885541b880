//! Source formats: classifying files and parsing them into `Node` trees and objects.

pub mod classify;
pub mod resolve;
pub mod yaml;

use crate::model::{FileId, Finding, Format, Node, Object, SourceFile, Value};
use crate::rules::source::{duplicate_key, parse_error, template_skipped};

/// A file after parsing: its text (for rendering), its objects and its source findings.
#[derive(Debug)]
pub struct LoadedFile {
    pub source: SourceFile,
    pub objects: Vec<Object>,
    pub findings: Vec<Finding>,
}

/// Parse `text` as `format` into objects, reporting source problems as findings.
pub fn load(file: FileId, path: String, text: String, format: classify::Kind) -> LoadedFile {
    let mut findings = Vec::new();
    let mut objects = Vec::new();
    match format {
        classify::Kind::Yaml => {
            let parsed = yaml::parse(&text, yaml::Limits::default());
            if let Some(at) = template_skipped::detect(&text, &parsed) {
                findings.push(template_skipped::finding(file, at));
            } else {
                for p in parsed.problems {
                    findings.push(match p {
                        yaml::Problem::Syntax { span, message } => {
                            parse_error::syntax(file, span, &message)
                        }
                        yaml::Problem::Limit { span, message } => {
                            parse_error::limit(file, span, &message)
                        }
                        yaml::Problem::DuplicateKey { key, first, second } => {
                            duplicate_key::finding(file, &key, first, second)
                        }
                    });
                }
                for (doc, d) in parsed.documents.into_iter().enumerate() {
                    collect_objects(file, doc, d.root, &mut objects);
                }
            }
        }
    }
    LoadedFile {
        source: SourceFile::new(path, text),
        objects,
        findings,
    }
}

/// A document with `apiVersion` and `kind` is a Kubernetes object; the items of a `List` are
/// objects too. Other documents are not Kubernetes and are skipped.
fn collect_objects(file: FileId, doc: usize, root: Node, out: &mut Vec<Object>) {
    let (Some(api_version), Some(kind)) = (
        root.get("apiVersion")
            .and_then(Node::as_str)
            .map(str::to_owned),
        root.get("kind").and_then(Node::as_str).map(str::to_owned),
    ) else {
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
                        collect_objects(file, doc, item, out);
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
        doc,
        format: Format::Kubernetes,
        api_version,
        kind,
        name,
        namespace,
        root,
    });
}

/// Decode file bytes. Invalid UTF-8 is a `parse-error` at the first bad byte.
pub fn decode(file: FileId, bytes: Vec<u8>) -> Result<String, Box<Finding>> {
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
