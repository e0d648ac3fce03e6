//! The registry of inspection targets: jurisdictions (city → county/district →
//! township/street) and facilities typed by the taxonomy of the source
//! (养老机构, 特困供养机构, 区域养老服务中心, 社区养老服务中心/站, village
//! stations, 医养结合机构). Departments live in [`crate::department`].
//!
//! Facilities are matched by (county, name): importing a ledger again updates
//! what changed and leaves the rest alone. Counties and townships named in a
//! ledger but not yet registered are created and reported, so a typo shows.

pub mod import;
mod store;

pub use store::{
    counties, facility_list, get_facility, jurisdictions, upsert_facilities, FacilityInput, FacilityQuery,
    UpsertReport,
};

use serde::{Deserialize, Serialize};

use crate::catalog::{OperatorType, TargetKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum JurisdictionLevel {
    City,
    County,
    Township,
}

impl JurisdictionLevel {
    pub fn slug(self) -> &'static str {
        match self {
            JurisdictionLevel::City => "city",
            JurisdictionLevel::County => "county",
            JurisdictionLevel::Township => "township",
        }
    }
    pub fn from_slug(s: &str) -> Option<Self> {
        match s {
            "city" => Some(JurisdictionLevel::City),
            "county" => Some(JurisdictionLevel::County),
            "township" => Some(JurisdictionLevel::Township),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Jurisdiction {
    pub id: String,
    pub parent_id: Option<String>,
    pub level: JurisdictionLevel,
    pub name: String,
    /// Facilities registered in it (directly or in its townships).
    pub facility_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Facility {
    pub id: String,
    pub name: String,
    pub kind: TargetKind,
    pub operator_type: Option<OperatorType>,
    pub county_id: String,
    /// County or district name, e.g. 汝阳县.
    pub county: String,
    pub township_id: Option<String>,
    pub township: Option<String>,
    pub address: String,
    /// The operating organisation (运营单位).
    pub operator: String,
    pub beds: Option<u32>,
    pub residents: Option<u32>,
    /// 1–5 stars; `None` when not rated.
    pub star_level: Option<u8>,
    pub contact_person: String,
    pub contact_phone: String,
    pub created_at: String,
    pub updated_at: String,
}
