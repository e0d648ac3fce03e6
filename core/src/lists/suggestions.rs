//! 意见建议: the opinions and suggestions the campaign collects, counted apart
//! from problems (the source reports 289 problems and 352 suggestions).
//!
//! Two kinds of rows make the list. Suggestions written during an inspection
//! stay in the inspection (table `suggestion`); their county, target, group,
//! date and source come from the inspection (a facility's county, or the
//! county whose government was inspected; the source follows the inspection
//! kind, as for problems). Opinions from anywhere else — a forum, deputies, a
//! public report — are entered here (table `opinion`) with their own source,
//! addressee and date. [`list`] shows both, oldest first.
//!
//! Left out: editing or deleting an opinion once entered, and the addressee
//! of inspection suggestions (the inspection screen does not ask for one, so
//! it is usually empty). Suggestions of draft inspections are listed too:
//! they were made, whether or not the inspection is signed yet.

use rusqlite::{params, params_from_iter, Row};
use serde::{Deserialize, Serialize};

use super::{check_name, check_text, date_or_today, date_text, limits, resolve_county};
use crate::changelog;
use crate::db::{like_pattern, Db, Tx};
use crate::error::{Error, Result};
use crate::inspection::InspectionKind;
use crate::problem::{today, Source};
use crate::text::clean;

/// An opinion or suggestion from outside an inspection (or one row of an import).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewOpinion {
    pub text: String,
    pub source: Source,
    /// To whom it is addressed (a department, a county government, a facility).
    #[serde(default)]
    pub addressee: String,
    /// County/district name; may be absent (e.g. for the whole city).
    #[ts(optional)]
    pub county: Option<String>,
    /// What it is about: a facility, a unit, or free text.
    #[serde(default)]
    pub target_name: String,
    /// The supervision group that collected it.
    #[serde(default)]
    pub group: String,
    /// YYYY-MM-DD; today (北京时间) when absent.
    #[ts(optional)]
    pub made_on: Option<String>,
}

/// Where a row of the list is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SuggestionOrigin {
    /// Entered in the list ([`create_opinion`]).
    Opinion,
    /// Written during an inspection.
    Inspection,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SuggestionRow {
    pub id: String,
    pub origin: SuggestionOrigin,
    pub text: String,
    pub source: Source,
    pub addressee: String,
    pub county: Option<String>,
    pub target_name: String,
    pub group: String,
    /// YYYY-MM-DD.
    pub made_on: String,
    /// The inspection it was made in (origin `inspection`).
    pub inspection_id: Option<String>,
    /// The checklist item it concerns, if any (origin `inspection`).
    pub item_code: Option<String>,
}

/// What [`list`] shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SuggestionFilter {
    /// County/district name.
    #[ts(optional)]
    pub county: Option<String>,
    #[ts(optional)]
    pub source: Option<Source>,
    #[ts(optional)]
    pub group: Option<String>,
    /// Words in the text, addressee or target.
    #[ts(optional)]
    pub search: Option<String>,
}

/// Inserts an opinion inside the caller's transaction; an import calls it
/// once per row. Returns the new id.
pub(crate) fn insert_opinion(tx: &Tx<'_>, o: &NewOpinion, actor: &str) -> Result<String> {
    let text = check_text("text", &o.text, limits::TEXT, true)?;
    let addressee = check_name("addressee", &o.addressee, limits::NAME, false)?;
    let target_name = check_name("target_name", &o.target_name, limits::NAME, false)?;
    let group = check_name("group", &o.group, limits::NAME, false)?;
    let made_on = date_or_today("made_on", o.made_on.as_deref(), today(tx.now()))?;
    let county = match o.county.as_deref() {
        Some(c) => resolve_county(tx, c)?.map(|(id, _)| id),
        None => None,
    };
    let id = tx.new_id();
    tx.execute(
        "INSERT INTO opinion (id, text, source, addressee, county_id, target_name, group_name, made_on, created_at, updated_at, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)",
        params![id, text, o.source.slug(), addressee, county, target_name, group, date_text(made_on), tx.now_text(), tx.device_id()],
    )?;
    changelog::record(tx, actor, "opinion", &id, "text", None, Some(&text))?;
    Ok(id)
}

/// Enters an opinion or suggestion from outside an inspection.
pub fn create_opinion(db: &mut Db, o: &NewOpinion, actor: &str) -> Result<SuggestionRow> {
    let id = db.with_tx(|tx| insert_opinion(tx, o, actor))?;
    query(db, &SuggestionFilter::default(), Some(&id))?
        .into_iter()
        .next()
        .ok_or_else(|| Error::Internal(format!("opinion {id} vanished")))
}

/// Both kinds of suggestion a filter selects, by date made (then as entered).
pub fn list(db: &Db, f: &SuggestionFilter) -> Result<Vec<SuggestionRow>> {
    query(db, f, None)
}

/// The source of an inspection suggestion, as SQL over `i.kind`, written from
/// [`Source::of_inspection`] so the two can never disagree.
fn inspection_source_sql() -> String {
    let arms: String =
        InspectionKind::ALL.iter().map(|k| format!(" WHEN '{}' THEN '{}'", k.slug(), Source::of_inspection(*k).slug())).collect();
    format!("CASE i.kind{arms} END")
}

fn query(db: &Db, f: &SuggestionFilter, id: Option<&str>) -> Result<Vec<SuggestionRow>> {
    let mut sql = format!(
        "SELECT * FROM (
            SELECT 'opinion' AS origin, o.id, o.text, o.source, o.addressee, j.name AS county, o.target_name,
                   o.group_name, o.made_on, NULL AS inspection_id, NULL AS item_code, o.created_at
            FROM opinion o LEFT JOIN jurisdiction j ON j.id = o.county_id
            UNION ALL
            SELECT 'inspection', s.id, s.text, {source}, s.addressee, j.name, i.target_name,
                   i.group_name, i.date, s.inspection_id, s.item_code, s.created_at
            FROM suggestion s
            JOIN inspection i ON i.id = s.inspection_id
            LEFT JOIN facility f ON f.id = i.target_id
            LEFT JOIN jurisdiction j ON j.level = 'county'
                 AND j.id = CASE WHEN i.target_kind = 'county_government' THEN i.target_id ELSE f.county_id END
         ) x WHERE 1 = 1",
        source = inspection_source_sql()
    );
    let mut args: Vec<String> = Vec::new();
    let mut bind = |v: String| {
        args.push(v);
        format!("?{}", args.len())
    };
    if let Some(id) = id {
        sql.push_str(&format!(" AND x.id = {}", bind(id.to_string())));
    }
    if let Some(c) = f.county.as_deref().map(clean).filter(|c| !c.is_empty()) {
        sql.push_str(&format!(" AND x.county = {}", bind(c)));
    }
    if let Some(s) = f.source {
        sql.push_str(&format!(" AND x.source = {}", bind(s.slug().to_string())));
    }
    if let Some(g) = f.group.as_deref().map(clean).filter(|g| !g.is_empty()) {
        sql.push_str(&format!(" AND x.group_name = {}", bind(g)));
    }
    if let Some(q) = f.search.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let p = bind(like_pattern(q));
        sql.push_str(&format!(
            " AND (x.text LIKE {p} ESCAPE '\\' OR x.addressee LIKE {p} ESCAPE '\\' OR x.target_name LIKE {p} ESCAPE '\\')"
        ));
    }
    sql.push_str(" ORDER BY x.made_on, x.created_at, x.id");
    let mut st = db.conn().prepare(&sql)?;
    let rows = st.query_map(params_from_iter(args.iter()), row_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn row_from(r: &Row<'_>) -> rusqlite::Result<SuggestionRow> {
    let origin = match r.get::<_, String>("origin")?.as_str() {
        "opinion" => SuggestionOrigin::Opinion,
        _ => SuggestionOrigin::Inspection,
    };
    Ok(SuggestionRow {
        id: r.get("id")?,
        origin,
        text: r.get("text")?,
        source: crate::catalog::store_slug(r, "source", Source::from_slug)?,
        addressee: r.get("addressee")?,
        county: r.get("county")?,
        target_name: r.get("target_name")?,
        group: r.get("group_name")?,
        made_on: r.get("made_on")?,
        inspection_id: r.get("inspection_id")?,
        item_code: r.get("item_code")?,
    })
}
