//! 责任清单: the government departments pressed on elder-care duties, each
//! duty linked to the catalog items it concerns. A reference set (24
//! departments, 108 duties) ships with the app; an official one is imported
//! from a spreadsheet the same way as the catalog.

pub mod import;
pub mod reference;
mod store;

pub use store::{department_list, store_departments, DepartmentOutcome};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Department {
    pub id: String,
    pub name: String,
    /// 政府部门, 群团组织 or 其他.
    pub kind: String,
    pub position: u32,
    pub duties: Vec<Duty>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Duty {
    pub id: String,
    pub text: String,
    /// Codes of the catalog items this duty concerns (S01, I07 …).
    pub item_codes: Vec<String>,
}

/// Departments as read from a file, before they are stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDepartment {
    pub name: String,
    pub kind: String,
    pub duties: Vec<ParsedDuty>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDuty {
    pub text: String,
    pub item_codes: Vec<String>,
}
