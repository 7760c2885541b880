//! Objects: the unit rules look at. A Kubernetes document, or (later) a whole flat config file.

use super::node::Node;
use super::span::Span;

/// Index of a file in the run's sorted file list.
pub type FileId = usize;

/// What a file was recognised as.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, bincode::Encode, bincode::Decode,
)]
pub enum Format {
    /// YAML or JSON holding Kubernetes objects.
    Kubernetes,
    /// `pgbouncer.ini`: one object per file.
    PgBouncer,
    /// `redis.conf` or `sentinel.conf`: one object per file.
    Redis,
    /// Kafka `.properties` (one object per file), or the config of a Strimzi custom resource.
    Kafka,
    /// Prometheus rule groups (a rule file, or a PrometheusRule's `spec`), or the PromQL
    /// queries of a KEDA ScaledObject's `prometheus` triggers, or a Grafana dashboard.
    Prometheus,
    /// A k6 load-test script: what its `options` hold, and the metrics it declares.
    K6,
}

#[derive(Clone, Debug, bincode::Encode, bincode::Decode)]
pub struct Object {
    pub file: FileId,
    pub format: Format,
    pub api_version: String,
    pub kind: String,
    pub name: Option<String>,
    /// `metadata.namespace`, `default` when absent.
    pub namespace: String,
    pub root: Node,
    /// Where findings about the whole object, or about a field missing at its top level,
    /// point when that is not `metadata.name`: line 1 of a flat config file, the `config`
    /// key of a Strimzi resource.
    pub anchor: Option<Span>,
}

impl Object {
    /// Where a finding about the whole object points: its `metadata.name` value, else
    /// `metadata`, else `kind`, else the document.
    pub fn anchor_span(&self) -> Span {
        if let Some(a) = self.anchor {
            return a;
        }
        if let Some(n) = self.root.path(&["metadata", "name"]) {
            return n.span;
        }
        if let Some(e) = self.root.entry("metadata") {
            return e.key.span;
        }
        self.root.get("kind").map_or(self.root.span, |k| k.span)
    }

    /// Where a finding about a missing field at `path` points: the key of the deepest
    /// ancestor that exists (missing `spec.minReplicas` → `spec`), else [`Self::anchor_span`].
    pub fn missing_span(&self, path: &[&str]) -> Span {
        self.root
            .nearest_written(path)
            .unwrap_or_else(|| self.anchor_span())
    }

    /// An object this one carries, linted in another format (a Strimzi resource's Kafka
    /// configuration, a ConfigMap's `redis.conf`): same file, version, name and namespace.
    pub fn derived(&self, format: Format, kind: &str, root: Node, anchor: Span) -> Object {
        Object {
            file: self.file,
            format,
            api_version: self.api_version.clone(),
            kind: kind.to_string(),
            name: self.name.clone(),
            namespace: self.namespace.clone(),
            root,
            anchor: Some(anchor),
        }
    }

    /// The API group of `apiVersion` (`apps/v1` → `apps`; `v1` → the core group, `""`).
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }
}
