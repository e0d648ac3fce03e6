//! The reference 责任清单 that ships with the app: `core/data/reference-departments.toml`.

use serde::Deserialize;

use super::{ParsedDepartment, ParsedDuty};
use crate::error::{Error, Problem, Reason, Result};

const FILE_NAME: &str = "reference-departments.toml";
const REFERENCE_TOML: &str = include_str!("../../data/reference-departments.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    department: Vec<Dept>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Dept {
    name: String,
    kind: String,
    duties: Vec<DutyRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DutyRow {
    text: String,
    items: Vec<String>,
}

/// The reference departments and duties.
pub fn reference_departments() -> Result<Vec<ParsedDepartment>> {
    parse_toml(REFERENCE_TOML, FILE_NAME)
}

pub fn parse_toml(text: &str, file_name: &str) -> Result<Vec<ParsedDepartment>> {
    let file: File = toml::from_str(text).map_err(|e| {
        Error::Input(vec![Problem::new(Reason::FileUnreadable(e.message().to_string())).file(file_name)])
    })?;
    Ok(file
        .department
        .into_iter()
        .map(|d| ParsedDepartment {
            name: d.name,
            kind: d.kind,
            duties: d.duties.into_iter().map(|t| ParsedDuty { text: t.text, item_codes: t.items }).collect(),
        })
        .collect())
}
