//! PostgreSQL operators' custom resources, with the defaults each operator applies when a
//! field is absent (from the operators' own documentation and code):
//!
//! - CrunchyData PGO v5 `PostgresCluster` (`postgres-operator.crunchydata.com`), and Percona's
//!   fork `PerconaPGCluster` (`pgv2.percona.com`): `spec.instances[].replicas` defaults to 1
//!   (the CRD's `default: 1`); `spec.proxy.pgBouncer`, when present, deploys PgBouncer with
//!   `replicas` defaulting to 1, configured by `config.global` over PgBouncer's own defaults
//!   (PGO sets authentication, TLS and listen settings only, not `pool_mode` or pool sizes:
//!   `internal/pgbouncer/config.go`).
//! - Zalando `postgresql` (`acid.zalan.do`): `spec.numberOfInstances` (required); a connection
//!   pooler exists when `enableConnectionPooler` is true or `connectionPooler` is set, with
//!   `numberOfInstances` defaulting to 2 and `mode` to `transaction` (the operator
//!   configuration's `connection_pooler_number_of_instances` and `connection_pooler_mode`,
//!   docs/reference/operator_parameters.md).
//! - CloudNativePG `Pooler` (`postgresql.cnpg.io`): `spec.instances` defaults to 1 and
//!   `spec.pgbouncer.poolMode` to `session` (the CRD's `default`s, `api/v1/pooler_types.go`);
//!   `spec.pgbouncer.parameters` are written over CloudNativePG's own PgBouncer settings, so
//!   only the mode is judged.
//! - KubeDB `PgBouncer` (`kubedb.com`): `spec.replicas` defaults to 1 and
//!   `spec.connectionPool.poolMode` to `session` (KubeDB's `PgBouncerDefaultPoolMode`, set by
//!   its defaulting webhook); KubeDB's other pool defaults have changed between versions, so
//!   only the mode is judged.

use super::{Keep, Kind};
use crate::model::{Entry, Node, Object, Span};

/// One replica count an operator resource sets (or leaves to its default).
#[derive(Debug, Clone)]
pub struct OperatorReplicas<'a> {
    /// What runs with that count, as messages name it (`instance set \`pgha1\``).
    pub what: String,
    pub value: i64,
    /// The value as written; `None` when the operator's default applies.
    pub node: Option<&'a Node>,
    /// The field's name, as a fix would write it (`replicas`, `numberOfInstances`).
    pub field: &'static str,
    /// Where a finding about the default points: the nearest written ancestor.
    pub at: Span,
}

/// A CrunchyData-style cluster (`PostgresCluster`, `PerconaPGCluster`).
pub struct PgoCluster<'a> {
    obj: &'a Object,
}

/// What the index keeps of the operator resources (their replica counts).
pub const PGO_FIELDS: Keep = Keep::Fields(&[(
    "spec",
    Keep::Fields(&[
        (
            "instances",
            Keep::Items(&Keep::Fields(&[
                ("name", Keep::All),
                ("replicas", Keep::All),
            ])),
        ),
        (
            "proxy",
            Keep::Fields(&[("pgBouncer", Keep::Fields(&[("replicas", Keep::All)]))]),
        ),
    ]),
)]);

pub const ZALANDO_FIELDS: Keep = Keep::Fields(&[(
    "spec",
    Keep::Fields(&[
        ("numberOfInstances", Keep::All),
        ("enableConnectionPooler", Keep::All),
        (
            "connectionPooler",
            Keep::Fields(&[("numberOfInstances", Keep::All), ("mode", Keep::All)]),
        ),
    ]),
)]);

pub const CNPG_FIELDS: Keep = Keep::Fields(&[(
    "spec",
    Keep::Fields(&[("instances", Keep::All), ("pgbouncer", Keep::Fields(&[]))]),
)]);

pub const KUBEDB_FIELDS: Keep = Keep::Fields(&[(
    "spec",
    Keep::Fields(&[
        ("replicas", Keep::All),
        ("connectionPool", Keep::Fields(&[])),
    ]),
)]);

fn int(node: &Node) -> Option<i64> {
    node.as_i64()
}

/// The key span of entry `key` of `node`, if written.
fn key_span(node: &Node, key: &str) -> Option<Span> {
    node.entry(key).map(|e| e.key.span)
}

impl<'a> PgoCluster<'a> {
    pub fn of(obj: &'a Object) -> Option<PgoCluster<'a>> {
        (Kind::PostgresCluster.is(obj) || Kind::PerconaPGCluster.is(obj))
            .then_some(PgoCluster { obj })
    }

    /// `spec.proxy.pgBouncer`'s entry, when PgBouncer is deployed.
    pub fn pgbouncer(&self) -> Option<&'a Entry> {
        self.obj.root.path(&["spec", "proxy"])?.entry("pgBouncer")
    }

    /// `config.global` (absent: PgBouncer's defaults), and where a finding about a missing
    /// setting points: `global`, else `config`, else `pgBouncer`.
    pub fn pgbouncer_global(&self) -> Option<(Option<&'a Node>, Span)> {
        let pgb = self.pgbouncer()?;
        let config = pgb.value.get("config");
        let global = config.and_then(|c| c.get("global"));
        let at = config
            .and_then(|c| key_span(c, "global"))
            .or_else(|| key_span(&pgb.value, "config"))
            .unwrap_or(pgb.key.span);
        Some((global, at))
    }

    /// Every instance set's replicas, then PgBouncer's (default 1 each).
    pub fn replicas(&self) -> Vec<OperatorReplicas<'a>> {
        let mut out = Vec::new();
        let items = self
            .obj
            .root
            .path(&["spec", "instances"])
            .and_then(Node::as_seq)
            .unwrap_or_default();
        for (i, set) in items.iter().enumerate() {
            let name = set.get("name").and_then(Node::text);
            let what = match name {
                Some(n) => format!("instance set `{n}`"),
                None => format!("instance set {}", i + 1),
            };
            let node = set.get("replicas");
            let at = set
                .entry("name")
                .map(|e| e.key.span)
                .or_else(|| set.as_map().and_then(|m| m.first()).map(|e| e.key.span))
                .unwrap_or(Span::point(set.span.start));
            match node {
                Some(n) => {
                    if let Some(value) = int(n) {
                        out.push(OperatorReplicas {
                            what,
                            value,
                            node: Some(n),
                            field: "replicas",
                            at,
                        });
                    }
                }
                None => out.push(OperatorReplicas {
                    what,
                    value: 1,
                    node: None,
                    field: "replicas",
                    at,
                }),
            }
        }
        if let Some(pgb) = self.pgbouncer() {
            let node = pgb.value.get("replicas");
            if let Some(value) = node.map_or(Some(1), int) {
                out.push(OperatorReplicas {
                    what: "PgBouncer".to_string(),
                    value,
                    node,
                    field: "replicas",
                    at: pgb.key.span,
                });
            }
        }
        out
    }
}

/// A Zalando `postgresql`.
pub struct ZalandoPostgresql<'a> {
    obj: &'a Object,
}

impl<'a> ZalandoPostgresql<'a> {
    pub fn of(obj: &'a Object) -> Option<ZalandoPostgresql<'a>> {
        Kind::ZalandoPostgresql
            .is(obj)
            .then_some(ZalandoPostgresql { obj })
    }

    fn spec(&self) -> Option<&'a Node> {
        self.obj.root.get("spec")
    }

    /// `connectionPooler`'s entry, when a pooler is deployed (`enableConnectionPooler: true`
    /// or a `connectionPooler` section; `enableConnectionPooler: false` turns it off).
    pub fn pooler(&self) -> Option<(Option<&'a Entry>, Span)> {
        let spec = self.spec()?;
        let enabled = spec.get("enableConnectionPooler").and_then(Node::as_bool);
        let section = spec
            .entry("connectionPooler")
            .filter(|e| !e.value.is_null());
        match (enabled, section) {
            (Some(false), _) | (None, None) => None,
            (_, Some(e)) => Some((Some(e), e.key.span)),
            (Some(true), None) => Some((None, key_span(spec, "enableConnectionPooler")?)),
        }
    }

    /// The pooler's `mode` as written (the default, `transaction`, is not judged).
    pub fn pooler_mode(&self) -> Option<&'a Node> {
        self.pooler()?.0?.value.get("mode")
    }

    /// The database's `numberOfInstances`, then the pooler's (default 2).
    pub fn replicas(&self) -> Vec<OperatorReplicas<'a>> {
        let mut out = Vec::new();
        let Some(spec) = self.spec() else {
            return out;
        };
        if let Some(n) = spec.get("numberOfInstances")
            && let Some(value) = int(n)
        {
            out.push(OperatorReplicas {
                what: "the PostgreSQL cluster".to_string(),
                value,
                node: Some(n),
                field: "numberOfInstances",
                at: n.span,
            });
        }
        if let Some((section, at)) = self.pooler() {
            let node = section.and_then(|e| e.value.get("numberOfInstances"));
            if let Some(value) = node.map_or(Some(2), int) {
                out.push(OperatorReplicas {
                    what: "the connection pooler".to_string(),
                    value,
                    node,
                    field: "numberOfInstances",
                    at,
                });
            }
        }
        out
    }
}

/// A CloudNativePG `Pooler`.
pub struct CnpgPooler<'a> {
    obj: &'a Object,
}

impl<'a> CnpgPooler<'a> {
    pub fn of(obj: &'a Object) -> Option<CnpgPooler<'a>> {
        Kind::CnpgPooler.is(obj).then_some(CnpgPooler { obj })
    }

    /// `spec.pgbouncer`'s entry.
    pub fn pgbouncer(&self) -> Option<&'a Entry> {
        self.obj.root.get("spec")?.entry("pgbouncer")
    }

    /// `poolMode` as written (absent: `session`).
    pub fn pool_mode(&self) -> Option<&'a Node> {
        self.pgbouncer()?.value.get("poolMode")
    }

    /// `spec.instances` (default 1).
    pub fn replicas(&self) -> Vec<OperatorReplicas<'a>> {
        let Some(spec) = self.obj.root.get("spec") else {
            return Vec::new();
        };
        let node = spec.get("instances");
        let at = spec
            .entry("pgbouncer")
            .map(|e| e.key.span)
            .or_else(|| self.obj.root.entry("spec").map(|e| e.key.span))
            .unwrap_or(Span::point(0));
        match node.map_or(Some(1), int) {
            Some(value) => vec![OperatorReplicas {
                what: "the PgBouncer pooler".to_string(),
                value,
                node,
                field: "instances",
                at: node.map_or(at, |n| n.span),
            }],
            None => Vec::new(),
        }
    }
}

/// A KubeDB `PgBouncer`.
pub struct KubedbPgBouncer<'a> {
    obj: &'a Object,
}

impl<'a> KubedbPgBouncer<'a> {
    pub fn of(obj: &'a Object) -> Option<KubedbPgBouncer<'a>> {
        Kind::KubedbPgBouncer
            .is(obj)
            .then_some(KubedbPgBouncer { obj })
    }

    /// `poolMode` as written (absent: `session`), and where a finding about its absence
    /// points: `connectionPool`, else `spec`.
    pub fn pool_mode(&self) -> Option<(Option<&'a Node>, Span)> {
        let spec = self.obj.root.entry("spec")?;
        let pool = spec.value.entry("connectionPool");
        let mode = pool.and_then(|e| e.value.get("poolMode"));
        Some((mode, pool.map_or(spec.key.span, |e| e.key.span)))
    }

    /// `spec.replicas` (default 1).
    pub fn replicas(&self) -> Vec<OperatorReplicas<'a>> {
        let Some(spec) = self.obj.root.entry("spec") else {
            return Vec::new();
        };
        let node = spec.value.get("replicas");
        match node.map_or(Some(1), int) {
            Some(value) => vec![OperatorReplicas {
                what: "PgBouncer".to_string(),
                value,
                node,
                field: "replicas",
                at: node.map_or(spec.key.span, |n| n.span),
            }],
            None => Vec::new(),
        }
    }
}

/// The replica counts of an operator resource, if `obj` is one.
pub fn replicas(obj: &Object) -> Vec<OperatorReplicas<'_>> {
    if let Some(p) = KubedbPgBouncer::of(obj) {
        return p.replicas();
    }
    if let Some(p) = CnpgPooler::of(obj) {
        return p.replicas();
    }
    if let Some(c) = PgoCluster::of(obj) {
        return c.replicas();
    }
    if let Some(z) = ZalandoPostgresql::of(obj) {
        return z.replicas();
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources;

    fn object(text: &str) -> Object {
        sources::load(
            0,
            "x.yaml".into(),
            text.into(),
            sources::classify::Kind::Yaml,
        )
        .objects
        .remove(0)
    }

    #[test]
    fn pgo_defaults_are_one_replica_each() {
        let obj = object(
            "apiVersion: postgres-operator.crunchydata.com/v1beta1\nkind: PostgresCluster\nmetadata: {name: hippo}\nspec:\n  instances:\n    - name: a\n    - name: b\n      replicas: 3\n  proxy:\n    pgBouncer: {}\n",
        );
        let r = replicas(&obj);
        let got: Vec<(String, i64, bool)> = r
            .iter()
            .map(|r| (r.what.clone(), r.value, r.node.is_some()))
            .collect();
        assert_eq!(
            got,
            [
                ("instance set `a`".to_string(), 1, false),
                ("instance set `b`".to_string(), 3, true),
                ("PgBouncer".to_string(), 1, false),
            ]
        );
        let c = PgoCluster::of(&obj).unwrap();
        let (global, _) = c.pgbouncer_global().unwrap();
        assert!(global.is_none());
    }

    #[test]
    fn zalando_pooler_exists_when_enabled_or_configured() {
        let base = "apiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata: {name: acid}\nspec:\n  numberOfInstances: 1\n";
        let off = object(&format!("{base}  enableConnectionPooler: false\n"));
        assert_eq!(replicas(&off).len(), 1);
        let on = object(&format!("{base}  enableConnectionPooler: true\n"));
        let r = replicas(&on);
        assert_eq!((r.len(), r[1].value, r[1].node.is_none()), (2, 2, true));
        let set = object(&format!(
            "{base}  connectionPooler:\n    numberOfInstances: 1\n    mode: session\n"
        ));
        let z = ZalandoPostgresql::of(&set).unwrap();
        assert_eq!(z.pooler_mode().and_then(Node::text), Some("session"));
        assert_eq!(replicas(&set)[1].value, 1);
    }
}
