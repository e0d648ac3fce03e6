//! Jurisdictions and facilities in the database.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{Facility, Jurisdiction, JurisdictionLevel};
use crate::catalog::{OperatorType, TargetKind};
use crate::db::{Db, Tx};
use crate::error::{Error, Result};

/// Which facilities to list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct FacilityQuery {
    /// A county/district id or its exact name.
    #[ts(optional)]
    pub county: Option<String>,
    #[ts(optional)]
    pub kind: Option<TargetKind>,
    /// Matches name, address, operator, township and contact person.
    #[ts(optional)]
    pub search: Option<String>,
}

/// A facility as an import or the demo supplies it; places by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilityInput {
    pub name: String,
    pub kind: TargetKind,
    pub operator_type: Option<OperatorType>,
    pub county: String,
    pub township: Option<String>,
    pub address: String,
    pub operator: String,
    pub beds: Option<u32>,
    pub residents: Option<u32>,
    pub star_level: Option<u8>,
    pub contact_person: String,
    pub contact_phone: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct UpsertReport {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// Counties/districts that the input named and the registry did not have.
    pub new_counties: Vec<String>,
    /// Townships/streets created, as “县区/乡镇”.
    pub new_townships: Vec<String>,
}

/// Creates or updates facilities matched by (county, name), creating missing
/// counties (under `city` when given) and townships.
pub fn upsert_facilities(tx: &Tx<'_>, city: Option<&str>, inputs: &[FacilityInput]) -> Result<UpsertReport> {
    let mut report = UpsertReport::default();
    let city_id = match city {
        Some(name) => Some(ensure_jurisdiction(tx, None, JurisdictionLevel::City, name)?.0),
        None => tx
            .query_row("SELECT id FROM jurisdiction WHERE level = 'city' ORDER BY position LIMIT 1", [], |r| r.get(0))
            .optional()?,
    };
    let now = tx.now_text();
    let device = tx.device_id();
    for input in inputs {
        let (county_id, county_new) =
            match find_county(tx, &input.county)? {
                Some(id) => (id, false),
                None => ensure_jurisdiction(tx, city_id.as_deref(), JurisdictionLevel::County, &input.county)?,
            };
        if county_new {
            report.new_counties.push(input.county.clone());
        }
        let township_id = match &input.township {
            Some(t) => {
                let (id, created) = ensure_jurisdiction(tx, Some(&county_id), JurisdictionLevel::Township, t)?;
                if created {
                    report.new_townships.push(format!("{}/{}", input.county, t));
                }
                Some(id)
            }
            None => None,
        };
        let existing: Option<String> = tx
            .query_row("SELECT id FROM facility WHERE county_id = ?1 AND name = ?2", params![county_id, input.name], |r| {
                r.get(0)
            })
            .optional()?;
        let values = params![
            input.name,
            input.kind.slug(),
            input.operator_type.map(|o| o.slug()),
            county_id,
            township_id,
            input.address,
            input.operator,
            input.beds,
            input.residents,
            input.star_level,
            input.contact_person,
            input.contact_phone,
        ];
        match existing {
            None => {
                let id = tx.natural_id("facility", &[&county_id, &input.name]);
                tx.execute(
                    "INSERT INTO facility (name, kind, operator_type, county_id, township_id, address, operator, beds,
                         residents, star_level, contact_person, contact_phone, id, created_at, updated_at, device_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15)",
                    rusqlite::params_from_iter(values.iter().copied().chain([
                        &id as &dyn rusqlite::ToSql,
                        &now,
                        &device,
                    ])),
                )?;
                report.created += 1;
            }
            Some(id) => {
                let changed = tx.execute(
                    "UPDATE facility SET name = ?1, kind = ?2, operator_type = ?3, county_id = ?4, township_id = ?5,
                         address = ?6, operator = ?7, beds = ?8, residents = ?9, star_level = ?10,
                         contact_person = ?11, contact_phone = ?12, updated_at = ?14, device_id = ?15
                     WHERE id = ?13 AND NOT (kind IS ?2 AND operator_type IS ?3 AND township_id IS ?5
                         AND address IS ?6 AND operator IS ?7 AND beds IS ?8 AND residents IS ?9
                         AND star_level IS ?10 AND contact_person IS ?11 AND contact_phone IS ?12)",
                    rusqlite::params_from_iter(values.iter().copied().chain([
                        &id as &dyn rusqlite::ToSql,
                        &now,
                        &device,
                    ])),
                )?;
                if changed > 0 {
                    report.updated += 1;
                } else {
                    report.unchanged += 1;
                }
            }
        }
    }
    Ok(report)
}

fn find_county(tx: &Tx<'_>, name: &str) -> Result<Option<String>> {
    Ok(tx
        .query_row("SELECT id FROM jurisdiction WHERE level = 'county' AND name = ?1", [name], |r| r.get(0))
        .optional()?)
}

/// Returns the id and whether it was created now.
pub(crate) fn ensure_jurisdiction(
    tx: &Tx<'_>,
    parent: Option<&str>,
    level: JurisdictionLevel,
    name: &str,
) -> Result<(String, bool)> {
    if let Some(id) = tx
        .query_row(
            "SELECT id FROM jurisdiction WHERE coalesce(parent_id, '') = coalesce(?1, '') AND name = ?2",
            params![parent, name],
            |r| r.get::<_, String>(0),
        )
        .optional()?
    {
        return Ok((id, false));
    }
    let id = tx.natural_id("jurisdiction", &[parent.unwrap_or(""), name]);
    let now = tx.now_text();
    let position: u32 = tx.query_row(
        "SELECT count(*) FROM jurisdiction WHERE coalesce(parent_id, '') = coalesce(?1, '')",
        [parent],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO jurisdiction (id, parent_id, level, name, position, created_at, updated_at, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
        params![id, parent, level.slug(), name, position, now, tx.device_id()],
    )?;
    Ok((id, true))
}

/// Every jurisdiction, cities first, then counties and townships in registry order.
pub fn jurisdictions(db: &Db) -> Result<Vec<Jurisdiction>> {
    let mut st = db.conn().prepare(
        "SELECT j.id, j.parent_id, j.level, j.name,
                (SELECT count(*) FROM facility f WHERE f.county_id = j.id OR f.township_id = j.id) AS facility_count
         FROM jurisdiction j
         ORDER BY CASE j.level WHEN 'city' THEN 0 WHEN 'county' THEN 1 ELSE 2 END, j.parent_id, j.position",
    )?;
    let rows = st.query_map([], jurisdiction_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn counties(db: &Db) -> Result<Vec<Jurisdiction>> {
    Ok(jurisdictions(db)?.into_iter().filter(|j| j.level == JurisdictionLevel::County).collect())
}

fn jurisdiction_from_row(r: &Row<'_>) -> rusqlite::Result<Jurisdiction> {
    Ok(Jurisdiction {
        id: r.get("id")?,
        parent_id: r.get("parent_id")?,
        level: crate::catalog::store_slug(r, "level", JurisdictionLevel::from_slug)?,
        name: r.get("name")?,
        facility_count: r.get("facility_count")?,
    })
}

const FACILITY_SELECT: &str = "
    SELECT f.*, c.name AS county_name, t.name AS township_name
    FROM facility f
    JOIN jurisdiction c ON c.id = f.county_id
    LEFT JOIN jurisdiction t ON t.id = f.township_id";

pub fn facility_list(db: &Db, query: &FacilityQuery) -> Result<Vec<Facility>> {
    let county = query.county.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let search = query.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(crate::db::like_pattern);
    let sql = format!(
        "{FACILITY_SELECT}
         WHERE (?1 IS NULL OR c.id = ?1 OR c.name = ?1)
           AND (?2 IS NULL OR f.kind = ?2)
           AND (?3 IS NULL OR f.name LIKE ?3 ESCAPE '\\' OR f.address LIKE ?3 ESCAPE '\\'
                OR f.operator LIKE ?3 ESCAPE '\\' OR t.name LIKE ?3 ESCAPE '\\' OR f.contact_person LIKE ?3 ESCAPE '\\')
         ORDER BY c.position, coalesce(t.position, -1), f.name"
    );
    let mut st = db.conn().prepare(&sql)?;
    let rows = st.query_map(params![county, query.kind.map(|k| k.slug()), search], facility_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get_facility(db: &Db, id: &str) -> Result<Facility> {
    let sql = format!("{FACILITY_SELECT} WHERE f.id = ?1");
    db.conn()
        .query_row(&sql, [id], facility_from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "机构", key: id.to_string() })
}

fn facility_from_row(r: &Row<'_>) -> rusqlite::Result<Facility> {
    let operator_type: Option<String> = r.get("operator_type")?;
    Ok(Facility {
        id: r.get("id")?,
        name: r.get("name")?,
        kind: crate::catalog::store_slug(r, "kind", TargetKind::from_slug)?,
        operator_type: operator_type.as_deref().and_then(OperatorType::from_slug),
        county_id: r.get("county_id")?,
        county: r.get("county_name")?,
        township_id: r.get("township_id")?,
        township: r.get("township_name")?,
        address: r.get("address")?,
        operator: r.get("operator")?,
        beds: r.get("beds")?,
        residents: r.get("residents")?,
        star_level: r.get("star_level")?,
        contact_person: r.get("contact_person")?,
        contact_phone: r.get("contact_phone")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}
