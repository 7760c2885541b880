//! What HPAs and ScaledObjects have in common: each scales one workload between a minimum
//! and a maximum, on metrics.

use super::hpa::{Hpa, UtilizationTarget};
use super::keda::ScaledObject;
use super::kind::Kind;
use super::object::TargetRef;
use super::values::Effective;
use crate::model::{Node, Object};

/// What kind of autoscaler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutoscalerKind {
    Hpa,
    ScaledObject,
}

/// A replica bound of an autoscaler (`minReplicas`, `maxReplicaCount`…) in force.
pub type Replicas<'a> = Effective<'a, i64>;

/// An HPA or a KEDA ScaledObject.
#[derive(Clone, Copy, Debug)]
pub struct Autoscaler<'a> {
    pub obj: &'a Object,
    pub kind: AutoscalerKind,
}

impl<'a> Autoscaler<'a> {
    /// `obj` as an autoscaler, if it is an HPA or a ScaledObject.
    pub fn of(obj: &'a Object) -> Option<Autoscaler<'a>> {
        let kind = match Kind::of(obj)? {
            Kind::HorizontalPodAutoscaler => AutoscalerKind::Hpa,
            Kind::ScaledObject => AutoscalerKind::ScaledObject,
            _ => return None,
        };
        Some(Autoscaler { obj, kind })
    }

    pub fn is_hpa(&self) -> bool {
        self.kind == AutoscalerKind::Hpa
    }

    /// The HPA view, when it is one.
    pub fn hpa(&self) -> Option<Hpa<'a>> {
        self.is_hpa().then_some(Hpa { obj: self.obj })
    }

    /// The ScaledObject view, when it is one.
    pub fn scaled_object(&self) -> Option<ScaledObject<'a>> {
        (self.kind == AutoscalerKind::ScaledObject).then_some(ScaledObject { obj: self.obj })
    }

    /// The field that holds the minimum: `minReplicas`, `minReplicaCount`.
    pub fn min_field(&self) -> &'static str {
        match self.kind {
            AutoscalerKind::Hpa => "minReplicas",
            AutoscalerKind::ScaledObject => "minReplicaCount",
        }
    }

    /// The field that holds the maximum: `maxReplicas`, `maxReplicaCount`.
    pub fn max_field(&self) -> &'static str {
        match self.kind {
            AutoscalerKind::Hpa => "maxReplicas",
            AutoscalerKind::ScaledObject => "maxReplicaCount",
        }
    }

    /// The effective minimum: `minReplicas` (absent ⇒ 1) of an HPA, `minReplicaCount`
    /// (absent ⇒ 0) of a ScaledObject. `None` when the written value is not an integer.
    pub fn min_replicas(&self) -> Option<Replicas<'a>> {
        match self.kind {
            AutoscalerKind::Hpa => Hpa { obj: self.obj }.effective_min_replicas(),
            AutoscalerKind::ScaledObject => ScaledObject { obj: self.obj }.min_replica_count(),
        }
    }

    /// The effective maximum: `maxReplicas` of an HPA (required: `None` when absent),
    /// `maxReplicaCount` (absent ⇒ 100) of a ScaledObject. `None` when not an integer.
    pub fn max_replicas(&self) -> Option<Replicas<'a>> {
        match self.kind {
            AutoscalerKind::Hpa => Hpa { obj: self.obj }.max_replicas(),
            AutoscalerKind::ScaledObject => ScaledObject { obj: self.obj }.max_replica_count(),
        }
    }

    /// The workload it scales.
    pub fn scale_target_ref(&self) -> Option<TargetRef> {
        match self.kind {
            AutoscalerKind::Hpa => Hpa { obj: self.obj }.scale_target_ref(),
            AutoscalerKind::ScaledObject => ScaledObject { obj: self.obj }.scale_target_ref(),
        }
    }

    /// The API group of `scaleTargetRef.apiVersion` (`apps/v1` → `apps`); `None` when it is
    /// not written.
    pub fn target_group(&self) -> Option<&'a str> {
        self.obj
            .root
            .path(&["spec", "scaleTargetRef", "apiVersion"])
            .and_then(Node::as_str)
            .map(|v| v.rsplit_once('/').map_or("", |(g, _)| g))
    }

    /// The cpu/memory Utilization targets it scales on: an HPA's metrics (with Kubernetes'
    /// defaults), a ScaledObject's cpu/memory triggers.
    pub fn utilization_targets(&self) -> Vec<UtilizationTarget<'a>> {
        match self.kind {
            AutoscalerKind::Hpa => Hpa { obj: self.obj }.utilization_targets(),
            AutoscalerKind::ScaledObject => ScaledObject { obj: self.obj }.utilization_targets(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::test_support::object;

    #[test]
    fn defaults_differ_by_kind() {
        let hpa = object(
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n",
        );
        let a = Autoscaler::of(&hpa).unwrap();
        assert_eq!(a.min_replicas(), Some(Effective::defaulted(1)));
        assert_eq!(a.max_replicas().map(|m| m.value), Some(5));
        assert_eq!(a.target_group(), Some("apps"));
        assert_eq!(
            (a.min_field(), a.max_field()),
            ("minReplicas", "maxReplicas")
        );
        let so = object(
            "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {name: web}\n",
        );
        let a = Autoscaler::of(&so).unwrap();
        assert_eq!(a.min_replicas(), Some(Effective::defaulted(0)));
        assert_eq!(a.max_replicas(), Some(Effective::defaulted(100)));
        assert_eq!(a.target_group(), None);
        let vpa = object(
            "apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {name: web}\n",
        );
        assert!(Autoscaler::of(&vpa).is_none());
    }
}
