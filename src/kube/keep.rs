//! Which fields of an object a view reads. Each view declares them beside the methods that
//! read them (`Workload::FIELDS`…), and the index keeps only those of each object once its
//! per-object rules have run (`engine::projection`), so a view that starts reading a field
//! keeps it. Fields that only methods marked "per-object rules only" read are left out: the
//! index's projections are most of a large run's memory, and no cross-resource rule needs
//! them (`projections_do_not_change_findings` fails if one starts to).

/// The part of a node a view reads.
#[derive(Clone, Copy, Debug)]
pub enum Keep {
    /// The whole subtree.
    All,
    /// The listed keys of a mapping, each with its own part (other shapes are kept whole: a
    /// rule may report that `spec.metrics` is not a list).
    Fields(&'static [(&'static str, Keep)]),
    /// Every item of a sequence, each with this part.
    Items(&'static Keep),
}

impl Keep {
    pub const NOTHING: Keep = Keep::Fields(&[]);

    /// What is read under `key` of a mapping; `None` when nothing is (or this reads the
    /// whole node, or a sequence's items).
    pub fn field(self, key: &str) -> Option<Keep> {
        match self {
            Keep::Fields(fields) => fields.iter().find(|(name, _)| *name == key).map(|f| f.1),
            Keep::All | Keep::Items(_) => None,
        }
    }
}
