//! Config files embedded in Kubernetes objects: a ConfigMap's `data` key (or a Secret's
//! `stringData` key) holding a `redis.conf`, `sentinel.conf`, `pgbouncer.ini` or Kafka
//! `.properties` is parsed by that format's parser and linted by its rules. Every span of the
//! embedded tree, of its parse problems and of its comments is moved from the scalar's
//! content to the YAML file (`scalar_offsets`), so findings and suppression comments sit at
//! the exact line and column inside a block, folded or quoted scalar.

use super::classify::{self, Decided};
use super::scalar_offsets::ContentMap;
use super::{Comment, FlatParsed, Problem, grafana, pgbouncer, properties, redis};
use crate::kube::Kind;
use crate::model::{Format, Node, Object, Span, Value};
use std::path::Path;

/// What the embedded files of one object give: objects, and their parse problems (with the
/// format name that findings use) and comments, all at places in the YAML file.
#[derive(Debug, Default)]
pub struct Embedded {
    pub objects: Vec<Object>,
    pub problems: Vec<(&'static str, Problem)>,
    pub comments: Vec<Comment>,
}

/// The embedded config files of `obj` (a ConfigMap's `data`, a Secret's `stringData`), read
/// from `src`, the YAML file's text.
pub fn of(src: &str, obj: &Object) -> Embedded {
    let mut out = Embedded::default();
    let field = match Kind::of(obj) {
        Some(Kind::ConfigMap) => "data",
        Some(Kind::Secret) => "stringData",
        _ => return out,
    };
    let Some(entries) = obj.root.get(field).and_then(Node::as_map) else {
        return out;
    };
    for e in entries {
        let (Some(key), Some(value)) = (e.key.text(), e.value.as_scalar()) else {
            continue;
        };
        let name = Path::new(key);
        if let Some(board) = dashboard(src, obj, e) {
            out.objects.push(board);
            continue;
        }
        // A key with a config file's extension is decided as that file would be; any other
        // key only by its content (a script or a JSON document classifies as none).
        let kind = classify::by_name(name).unwrap_or(classify::Kind::Unknown);
        let (format, format_name, parsed) = match classify::decide(kind, name, &value.text) {
            Decided::PgBouncer => (
                Format::PgBouncer,
                "pgbouncer.ini",
                pgbouncer::parse(&value.text),
            ),
            Decided::Redis => (Format::Redis, "redis.conf", redis::parse(&value.text)),
            Decided::Kafka => (Format::Kafka, ".properties", properties::parse(&value.text)),
            Decided::Yaml | Decided::YamlIfValid | Decided::K6 | Decided::Skip => continue,
        };
        let map = Placer {
            map: ContentMap::of(src, &e.value),
            whole: e.value.span,
        };
        let FlatParsed {
            mut root,
            problems,
            comments,
        } = parsed;
        map.node(&mut root);
        // The embedded file spans its key too, where findings about a missing setting point.
        root.span = e.key.span.cover(e.value.span);
        let kind = match format {
            Format::PgBouncer => "PgBouncerConfig",
            Format::Redis if redis::is_sentinel(key, &root) => "SentinelConfig",
            Format::Redis => "RedisConfig",
            _ => "KafkaConfig",
        };
        out.problems
            .extend(problems.into_iter().map(|p| (format_name, map.problem(p))));
        out.comments.extend(comments.into_iter().map(|c| Comment {
            span: map.span(c.span),
            text: c.text,
        }));
        let mut config = obj.derived(format, kind, root, e.key.span);
        // A missing directive is said at the key that holds the file; the file is given by
        // name, and related files (a `sentinel.conf` for a `redis.conf`) are looked for in
        // the same namespace: the same ConfigMap, or another one beside it.
        config.name = Some(key.to_string());
        out.objects.push(config);
    }
    out
}

/// A Grafana dashboard a ConfigMap key holds as JSON (`*.json`, as Grafana's sidecar and the
/// kube-prometheus manifests write them), placed in the YAML file: findings sit at the exact
/// place inside a block scalar, at the value where the string's escapes are not modelled.
fn dashboard(src: &str, obj: &Object, e: &crate::model::Entry) -> Option<Object> {
    let key = e.key.text()?;
    let text = &e.value.as_scalar()?.text;
    if !key.ends_with(".json") || !text.trim_start().starts_with('{') {
        return None;
    }
    let mut root = super::yaml::parse(text, super::yaml::Limits::default())
        .documents
        .into_iter()
        .next()?
        .root;
    if !grafana::is_dashboard(&root) {
        return None;
    }
    let map = Placer {
        map: ContentMap::of(src, &e.value),
        whole: e.value.span,
    };
    map.node(&mut root);
    let board = grafana::dashboard(obj.file, root)?;
    let mut derived = obj.derived(
        Format::Prometheus,
        grafana::DASHBOARD,
        board.root,
        e.key.span,
    );
    derived.name = board.name.or_else(|| Some(key.to_string()));
    derived.anchor = board.anchor;
    Some(derived)
}

/// The PgBouncer configuration a PostgreSQL operator's resource carries, as a PgBouncer
/// object whose nodes keep their places in the YAML (as Strimzi's Kafka configuration):
/// a `PostgresCluster`'s (or `PerconaPGCluster`'s) `spec.proxy.pgBouncer.config.global`
/// over PgBouncer's defaults (kind `PgBouncerConfig`, judged by every PgBouncer rule), or the
/// mode of a Zalando `postgresql`'s pooler, a CloudNativePG `Pooler` or a KubeDB `PgBouncer` (kind
/// `PgBouncerPooler`: the operator sets the rest, so only the mode is judged).
pub fn pgbouncer_of(obj: &Object) -> Option<Object> {
    use crate::kube::operators::{CnpgPooler, KubedbPgBouncer, PgoCluster, ZalandoPostgresql};
    use crate::model::Entry;
    let section = |span: Span, value: Node| Node {
        span,
        value: Value::Map(vec![Entry {
            key: Node::string(span, "pgbouncer"),
            value,
        }]),
    };
    let empty = |span: Span| Node {
        span,
        value: Value::Map(Vec::new()),
    };
    // A pooler's mode, written under the name PgBouncer gives it.
    let pool_mode = |mode: &Node| Node {
        span: mode.span,
        value: Value::Map(vec![Entry {
            key: Node::string(mode.span, "pool_mode"),
            value: mode.clone(),
        }]),
    };
    let (kind, root, anchor) = if let Some(c) = PgoCluster::of(obj) {
        let (global, at) = c.pgbouncer_global()?;
        let settings = match global {
            Some(g) if g.as_map().is_some() => g.clone(),
            _ => empty(at),
        };
        ("PgBouncerConfig", section(at, settings), at)
    } else if let Some(p) = CnpgPooler::of(obj) {
        // Absent, the mode is CloudNativePG's default, `session`: judged as PgBouncer's.
        let at = p.pgbouncer()?.key.span;
        let settings = p.pool_mode().map_or_else(|| empty(at), pool_mode);
        ("PgBouncerPooler", section(at, settings), at)
    } else if let Some(p) = KubedbPgBouncer::of(obj) {
        // Absent, the mode is KubeDB's default, `session`.
        let (mode, at) = p.pool_mode()?;
        let settings = mode.map_or_else(|| empty(at), pool_mode);
        ("PgBouncerPooler", section(at, settings), at)
    } else {
        let mode = ZalandoPostgresql::of(obj)?.pooler_mode()?;
        (
            "PgBouncerPooler",
            section(mode.span, pool_mode(mode)),
            mode.span,
        )
    };
    Some(obj.derived(Format::PgBouncer, kind, root, anchor))
}

/// Moves spans of a scalar's content to the file.
struct Placer {
    /// `None` when the scalar's decoding is not modelled: every place is then the value.
    map: Option<ContentMap>,
    whole: Span,
}

impl Placer {
    fn span(&self, s: Span) -> Span {
        match &self.map {
            Some(m) => m.span(s.start, s.end),
            None => self.whole,
        }
    }

    fn node(&self, node: &mut Node) {
        node.span = self.span(node.span);
        match &mut node.value {
            Value::Scalar(_) => {}
            Value::Seq(items) => items.iter_mut().for_each(|n| self.node(n)),
            Value::Map(entries) => {
                for e in entries {
                    self.node(&mut e.key);
                    self.node(&mut e.value);
                }
            }
        }
    }

    fn problem(&self, p: Problem) -> Problem {
        match p {
            Problem::Syntax { span, message } => Problem::Syntax {
                span: self.span(span),
                message,
            },
            Problem::Limit { span, message } => Problem::Limit {
                span: self.span(span),
                message,
            },
            Problem::DuplicateKey { key, first, second } => Problem::DuplicateKey {
                key,
                first: self.span(first),
                second: self.span(second),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::yaml;

    fn embedded(text: &str) -> Embedded {
        let root = yaml::parse(text, yaml::Limits::default())
            .documents
            .remove(0)
            .root;
        let obj = Object {
            file: 0,
            format: Format::Kubernetes,
            api_version: "v1".into(),
            kind: root.get("kind").and_then(Node::text).unwrap_or("").into(),
            name: Some("x".into()),
            namespace: "cache".into(),
            root,
            anchor: None,
        };
        of(text, &obj)
    }

    #[test]
    fn a_redis_conf_key_is_placed_inside_its_block_scalar() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: redis\ndata:\n  redis.conf: |\n    # scalelint-disable-next-line redis-maxmemory\n    maxmemory 0\n    maxmemory-policy volatile-lru\n";
        let e = embedded(text);
        let obj = e.objects.first().expect("one embedded object");
        assert_eq!(
            (obj.format, obj.kind.as_str()),
            (Format::Redis, "RedisConfig")
        );
        assert_eq!(obj.namespace, "cache");
        let value = obj.root.path(&["maxmemory"]).or_else(|| {
            obj.root
                .as_map()?
                .iter()
                .find(|x| x.key.text() == Some("maxmemory"))
                .map(|x| &x.value)
        });
        let at = text.find("maxmemory 0").unwrap();
        let key_span = obj
            .root
            .as_map()
            .and_then(|m| m.iter().find(|x| x.key.text() == Some("maxmemory")))
            .map(|x| x.key.span)
            .unwrap();
        assert_eq!(key_span, Span::new(at, at + "maxmemory".len()), "{value:?}");
        let comment = e.comments.first().unwrap();
        assert_eq!(&text[comment.span.start..comment.span.start + 1], "#");
        assert_eq!(
            obj.anchor,
            Some(Span::new(
                text.find("redis.conf").unwrap(),
                text.find("redis.conf").unwrap() + 10
            ))
        );
    }

    #[test]
    fn keys_are_decided_by_name_then_content() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  init.sh: |\n    #!/bin/sh\n    echo hi\n  sentinel.conf: \"sentinel monitor m 10.0.0.1 6379 2\\n\"\n  app.yaml: \"a: 1\"\n  pgbouncer.ini: \"[pgbouncer]\\npool_mode = session\\n\"\n";
        let e = embedded(text);
        let kinds: Vec<&str> = e.objects.iter().map(|o| o.kind.as_str()).collect();
        assert_eq!(kinds, ["SentinelConfig", "PgBouncerConfig"]);
    }

    #[test]
    fn a_secret_string_data_key_is_read_but_not_its_base64_data() {
        let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  server.properties: |-\n    default.replication.factor=2\ndata:\n  redis.conf: bWF4bWVtb3J5IDA=\n";
        let e = embedded(text);
        assert_eq!(e.objects.len(), 1);
        assert_eq!(e.objects[0].kind, "KafkaConfig");
    }
}
