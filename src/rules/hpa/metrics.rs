//! Until the rule files read the views themselves: the utilization targets they used, now
//! in `kube::hpa`.

use crate::engine::index::Autoscaler;
use crate::model::Object;

pub use crate::kube::hpa::DEFAULT_CPU_UTILIZATION;
pub use crate::kube::{Defaulted, UtilizationTarget};

pub fn autoscaler_targets<'a>(a: &Autoscaler<'a>) -> Vec<UtilizationTarget<'a>> {
    a.utilization_targets()
}

pub fn utilization_targets(obj: &Object) -> Vec<UtilizationTarget<'_>> {
    crate::kube::Hpa { obj }.utilization_targets()
}
