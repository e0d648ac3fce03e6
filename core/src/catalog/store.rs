//! Catalog versions, groups and items in the database.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{CheckMethod, ItemKind, ParsedCatalog, Severity, TargetKind};
use crate::db::{json_col, Db, Tx};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CatalogVersion {
    pub id: String,
    pub name: String,
    pub source: String,
    /// The reference catalog that ships with the app (参考版).
    pub is_reference: bool,
    pub imported_at: String,
    pub content_hash: String,
    /// The version new inspections use.
    pub active: bool,
    pub standards: u32,
    pub indicators: u32,
    pub groups: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CatalogGroup {
    pub id: String,
    pub version_id: String,
    pub kind: ItemKind,
    pub name: String,
    pub position: u32,
    pub item_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CatalogItem {
    pub id: String,
    pub version_id: String,
    /// S01…S66 for standards, I01…I51 for indicators.
    pub code: String,
    pub kind: ItemKind,
    /// The group's name.
    pub group: String,
    pub group_id: String,
    pub title: String,
    pub requirement: String,
    /// Law or policy and article, as written in the catalog.
    pub basis: String,
    pub methods: Vec<CheckMethod>,
    pub applies_to: Vec<TargetKind>,
    pub departments: Vec<String>,
    pub default_severity: Severity,
    pub major_hazard: bool,
    pub quick_phrases: Vec<String>,
    pub position: u32,
}

/// Which items to list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ItemQuery {
    #[ts(optional)]
    pub version_id: Option<String>,
    #[ts(optional)]
    pub kind: Option<ItemKind>,
    #[ts(optional)]
    pub group_id: Option<String>,
    /// Matches code, title, requirement, basis and typical findings.
    #[ts(optional)]
    pub search: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct StoreOutcome {
    pub version_id: String,
    /// False when the same content was already stored: nothing changed.
    pub created: bool,
    pub standards: u32,
    pub indicators: u32,
    pub groups: u32,
}

/// Stores a parsed catalog as a new version and makes it active; a no-op when
/// a version with the same content exists.
pub fn store_catalog(tx: &Tx<'_>, catalog: &ParsedCatalog, is_reference: bool) -> Result<StoreOutcome> {
    let hash = catalog.content_hash();
    let standards = catalog.count(ItemKind::Standard) as u32;
    let indicators = catalog.count(ItemKind::Indicator) as u32;
    let groups = catalog.groups.len() as u32;
    if let Some(id) = tx
        .query_row("SELECT id FROM catalog_version WHERE content_hash = ?1", [&hash], |r| r.get::<_, String>(0))
        .optional()?
    {
        return Ok(StoreOutcome { version_id: id, created: false, standards, indicators, groups });
    }
    let now = tx.now_text();
    let device = tx.device_id();
    let version_id = tx.natural_id("catalog_version", &[&hash]);
    tx.execute(
        "INSERT INTO catalog_version (id, name, source, is_reference, imported_at, content_hash, created_at, updated_at, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?5, ?7)",
        params![version_id, catalog.name, catalog.source, is_reference, now, hash, device],
    )?;
    let mut insert_group = tx.prepare(
        "INSERT INTO catalog_group (id, version_id, kind, name, position, created_at, updated_at, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
    )?;
    let mut insert_item = tx.prepare(
        "INSERT INTO catalog_item (id, version_id, group_id, code, kind, title, requirement, basis, methods, applies_to,
             departments, default_severity, major_hazard, quick_phrases, position, created_at, updated_at, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17)",
    )?;
    let mut position = 0u32;
    for (gpos, group) in catalog.groups.iter().enumerate() {
        let group_id = tx.natural_id("catalog_group", &[&version_id, group.kind.slug(), &group.name]);
        insert_group.execute(params![group_id, version_id, group.kind.slug(), group.name, gpos as u32, now, device])?;
        for item in &group.items {
            position += 1;
            insert_item.execute(params![
                tx.natural_id("catalog_item", &[&version_id, &item.code]),
                version_id,
                group_id,
                item.code,
                group.kind.slug(),
                item.title,
                item.requirement,
                item.basis,
                to_json(&item.methods),
                to_json(&item.applies_to),
                to_json(&item.departments),
                item.severity.slug(),
                item.major_hazard,
                to_json(&item.quick_phrases),
                position,
                now,
                device,
            ])?;
        }
    }
    tx.meta_set("active_catalog_version", &version_id)?;
    Ok(StoreOutcome { version_id, created: true, standards, indicators, groups })
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data serialises")
}

/// Every version, newest first, with the active one marked.
pub fn versions(db: &Db) -> Result<Vec<CatalogVersion>> {
    let active = active_version_id(db)?;
    let mut st = db.conn().prepare(
        "SELECT v.id, v.name, v.source, v.is_reference, v.imported_at, v.content_hash,
                (SELECT count(*) FROM catalog_item i WHERE i.version_id = v.id AND i.kind = 'standard') AS standards,
                (SELECT count(*) FROM catalog_item i WHERE i.version_id = v.id AND i.kind = 'indicator') AS indicators,
                (SELECT count(*) FROM catalog_group g WHERE g.version_id = v.id) AS groups
         FROM catalog_version v ORDER BY v.imported_at DESC, v.id DESC",
    )?;
    let rows = st.query_map([], |r| {
        Ok(CatalogVersion {
            id: r.get("id")?,
            name: r.get("name")?,
            source: r.get("source")?,
            is_reference: r.get("is_reference")?,
            imported_at: r.get("imported_at")?,
            content_hash: r.get("content_hash")?,
            active: false,
            standards: r.get("standards")?,
            indicators: r.get("indicators")?,
            groups: r.get("groups")?,
        })
    })?;
    let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    for v in &mut out {
        v.active = Some(&v.id) == active.as_ref();
    }
    Ok(out)
}

/// The chosen version, else the latest import; `None` when there is no catalog.
fn active_version_id(db: &Db) -> Result<Option<String>> {
    if let Some(id) = db.meta_get("active_catalog_version")? {
        let exists: bool =
            db.conn().query_row("SELECT EXISTS(SELECT 1 FROM catalog_version WHERE id = ?1)", [&id], |r| r.get(0))?;
        if exists {
            return Ok(Some(id));
        }
    }
    Ok(db
        .conn()
        .query_row("SELECT id FROM catalog_version ORDER BY imported_at DESC, id DESC LIMIT 1", [], |r| r.get(0))
        .optional()?)
}

/// The id of the active version, inside a transaction (same rule as [`active_version`]).
pub fn active_version_tx(tx: &crate::db::Tx<'_>) -> Result<Option<String>> {
    if let Some(id) = tx.meta_get("active_catalog_version")? {
        let exists: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM catalog_version WHERE id = ?1)", [&id], |r| r.get(0))?;
        if exists {
            return Ok(Some(id));
        }
    }
    Ok(tx.query_row("SELECT id FROM catalog_version ORDER BY imported_at DESC, id DESC LIMIT 1", [], |r| r.get(0)).optional()?)
}

pub fn active_version(db: &Db) -> Result<Option<CatalogVersion>> {
    Ok(versions(db)?.into_iter().find(|v| v.active))
}

/// Makes a version active for new inspections. Accepts a unique id prefix.
pub fn use_version(db: &mut Db, id: &str) -> Result<CatalogVersion> {
    let id = resolve_version(db, Some(id))?;
    db.with_tx(|tx| tx.meta_set("active_catalog_version", &id))?;
    versions(db)?.into_iter().find(|v| v.id == id).ok_or_else(|| Error::Internal("version vanished".into()))
}

/// A full id, a unique prefix of one (as people copy from a list), or the active version.
fn resolve_version(db: &Db, id: Option<&str>) -> Result<String> {
    let Some(id) = id.map(str::trim).filter(|s| !s.is_empty()) else {
        return active_version_id(db)?.ok_or(Error::NotFound { what: "目录版本", key: "（尚未导入任何目录）".into() });
    };
    let mut st = db.conn().prepare("SELECT id FROM catalog_version WHERE id = ?1 OR id LIKE ?2 || '%' ESCAPE '\\'")?;
    let pattern = crate::db::escape_like(id);
    let found: Vec<String> = st.query_map(params![id, pattern], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if let Some(exact) = found.iter().find(|f| f.as_str() == id) {
        return Ok(exact.clone());
    }
    match found.len() {
        1 => Ok(found.into_iter().next().expect("one")),
        _ => Err(Error::NotFound { what: "目录版本", key: id.to_string() }),
    }
}

pub fn groups(db: &Db, version_id: Option<&str>) -> Result<Vec<CatalogGroup>> {
    let version = resolve_version(db, version_id)?;
    let mut st = db.conn().prepare(
        "SELECT g.id, g.version_id, g.kind, g.name, g.position,
                (SELECT count(*) FROM catalog_item i WHERE i.group_id = g.id) AS item_count
         FROM catalog_group g WHERE g.version_id = ?1 ORDER BY g.position",
    )?;
    let rows = st.query_map([&version], |r| {
        Ok(CatalogGroup {
            id: r.get("id")?,
            version_id: r.get("version_id")?,
            kind: store_slug(r, "kind", ItemKind::from_slug)?,
            name: r.get("name")?,
            position: r.get("position")?,
            item_count: r.get("item_count")?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn list_items(db: &Db, query: &ItemQuery) -> Result<Vec<CatalogItem>> {
    let version = resolve_version(db, query.version_id.as_deref())?;
    let search = query.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(crate::db::like_pattern);
    let mut st = db.conn().prepare(
        "SELECT i.*, g.name AS group_name FROM catalog_item i JOIN catalog_group g ON g.id = i.group_id
         WHERE i.version_id = ?1
           AND (?2 IS NULL OR i.kind = ?2)
           AND (?3 IS NULL OR i.group_id = ?3)
           AND (?4 IS NULL OR i.code LIKE ?4 ESCAPE '\\' OR i.title LIKE ?4 ESCAPE '\\'
                OR i.requirement LIKE ?4 ESCAPE '\\' OR i.basis LIKE ?4 ESCAPE '\\'
                OR i.quick_phrases LIKE ?4 ESCAPE '\\')
         ORDER BY i.position",
    )?;
    let rows = st.query_map(
        params![version, query.kind.map(|k| k.slug()), query.group_id, search],
        item_from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One item by its code in a version (the active one by default), e.g. to
/// open the item a duty of the 责任清单 links to.
pub fn get_item(db: &Db, version_id: Option<&str>, code: &str) -> Result<CatalogItem> {
    let version = resolve_version(db, version_id)?;
    let code = code.trim().to_ascii_uppercase();
    db.conn()
        .query_row(
            "SELECT i.*, g.name AS group_name FROM catalog_item i JOIN catalog_group g ON g.id = i.group_id
             WHERE i.version_id = ?1 AND i.code = ?2",
            params![version, code],
            item_from_row,
        )
        .optional()?
        .ok_or(Error::NotFound { what: "条目", key: code })
}

fn item_from_row(r: &Row<'_>) -> rusqlite::Result<CatalogItem> {
    Ok(CatalogItem {
        id: r.get("id")?,
        version_id: r.get("version_id")?,
        code: r.get("code")?,
        kind: store_slug(r, "kind", ItemKind::from_slug)?,
        group: r.get("group_name")?,
        group_id: r.get("group_id")?,
        title: r.get("title")?,
        requirement: r.get("requirement")?,
        basis: r.get("basis")?,
        methods: json_col(r, "methods")?,
        applies_to: json_col(r, "applies_to")?,
        departments: json_col(r, "departments")?,
        default_severity: store_slug(r, "default_severity", Severity::from_slug)?,
        major_hazard: r.get("major_hazard")?,
        quick_phrases: json_col(r, "quick_phrases")?,
        position: r.get("position")?,
    })
}

/// Reads a slug column into its vocabulary, failing loudly on an unknown value.
pub(crate) fn store_slug<T>(r: &Row<'_>, col: &str, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let s: String = r.get(col)?;
    parse(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("unknown value '{s}' in column {col}").into(),
        )
    })
}
