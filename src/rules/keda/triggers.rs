//! Until the rule files read the views themselves: the trigger helpers they used, now in
//! `kube::keda`.

use crate::model::{Node, Object};

pub use crate::kube::keda::trigger_type;

pub fn triggers(obj: &Object) -> &[Node] {
    crate::kube::ScaledObject { obj }.triggers()
}
