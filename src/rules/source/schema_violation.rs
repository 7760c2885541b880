//! `schema-violation`: an object of a kind we have a schema for breaks it (unknown field,
//! wrong type, bad enum value, missing required field), or uses an `apiVersion` that is not
//! served for its kind. One finding per problem, at the key or value it is about, worded for
//! people, with the closest valid name when a field or value looks misspelt.

use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::{Entry, Node, Object, Resolved, Span, Value};
use crate::schema::{self, Lookup, Problem, Resolver, Seg, Violation};

crate::declare_rule!(object SchemaViolation: "source" / "schema-violation");

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SchemaViolation {}

impl ObjectRule for SchemaViolation {
    fn target(&self) -> Target<'_> {
        Target::objects("*", schema::KINDS)
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let obj = cx.obj;
        match schema::lookup(&obj.api_version, &obj.kind) {
            Lookup::Skip => {}
            Lookup::NotServed { served, by, why } => {
                let span = obj.root.get("apiVersion").map_or(obj.root.span, |n| n.span);
                let shown = quoted(&obj.api_version);
                let message = match why {
                    Some(why) => {
                        format!("apiVersion {shown} is not served for {}: {why}", obj.kind)
                    }
                    None => format!(
                        "apiVersion {shown} is not served for {}; {by} serves it as {served}",
                        obj.kind
                    ),
                };
                let f = cx
                    .finding(span, message)
                    .with_label("not served")
                    .with_help(format!(
                        "use `apiVersion: {served}` and adapt the object to it (its schema is then checked too)"
                    ));
                cx.emit(f);
            }
            Lookup::Validate(s) => {
                let mut at = Resolver::new(&obj.root);
                for v in s.validate(&obj.root) {
                    let f = describe(cx, obj, &mut at, &v);
                    cx.emit(f);
                }
            }
        }
    }
}

/// A name or value for a message: quoted and escaped, shortened when very long.
fn quoted(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() > MAX {
        let head: String = s.chars().take(MAX - 1).collect();
        format!("{:?}", format!("{head}…"))
    } else {
        format!("{s:?}")
    }
}

/// `Deployment spec.template.spec.containers[0]`: where in the object `path` is.
fn place(kind: &str, path: &[Seg]) -> String {
    let mut out = kind.to_string();
    for (i, seg) in path.iter().enumerate() {
        match seg {
            Seg::Key(k) => {
                let plain = !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if !plain {
                    out.push_str(&format!("[{}]", quoted(k)));
                } else if i == 0 {
                    out.push(' ');
                    out.push_str(k);
                } else {
                    out.push('.');
                    out.push_str(k);
                }
            }
            Seg::Index(n) => out.push_str(&format!("[{n}]")),
        }
    }
    out
}

/// `field "maxReplicas" in HorizontalPodAutoscaler spec`, `item 0 in … args`.
fn describe_value(kind: &str, path: &[Seg]) -> String {
    match path.split_last() {
        Some((Seg::Key(k), parent)) => format!("field {} in {}", quoted(k), place(kind, parent)),
        Some((Seg::Index(n), parent)) => format!("item {n} in {}", place(kind, parent)),
        None => kind.to_string(),
    }
}

fn article(t: &str) -> &'static str {
    match t {
        "integer" | "object" | "array" => "an",
        _ => "a",
    }
}

/// "an integer", "a mapping", in YAML's words.
fn type_phrase(t: &str) -> String {
    let word = match t {
        "object" => "mapping",
        "array" => "list",
        other => other,
    };
    let art = if word == "integer" {
        "an"
    } else {
        article(word)
    };
    format!("{art} {word}")
}

fn expected_phrase(expected: &[&str]) -> String {
    let words: Vec<String> = expected.iter().map(|t| type_phrase(t)).collect();
    match words.split_last() {
        None => "of another type".to_string(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// What a node is, with its value: `the string "10"`, `a mapping`.
fn found_phrase(node: &Node) -> String {
    match &node.value {
        Value::Map(_) => "a mapping".to_string(),
        Value::Seq(_) => "a list".to_string(),
        Value::Scalar(s) => match s.resolved() {
            Resolved::Null => "no value (null)".to_string(),
            Resolved::Bool(b) => format!("the boolean {b}"),
            Resolved::Int(i) => format!("the integer {i}"),
            Resolved::Float(_) => format!("the number {}", s.text),
            Resolved::Str => format!("the string {}", quoted(&s.text)),
        },
    }
}

/// Where a finding about a mapping or list item points: its `name` key, else its first key,
/// else the item itself (the `- name:` convention for containers).
fn item_span(node: &Node) -> Span {
    match node.as_map() {
        Some(entries) => node
            .entry("name")
            .or_else(|| entries.first())
            .map_or(node.span, |e: &Entry| e.key.span),
        None => node.span,
    }
}

/// Where a finding about the value at `path` points: a scalar itself; a collection (or an
/// empty value) at its key, or its first key when it is a list item.
fn value_span(obj: &Object, at: &mut Resolver<'_>, path: &[Seg]) -> Span {
    match at.resolve(path) {
        Some((node, entry)) => {
            let scalar = node.as_scalar().is_some() && !node.span.is_empty();
            match entry {
                _ if scalar => node.span,
                Some(e) => e.key.span,
                None if path.is_empty() => obj.anchor_span(),
                None => item_span(node),
            }
        }
        None => obj.anchor_span(),
    }
}

/// Where a finding about a field missing from the object at `path` points: that object's
/// key (the nearest ancestor that exists), its `- name:` entry when it is a list item.
fn missing_span(obj: &Object, at: &mut Resolver<'_>, path: &[Seg]) -> Span {
    match at.resolve(path) {
        Some((_, Some(e))) => e.key.span,
        Some((node, None)) if !path.is_empty() => item_span(node),
        _ => obj.anchor_span(),
    }
}

fn list(options: &[String]) -> String {
    let shown: Vec<String> = options
        .iter()
        .filter(|o| !o.is_empty())
        .map(|o| quoted(o))
        .collect();
    match shown.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

fn describe(
    cx: &Ctx<'_>,
    obj: &Object,
    at: &mut Resolver<'_>,
    v: &Violation,
) -> crate::model::Finding {
    let kind = obj.kind.as_str();
    let path = v.path.as_slice();
    let node = at.resolve(path).map(|(n, _)| n);
    let text = node.and_then(Node::text).unwrap_or_default();
    match &v.problem {
        Problem::UnknownField {
            suggestion,
            suggestion_required,
        } => {
            let (name, parent) = match path.split_last() {
                Some((Seg::Key(k), parent)) => (k.as_str(), parent),
                _ => ("", path),
            };
            let span = match at.resolve(path) {
                Some((_, Some(e))) => e.key.span,
                _ => value_span(obj, at, path),
            };
            let mut message = format!("unknown field {} in {}", quoted(name), place(kind, parent));
            match suggestion {
                Some(s) => {
                    message.push_str(&format!("; did you mean {}?", quoted(s)));
                    let required = if *suggestion_required {
                        ", the required field that is missing"
                    } else {
                        ""
                    };
                    cx.finding(span, message)
                        .with_label(format!("did you mean {}?", quoted(s)))
                        .with_help(format!("rename it to {}{required}", quoted(s)))
                }
                None => cx
                    .finding(span, message)
                    .with_label("unknown field")
                    .with_help(format!(
                        "remove it, or check its spelling and indentation: {} {} has no such field here",
                        obj.api_version, kind
                    )),
            }
        }
        Problem::Required { field } => cx
            .finding(
                missing_span(obj, at, path),
                format!(
                    "required field {} is missing in {}",
                    quoted(field),
                    place(kind, path)
                ),
            )
            .with_label(format!("{} is required here", quoted(field)))
            .with_help(format!("add {}", quoted(field))),
        Problem::Type { expected } => {
            let want = expected_phrase(expected);
            let found = node.map_or_else(|| "another type".to_string(), found_phrase);
            let mut f = cx
                .finding(
                    value_span(obj, at, path),
                    format!(
                        "{} must be {want}, found {found}",
                        describe_value(kind, path)
                    ),
                )
                .with_label(format!("expected {want}"));
            let scalar = node.and_then(Node::as_scalar);
            let wants_number = expected.iter().any(|t| *t == "integer" || *t == "number");
            if let Some(s) = scalar {
                if wants_number && s.resolved() == Resolved::Str && s.is_quoted() {
                    f = f.with_help(format!(
                        "remove the quotes: Kubernetes reads {} as a string",
                        quoted(&s.text)
                    ));
                } else if expected.as_slice() == ["string"]
                    && matches!(
                        s.resolved(),
                        Resolved::Int(_) | Resolved::Float(_) | Resolved::Bool(_)
                    )
                {
                    f = f.with_help(format!("quote it: \"{}\"", s.text.replace('"', "\\\"")));
                }
            }
            f
        }
        Problem::Enum {
            options,
            suggestion,
        } => {
            let mut message = format!(
                "{} is {}, not one of {}",
                describe_value(kind, path),
                quoted(text),
                list(options)
            );
            let help = match suggestion {
                Some(s) => {
                    message.push_str(&format!("; did you mean {}?", quoted(s)));
                    format!("use {}", quoted(s))
                }
                None => format!("use one of {}", list(options)),
            };
            cx.finding(value_span(obj, at, path), message)
                .with_label("not a valid value")
                .with_help(help)
        }
        Problem::Pattern { pattern } if is_quantity(pattern) => cx
            .finding(
                value_span(obj, at, path),
                format!(
                    "{} is {}, which is not a Kubernetes quantity",
                    describe_value(kind, path),
                    quoted(text)
                ),
            )
            .with_label("not a quantity")
            .with_help(
                "write a number with an optional suffix, such as 500m, 2, 512Mi or 1Gi \
                 (binary Ki, Mi, Gi, Ti; decimal k, M, G, T; m is thousandths)",
            ),
        Problem::Pattern { pattern } => cx
            .finding(
                value_span(obj, at, path),
                format!(
                    "{} is {}, which does not match the pattern {pattern}",
                    describe_value(kind, path),
                    quoted(text)
                ),
            )
            .with_label("does not match"),
        Problem::Minimum { limit, exclusive } => {
            let bound = if *exclusive {
                format!("it must be greater than {limit}")
            } else {
                format!("the minimum is {limit}")
            };
            cx.finding(
                value_span(obj, at, path),
                format!("{} is {text}; {bound}", describe_value(kind, path)),
            )
            .with_label("too small")
        }
        Problem::Maximum { limit, exclusive } => {
            let bound = if *exclusive {
                format!("it must be less than {limit}")
            } else {
                format!("the maximum is {limit}")
            };
            cx.finding(
                value_span(obj, at, path),
                format!("{} is {text}; {bound}", describe_value(kind, path)),
            )
            .with_label("too large")
        }
        Problem::MinItems { limit } => {
            let n = node.and_then(Node::as_seq).map_or(0, <[Node]>::len);
            cx.finding(
                value_span(obj, at, path),
                format!(
                    "{} has {n} item{}; at least {limit} {} needed",
                    describe_value(kind, path),
                    if n == 1 { "" } else { "s" },
                    if *limit == 1 { "is" } else { "are" }
                ),
            )
            .with_label("too few items")
        }
        Problem::MaxItems { limit } => {
            let n = node.and_then(Node::as_seq).map_or(0, <[Node]>::len);
            cx.finding(
                value_span(obj, at, path),
                format!(
                    "{} has {n} items; at most {limit} are allowed",
                    describe_value(kind, path)
                ),
            )
            .with_label("too many items")
        }
        Problem::MinLength { limit } => cx
            .finding(
                value_span(obj, at, path),
                format!(
                    "{} is {}; it needs at least {limit} characters",
                    describe_value(kind, path),
                    quoted(text)
                ),
            )
            .with_label("too short"),
        Problem::MaxLength { limit } => cx
            .finding(
                value_span(obj, at, path),
                format!(
                    "{} is longer than {limit} characters",
                    describe_value(kind, path)
                ),
            )
            .with_label("too long"),
        Problem::Other { message } => cx
            .finding(
                value_span(obj, at, path),
                format!("{} is invalid: {message}", describe_value(kind, path)),
            )
            .with_label("invalid"),
    }
}

/// Kubernetes' resource.Quantity pattern (as the CRDs and our generated schemas spell it).
fn is_quantity(pattern: &str) -> bool {
    pattern.starts_with(r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_read_like_paths() {
        let p = [
            Seg::Key("spec".into()),
            Seg::Key("containers".into()),
            Seg::Index(0),
            Seg::Key("resources".into()),
        ];
        assert_eq!(
            place("Deployment", &p),
            "Deployment spec.containers[0].resources"
        );
        assert_eq!(place("Deployment", &[]), "Deployment");
        let labels = [
            Seg::Key("metadata".into()),
            Seg::Key("labels".into()),
            Seg::Key("app.kubernetes.io/name".into()),
        ];
        assert_eq!(
            describe_value("Deployment", &labels),
            "field \"app.kubernetes.io/name\" in Deployment metadata.labels"
        );
        assert_eq!(
            expected_phrase(&["string", "integer"]),
            "a string or an integer"
        );
        assert_eq!(expected_phrase(&["object"]), "a mapping");
    }

    #[test]
    fn long_names_are_shortened() {
        let long = "x".repeat(500);
        assert!(quoted(&long).chars().count() < 70);
    }
}
