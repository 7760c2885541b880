//! The one list of the Kubernetes kinds scalelint understands, with the API groups each is
//! recognised in.

use super::keep::Keep;
use crate::model::{Format, Object};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Deployment,
    StatefulSet,
    HorizontalPodAutoscaler,
    ScaledObject,
    ScaledJob,
    VerticalPodAutoscaler,
    PodDisruptionBudget,
    /// Strimzi's Kafka cluster, whose `spec.kafka.config` is linted as Kafka configuration.
    Kafka,
    /// Strimzi's topic, linted as a topic's configuration.
    KafkaTopic,
    /// prometheus-operator's rule groups, linted as Prometheus rules.
    PrometheusRule,
    /// Its `data` keys may hold config files (`redis.conf`, `pgbouncer.ini`, …), linted as such.
    ConfigMap,
    /// Its `stringData` keys may hold config files, as a ConfigMap's `data`.
    Secret,
    /// CrunchyData PGO's PostgreSQL cluster (instances, PgBouncer; `kube::operators`).
    PostgresCluster,
    /// Percona's fork of PGO's cluster, with the same `spec.proxy.pgBouncer`.
    PerconaPGCluster,
    /// Zalando's PostgreSQL cluster (`kind: postgresql`), with its connection pooler.
    ZalandoPostgresql,
    /// CloudNativePG's PgBouncer deployment (`kind: Pooler`).
    CnpgPooler,
    /// KubeDB's PgBouncer (`kubedb.com`, `kind: PgBouncer`).
    KubedbPgBouncer,
}

impl Kind {
    pub const ALL: [Kind; 17] = [
        Kind::Deployment,
        Kind::StatefulSet,
        Kind::HorizontalPodAutoscaler,
        Kind::ScaledObject,
        Kind::ScaledJob,
        Kind::VerticalPodAutoscaler,
        Kind::PodDisruptionBudget,
        Kind::Kafka,
        Kind::KafkaTopic,
        Kind::PrometheusRule,
        Kind::ConfigMap,
        Kind::Secret,
        Kind::PostgresCluster,
        Kind::PerconaPGCluster,
        Kind::ZalandoPostgresql,
        Kind::CnpgPooler,
        Kind::KubedbPgBouncer,
    ];

    /// The workloads the workload rules judge.
    pub const WORKLOADS: [Kind; 2] = [Kind::Deployment, Kind::StatefulSet];

    /// The kinds the cross-resource index relates.
    pub const INDEXED: [Kind; 6] = [
        Kind::Deployment,
        Kind::StatefulSet,
        Kind::HorizontalPodAutoscaler,
        Kind::ScaledObject,
        Kind::VerticalPodAutoscaler,
        Kind::PodDisruptionBudget,
    ];

    /// The `kind` as written.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Deployment => "Deployment",
            Kind::StatefulSet => "StatefulSet",
            Kind::HorizontalPodAutoscaler => "HorizontalPodAutoscaler",
            Kind::ScaledObject => "ScaledObject",
            Kind::ScaledJob => "ScaledJob",
            Kind::VerticalPodAutoscaler => "VerticalPodAutoscaler",
            Kind::PodDisruptionBudget => "PodDisruptionBudget",
            Kind::Kafka => "Kafka",
            Kind::KafkaTopic => "KafkaTopic",
            Kind::PrometheusRule => "PrometheusRule",
            Kind::ConfigMap => "ConfigMap",
            Kind::Secret => "Secret",
            Kind::PostgresCluster => "PostgresCluster",
            Kind::PerconaPGCluster => "PerconaPGCluster",
            Kind::ZalandoPostgresql => "postgresql",
            Kind::CnpgPooler => "Pooler",
            Kind::KubedbPgBouncer => "PgBouncer",
        }
    }

    /// The API groups the kind is recognised in (`""` is the core group).
    pub fn groups(self) -> &'static [&'static str] {
        match self {
            Kind::Deployment | Kind::StatefulSet => &["apps"],
            Kind::HorizontalPodAutoscaler => &["autoscaling"],
            Kind::ScaledObject | Kind::ScaledJob => &["keda.sh"],
            Kind::VerticalPodAutoscaler => &["autoscaling.k8s.io"],
            // Besides `policy`, the core group: `apiVersion: v1` is a common slip (Polaris'
            // own fixtures make it) and the intent is plain.
            Kind::PodDisruptionBudget => &["policy", ""],
            Kind::Kafka | Kind::KafkaTopic => &["kafka.strimzi.io"],
            Kind::PrometheusRule => &["monitoring.coreos.com"],
            Kind::ConfigMap | Kind::Secret => &[""],
            Kind::PostgresCluster => &["postgres-operator.crunchydata.com"],
            Kind::PerconaPGCluster => &["pgv2.percona.com"],
            Kind::ZalandoPostgresql => &["acid.zalan.do"],
            Kind::CnpgPooler => &["postgresql.cnpg.io"],
            Kind::KubedbPgBouncer => &["kubedb.com"],
        }
    }

    fn named(kind: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == kind)
    }

    /// The kind of a Kubernetes object, if scalelint understands it: its `kind` in one of the
    /// kind's groups. Objects of other formats (a flat config, what a Strimzi resource or a
    /// PrometheusRule carries) are none.
    pub fn of(obj: &Object) -> Option<Kind> {
        if obj.format != Format::Kubernetes {
            return None;
        }
        let kind = Kind::named(&obj.kind)?;
        kind.groups().contains(&obj.group()).then_some(kind)
    }

    /// Whether `obj` is of this kind (without `of`'s search of every kind).
    pub fn is(self, obj: &Object) -> bool {
        obj.format == Format::Kubernetes
            && obj.kind == self.name()
            && self.groups().contains(&obj.group())
    }

    /// A workload the workload rules judge (Deployment, StatefulSet).
    pub fn is_workload(self) -> bool {
        Kind::WORKLOADS.contains(&self)
    }

    /// What the view of this kind reads of an object, for the index's projections; nothing
    /// for kinds the index does not relate.
    pub fn fields(self) -> Keep {
        match self {
            Kind::Deployment | Kind::StatefulSet => super::Workload::FIELDS,
            Kind::HorizontalPodAutoscaler => super::Hpa::FIELDS,
            Kind::ScaledObject => super::ScaledObject::FIELDS,
            Kind::VerticalPodAutoscaler => super::Vpa::FIELDS,
            Kind::PodDisruptionBudget => super::Pdb::FIELDS,
            Kind::ScaledJob
            | Kind::Kafka
            | Kind::KafkaTopic
            | Kind::PrometheusRule
            | Kind::ConfigMap
            | Kind::Secret => Keep::NOTHING,
            Kind::PostgresCluster | Kind::PerconaPGCluster => super::operators::PGO_FIELDS,
            Kind::ZalandoPostgresql => super::operators::ZALANDO_FIELDS,
            Kind::CnpgPooler => super::operators::CNPG_FIELDS,
            Kind::KubedbPgBouncer => super::operators::KUBEDB_FIELDS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::test_support::object;

    #[test]
    fn kinds_are_recognised_in_their_groups() {
        let of = |api: &str, kind: &str| {
            Kind::of(&object(&format!(
                "apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x}}\n"
            )))
        };
        assert_eq!(of("apps/v1", "Deployment"), Some(Kind::Deployment));
        assert_eq!(of("extensions/v1beta1", "Deployment"), None);
        assert_eq!(
            of("autoscaling/v1", "HorizontalPodAutoscaler"),
            Some(Kind::HorizontalPodAutoscaler)
        );
        assert_eq!(
            of("keda.sh/v1alpha1", "ScaledObject"),
            Some(Kind::ScaledObject)
        );
        assert_eq!(
            of("policy/v1", "PodDisruptionBudget"),
            Some(Kind::PodDisruptionBudget)
        );
        assert_eq!(
            of("v1", "PodDisruptionBudget"),
            Some(Kind::PodDisruptionBudget)
        );
        assert_eq!(of("v1", "Service"), None);
        for k in Kind::ALL {
            assert_eq!(Kind::named(k.name()), Some(k));
        }
    }
}
