//! PodDisruptionBudgets: which pods, and how many may go.

use super::keep::Keep;
use super::kind::Kind;
use super::selector::Selector;
use super::values::{IntOrPercent, Written};
use crate::model::{Node, Object};

/// A PodDisruptionBudget.
#[derive(Clone, Copy, Debug)]
pub struct Pdb<'a> {
    pub obj: &'a Object,
}

impl<'a> Pdb<'a> {
    /// What the methods below read.
    pub const FIELDS: Keep = Keep::Fields(&[(
        "spec",
        Keep::Fields(&[
            ("selector", Keep::All),
            ("minAvailable", Keep::All),
            ("maxUnavailable", Keep::All),
        ]),
    )]);

    /// `obj` as a PDB, if it is one.
    pub fn of(obj: &'a Object) -> Option<Pdb<'a>> {
        Kind::PodDisruptionBudget.is(obj).then_some(Pdb { obj })
    }

    /// `spec.selector`. An empty selector selects every pod of the namespace in policy/v1
    /// and none in policy/v1beta1.
    pub fn selector(&self) -> Selector {
        let empty_matches_all = self.obj.api_version != "policy/v1beta1";
        Selector::parse(self.obj.root.path(&["spec", "selector"]), empty_matches_all)
    }

    /// `spec.minAvailable`, when written as a count or a percentage.
    pub fn min_available(&self) -> Option<Written<'a, IntOrPercent>> {
        self.int_or_percent("minAvailable")
    }

    /// `spec.maxUnavailable`, when written as a count or a percentage.
    pub fn max_unavailable(&self) -> Option<Written<'a, IntOrPercent>> {
        self.int_or_percent("maxUnavailable")
    }

    fn int_or_percent(&self, field: &str) -> Option<Written<'a, IntOrPercent>> {
        let node: &Node = self.obj.root.path(&["spec", field])?;
        Some(Written {
            value: IntOrPercent::parse(node)?,
            node,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::test_support::object;

    fn pdb(api: &str, spec: &str) -> Object {
        object(&format!(
            "apiVersion: {api}\nkind: PodDisruptionBudget\nmetadata: {{name: p}}\nspec:\n{spec}"
        ))
    }

    #[test]
    fn an_empty_selector_depends_on_the_version() {
        let sel = |api| Pdb::of(&pdb(api, "  selector: {}\n")).unwrap().selector();
        assert_eq!(sel("policy/v1"), Selector::Everything);
        assert_eq!(sel("policy/v1beta1"), Selector::Nothing);
        let obj = pdb("policy/v1", "  selector:\n");
        assert_eq!(Pdb::of(&obj).unwrap().selector(), Selector::Nothing);
    }

    #[test]
    fn bounds_absent_null_and_set() {
        let obj = pdb("policy/v1", "  minAvailable: 50%\n  maxUnavailable:\n");
        let p = Pdb::of(&obj).unwrap();
        assert_eq!(
            p.min_available().map(|w| w.value),
            Some(IntOrPercent::Percent(50.0))
        );
        assert!(p.max_unavailable().is_none());
        let obj = pdb("policy/v1", "  maxUnavailable: 0\n  minAvailable: lots\n");
        let p = Pdb::of(&obj).unwrap();
        assert_eq!(
            p.max_unavailable().map(|w| w.value),
            Some(IntOrPercent::Int(0))
        );
        assert!(p.min_available().is_none());
    }
}
