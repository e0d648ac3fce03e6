//! 任务分配: which inspection group (检查组, e.g. 第一组) inspects which
//! targets — a county/district as a whole, one facility or one department —
//! and when it plans to. The supervisor records it and it reaches the
//! inspectors' laptops in the sync bundles like every other record.
//!
//! An assignment is identified by (group, target kind, target): its id is a
//! natural id of the three, so two supervisors who make the same assignment
//! make the same record, and their bundles merge instead of clashing. Making
//! it again changes its planned date and note. Removing it is a delete that
//! travels as such.
//!
//! The list says how far each assignment got, from the inspections on record
//! (of any group): a facility's or department's inspections and the latest
//! date; for a county, the inspections of its facilities and of its
//! government, and how many of its facilities have been inspected at least once.
//!
//! Left out: teams and members of a group (an inspection names its leader and
//! members), and any rule that only the assigned group may inspect a target.

mod store;

pub use store::{assign, groups, list, remove};

use serde::{Deserialize, Serialize};

use crate::vocabulary::vocabulary;

/// Limits on what a person types.
pub mod limits {
    /// A group's name, as an inspection's group is limited.
    pub const GROUP: usize = crate::inspection::limits::NAME;
    pub const NOTE: usize = 500;
}

vocabulary! {
    /// What an assignment covers.
    AssignmentTargetKind {
        County => "county", "县（市、区）", "county/district", ["县区", "县市区", "县级"];
        Facility => "facility", "机构", "facility", ["养老机构", "检查对象"];
        Department => "department", "部门", "department", ["职能部门", "政府部门"];
    }
}

/// An assignment as the supervisor makes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewAssignment {
    /// The inspection group, e.g. 第一组.
    pub group: String,
    pub target_kind: AssignmentTargetKind,
    /// The county's or department's id or exact name, or the facility's id.
    pub target_id: String,
    /// YYYY-MM-DD; may lie ahead.
    #[ts(optional)]
    pub planned_date: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// One assignment with its target's names and how far its inspection got.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export, rename = "AssignmentRow")]
pub struct Assignment {
    pub id: String,
    pub group: String,
    pub target_kind: AssignmentTargetKind,
    pub target_id: String,
    /// The county's, facility's or department's name.
    pub target_name: String,
    /// The county the target lies in (the county itself for a county); none for a department.
    pub county_id: Option<String>,
    pub county: Option<String>,
    pub planned_date: Option<String>,
    pub note: String,
    /// Inspections on record of the target — for a county, of its facilities and its government.
    pub inspections: u32,
    /// The date of the latest of them.
    pub last_inspected: Option<String>,
    /// For a county: its registered facilities.
    pub facilities: Option<u32>,
    /// For a county: how many of its facilities have at least one inspection.
    pub facilities_inspected: Option<u32>,
    pub created_at: String,
    pub updated_at: String,
}

/// Which assignments [`list`] shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct AssignmentFilter {
    #[ts(optional)]
    pub group: Option<String>,
    /// A county's id or name: its own assignment and those of its facilities.
    #[ts(optional)]
    pub county: Option<String>,
}
