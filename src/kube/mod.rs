//! Kubernetes' meaning of the objects scalelint understands, written once: which kinds they
//! are, typed views over their span-carrying trees, and the defaults and arithmetic of the
//! controllers that act on them (the Deployment controller's rounding, the HPA's scale-down
//! behavior, KEDA's replica counts, label selectors, target references).
//!
//! Per-object rules, the cross-resource index and the index's projections all read objects
//! through these views, so two places cannot disagree on a default. A view borrows its object
//! and costs nothing to make. A value comes with the node it was read from, for positions;
//! [`Effective`] values say when Kubernetes' default applies instead. A null reads as absent
//! everywhere (`Node::get`), as Kubernetes' decoders read it.
//!
//! Layering: this module imports only `crate::model` (its tests also parse with
//! `crate::sources`), so sources, the engine and rules may all use it. Message text belongs
//! to the rules, not here.

pub mod autoscaler;
pub mod behavior;
pub mod hpa;
pub mod keda;
pub mod keep;
pub mod kind;
pub mod object;
pub mod operators;
pub mod pdb;
pub mod quantity;
pub mod selector;
pub mod values;
pub mod vpa;
pub mod workload;

pub use autoscaler::{Autoscaler, AutoscalerKind, Replicas};
pub use behavior::{RateOrigin, ScaleDown, ScaleDownRate, ScaleDownWindow, Select};
pub use hpa::{Defaulted, Hpa, UtilizationTarget};
pub use keda::ScaledObject;
pub use keep::Keep;
pub use kind::Kind;
pub use object::{Key, TargetRef, same_object};
pub use pdb::Pdb;
pub use quantity::Quantity;
pub use selector::{Labels, Requirement, Selector};
pub use values::{Effective, IntOrPercent, Resource, Written, int_value};
pub use vpa::Vpa;
pub use workload::{Amount, Bounds, Container, Fenceposts, Strategy, Workload};

#[cfg(test)]
pub(crate) mod test_support {
    use crate::model::Object;

    /// The first object of a YAML text, as scalelint loads it.
    pub fn object(text: &str) -> Object {
        let loaded = crate::sources::load(
            0,
            "t.yaml".into(),
            text.into(),
            crate::sources::classify::Kind::Yaml,
        );
        loaded.objects.into_iter().next().expect("an object")
    }

    /// The text of a YAML snippet at `span`.
    pub fn slice(text: &str, span: crate::model::Span) -> &str {
        text.get(span.start..span.end).unwrap_or("")
    }
}
