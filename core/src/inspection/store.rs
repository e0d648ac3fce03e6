//! Inspections in the database. Each public function is one transaction.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};

use super::*;
use crate::catalog::{self, store_slug};
use crate::changelog;
use crate::db::{json_col, Db, Tx};
use crate::error::{Error, Problem, Reason, Result};
use crate::evidence::{Checked, EvidenceStore};
use crate::text::clean;

fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Error {
    Error::invalid(field, Reason::Other { zh: zh.into(), en: en.into() })
}

fn check_len(field: &str, value: &str, max: usize) -> Result<()> {
    if value.chars().count() > max {
        return Err(Error::invalid(field, Reason::TooLong { max }));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(invalid(field, "含有不可见的控制字符", "contains control characters"));
    }
    Ok(())
}

fn clean_names(field: &str, names: &[String]) -> Result<Vec<String>> {
    if names.len() > limits::PEOPLE {
        return Err(Error::invalid(field, Reason::OutOfRange { value: names.len().to_string(), range: format!("≤ {}", limits::PEOPLE) }));
    }
    let mut out = Vec::new();
    for n in names {
        let n = clean(n);
        check_len(field, &n, limits::NAME)?;
        if !n.is_empty() && !out.contains(&n) {
            out.push(n);
        }
    }
    Ok(out)
}

struct Target {
    kind: TargetKind,
    name: String,
}

fn resolve_target(tx: &Tx<'_>, id: &str) -> Result<Target> {
    if let Some((kind, name)) = tx
        .query_row("SELECT kind, name FROM facility WHERE id = ?1", [id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .optional()?
    {
        let kind = TargetKind::from_slug(&kind).ok_or_else(|| Error::Internal(format!("facility kind {kind}")))?;
        return Ok(Target { kind, name });
    }
    if let Some(name) = tx
        .query_row("SELECT name FROM jurisdiction WHERE id = ?1 AND level = 'county'", [id], |r| r.get::<_, String>(0))
        .optional()?
    {
        return Ok(Target { kind: TargetKind::CountyGovernment, name: format!("{name}人民政府") });
    }
    if let Some(name) = tx.query_row("SELECT name FROM department WHERE id = ?1", [id], |r| r.get::<_, String>(0)).optional()? {
        return Ok(Target { kind: TargetKind::Department, name });
    }
    Err(Error::NotFound { what: "检查对象", key: id.to_string() })
}

/// Starts an inspection on the active catalog version, with the items that
/// apply to the target's kind.
pub fn start(db: &mut Db, input: &StartInspection, actor: &str) -> Result<InspectionDetail> {
    let date = NaiveDate::parse_from_str(input.date.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| Error::invalid("date", Reason::Invalid { value: input.date.clone(), expected: "YYYY-MM-DD 格式的日期".into() }))?;
    let group = clean(&input.group);
    if group.is_empty() {
        return Err(Error::invalid("group", Reason::Required));
    }
    check_len("group", &group, limits::NAME)?;
    let leader = clean(&input.leader);
    check_len("leader", &leader, limits::NAME)?;
    let members = clean_names("members", &input.members)?;
    let representatives = clean_names("representatives", &input.representatives)?;
    let version = catalog::active_version(db)?
        .ok_or(Error::NotFound { what: "目录版本", key: "（尚未导入内容清单，请先运行 qingdan init）".into() })?;
    let id = db.with_tx(|tx| {
        let target = resolve_target(tx, input.target_id.trim())?;
        let id = tx.new_id();
        let now = tx.now_text();
        let device = tx.device_id();
        tx.execute(
            "INSERT INTO inspection (id, target_kind, target_id, target_name, kind, date, catalog_version_id, group_name,
                 leader, members, representatives, created_at, updated_at, device_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13)",
            params![
                id,
                target.kind.slug(),
                input.target_id.trim(),
                target.name,
                input.kind.slug(),
                date.format("%Y-%m-%d").to_string(),
                version.id,
                group,
                leader,
                serde_json::to_string(&members).expect("strings"),
                serde_json::to_string(&representatives).expect("strings"),
                now,
                device,
            ],
        )?;
        // A 回头看 walks the open problems of its target; any other inspection,
        // and a 回头看 of a target with nothing open, the items that apply to the target's kind.
        let open_codes = if input.kind == InspectionKind::LookBack {
            crate::problem::open_problem_codes(tx, input.target_id.trim())?
        } else {
            Vec::new()
        };
        let n = if !open_codes.is_empty() {
            tx.execute(
                "INSERT INTO inspection_item (id, inspection_id, item_code, position, added_by_hand, created_at, updated_at, device_id)
                 SELECT ?1 || '/' || code, ?1, code, position, 0, ?3, ?3, ?4 FROM catalog_item
                 WHERE version_id = ?2 AND code IN (SELECT value FROM json_each(?5))",
                params![id, version.id, now, device, serde_json::to_string(&open_codes).expect("strings")],
            )?
        } else {
            tx.execute(
                "INSERT INTO inspection_item (id, inspection_id, item_code, position, created_at, updated_at, device_id)
                 SELECT ?1 || '/' || code, ?1, code, position, ?3, ?3, ?4 FROM catalog_item
                 WHERE version_id = ?2 AND EXISTS (SELECT 1 FROM json_each(applies_to) WHERE value = ?5)",
                params![id, version.id, now, device, target.kind.slug()],
            )?
        };
        if n == 0 {
            return Err(invalid(
                "target_id",
                format!("当前内容清单中没有适用于“{}”的条目", target.kind.label(crate::Lang::Zh)),
                format!("the active catalog has no item for '{}'", target.kind.label(crate::Lang::En)),
            ));
        }
        changelog::record(tx, actor, "inspection", &id, "created", None, Some(&format!("{} {}", input.kind.slug(), target.name)))?;
        Ok(id)
    })?;
    show(db, &id)
}

struct Header {
    status: InspectionStatus,
    version_id: String,
}

fn header(tx: &Tx<'_>, id: &str) -> Result<Header> {
    tx.prepare_cached("SELECT status, catalog_version_id FROM inspection WHERE id = ?1")?.query_row([id], |r| {
        Ok(Header {
            status: if r.get::<_, String>(0)? == "signed" { InspectionStatus::Signed } else { InspectionStatus::Draft },
            version_id: r.get(1)?,
        })
    })
    .optional()?
    .ok_or_else(|| Error::NotFound { what: "检查", key: id.to_string() })
}

fn normalize_code(code: &str) -> String {
    crate::text::fold(code).to_ascii_uppercase()
}

/// Puts an item of the pinned catalog on the checklist by hand (one that does
/// not apply to the target's kind). Adding one already there changes nothing.
pub fn add_item(db: &mut Db, id: &str, code: &str, actor: &str) -> Result<ChecklistItem> {
    let code = normalize_code(code);
    db.with_tx(|tx| {
        let h = header(tx, id)?;
        if h.status == InspectionStatus::Signed {
            return Err(signed_error());
        }
        ensure_on_checklist(tx, id, &h.version_id, &code, actor)?;
        Ok(())
    })?;
    item_view(db, id, &code)
}

fn signed_error() -> Error {
    invalid(
        "amend_reason",
        "该检查已签字确认，不能直接修改；如需更正，请填写更正理由（命令行使用 --amend --reason）",
        "this inspection is signed and locked; a correction needs a reason (--amend --reason on the command line)",
    )
}

/// Adds the item when the pinned catalog has it; refuses codes it does not have.
fn ensure_on_checklist(tx: &Tx<'_>, id: &str, version_id: &str, code: &str, actor: &str) -> Result<()> {
    let on_list: bool = tx
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM inspection_item WHERE inspection_id = ?1 AND item_code = ?2)")?
        .query_row([id, code], |r| r.get(0))?;
    if on_list {
        return Ok(());
    }
    let position: Option<u32> = tx
        .query_row("SELECT position FROM catalog_item WHERE version_id = ?1 AND code = ?2", [version_id, code], |r| r.get(0))
        .optional()?;
    let Some(position) = position else {
        return Err(invalid(
            "item_code",
            format!("条目“{code}”不在本次检查所用的内容清单版本中"),
            format!("item '{code}' is not in the catalog version this inspection uses"),
        ));
    };
    let now = tx.now_text();
    tx.execute(
        "INSERT INTO inspection_item (id, inspection_id, item_code, position, added_by_hand, created_at, updated_at, device_id)
         VALUES (?1 || '/' || ?2, ?1, ?2, ?3, 1, ?4, ?4, ?5)",
        params![id, code, position, now, tx.device_id()],
    )?;
    changelog::record(tx, actor, "inspection_item", &format!("{id}/{code}"), "added_by_hand", None, Some("1"))?;
    Ok(())
}

fn state_of(tx: &Tx<'_>, id: &str, code: &str) -> Result<ItemState> {
    let mut st = tx.prepare_cached(
        "SELECT verdict, finding, severity, scope, na_reason FROM inspection_item WHERE inspection_id = ?1 AND item_code = ?2",
    )?;
    Ok(st.query_row([id, code], |r| {
        Ok(ItemState {
            verdict: r.get::<_, Option<String>>(0)?.as_deref().and_then(Verdict::from_slug),
            finding: r.get(1)?,
            severity: r.get::<_, Option<String>>(2)?.as_deref().and_then(Severity::from_slug),
            scope: r.get::<_, Option<String>>(3)?.as_deref().and_then(Scope::from_slug),
            na_reason: r.get(4)?,
        })
    })?)
}

/// Records a change to one item: the moment it returns, the change is on disk.
/// `new_files` are attachments just stored (see `crate::evidence`) to link.
///
/// This runs on every keystroke-level save, so its statements are cached
/// (`prepare_cached`); parsing them anew was most of its processor time. The
/// benchmark is `core/benches/record.rs`, the numbers in `docs/performance.md`.
pub fn record(
    db: &mut Db,
    id: &str,
    code: &str,
    patch: &ItemPatch,
    new_files: &[Attachment],
    actor: &str,
) -> Result<ChecklistItem> {
    record_inner(db, id, code, patch, new_files, None, actor)
}

/// Like [`record`], with files checked but not yet stored: they are written
/// only once the change has passed every check, so a refused change leaves
/// no file behind.
pub fn record_with_files(
    db: &mut Db,
    store: &EvidenceStore,
    id: &str,
    code: &str,
    patch: &ItemPatch,
    files: Vec<Checked>,
    actor: &str,
) -> Result<ChecklistItem> {
    let attachments: Vec<Attachment> = files.iter().map(|f| f.attachment().clone()).collect();
    record_inner(db, id, code, patch, &attachments, Some((store, files)), actor)
}

fn record_inner(
    db: &mut Db,
    id: &str,
    code: &str,
    patch: &ItemPatch,
    new_files: &[Attachment],
    pending: Option<(&EvidenceStore, Vec<Checked>)>,
    actor: &str,
) -> Result<ChecklistItem> {
    let code = normalize_code(code);
    if let Some(f) = &patch.finding {
        check_len("finding", f, limits::FINDING)?;
    }
    if let Some(r) = &patch.na_reason {
        check_len("na_reason", r, limits::REASON)?;
    }
    if let Some(r) = &patch.amend_reason {
        check_len("amend_reason", r, limits::REASON)?;
    }
    if patch.evidence.len() + new_files.len() > 50 {
        return Err(Error::invalid("evidence", Reason::OutOfRange { value: (patch.evidence.len() + new_files.len()).to_string(), range: "≤ 50".into() }));
    }
    db.with_tx(|tx| {
        let h = header(tx, id)?;
        let amend_reason = patch.amend_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if h.status == InspectionStatus::Signed && amend_reason.is_none() {
            return Err(signed_error());
        }
        ensure_on_checklist(tx, id, &h.version_id, &code, actor)?;
        let major_hazard: bool = tx
            .prepare_cached("SELECT major_hazard FROM catalog_item WHERE version_id = ?1 AND code = ?2")?
            .query_row([&h.version_id, &code], |r| r.get(0))?;
        let before = state_of(tx, id, &code)?;
        let mut after = before.clone();
        if let Some(v) = patch.verdict {
            after.verdict = v;
        }
        if let Some(f) = &patch.finding {
            after.finding = f.trim().to_string();
        }
        if let Some(s) = patch.severity {
            after.severity = s;
        }
        if let Some(s) = patch.scope {
            after.scope = s;
        }
        if let Some(r) = &patch.na_reason {
            after.na_reason = r.trim().to_string();
        }
        // An item flagged as a major accident hazard defaults to 重大隐患.
        if after.verdict == Some(Verdict::Noncompliant) && after.severity.is_none() && patch.severity.is_none() && major_hazard {
            after.severity = Some(Severity::Major);
        }
        // A signed inspection was complete when it was signed; a correction keeps it so.
        if h.status == InspectionStatus::Signed && after != before {
            let gaps = after.gaps();
            if !gaps.is_empty() {
                return Err(gap_error(gaps.into_iter().map(|g| (code.clone(), g))));
            }
        }
        // Every check has passed: the files go to disk before the rows that name them.
        if let Some((store, files)) = pending {
            for f in files {
                store.store(f)?;
            }
        }
        let entity = format!("{id}/{code}");
        let now = tx.now_text();
        let mut changed = false;
        for (field, old, new) in [
            ("verdict", before.verdict.map(|v| v.slug().to_string()), after.verdict.map(|v| v.slug().to_string())),
            ("finding", Some(before.finding.clone()).filter(|s| !s.is_empty()), Some(after.finding.clone()).filter(|s| !s.is_empty())),
            ("severity", before.severity.map(|v| v.slug().to_string()), after.severity.map(|v| v.slug().to_string())),
            ("scope", before.scope.map(|v| v.slug().to_string()), after.scope.map(|v| v.slug().to_string())),
            ("na_reason", Some(before.na_reason.clone()).filter(|s| !s.is_empty()), Some(after.na_reason.clone()).filter(|s| !s.is_empty())),
        ] {
            changed |= changelog::record(tx, actor, "inspection_item", &entity, field, old.as_deref(), new.as_deref())?;
        }
        if changed {
            tx.prepare_cached(
                "UPDATE inspection_item SET verdict = ?3, finding = ?4, severity = ?5, scope = ?6, na_reason = ?7,
                     updated_at = ?8, device_id = ?9
                 WHERE inspection_id = ?1 AND item_code = ?2",
            )?
            .execute(params![
                id,
                code,
                after.verdict.map(|v| v.slug()),
                after.finding,
                after.severity.map(|v| v.slug()),
                after.scope.map(|v| v.slug()),
                after.na_reason,
                now,
                tx.device_id()
            ])?;
        }
        for a in new_files {
            insert_attachment(tx, a)?;
        }
        for sha in patch.evidence.iter().chain(new_files.iter().map(|a| &a.sha256)) {
            let known: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM attachment WHERE sha256 = ?1)", [sha], |r| r.get(0))?;
            if !known {
                return Err(invalid("evidence", format!("找不到附件 {sha}"), format!("no attachment {sha}")));
            }
            let linked = tx.execute(
                "INSERT OR IGNORE INTO evidence (id, inspection_id, item_code, sha256, created_at, updated_at, device_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
                params![tx.natural_id("evidence", &[id, &code, sha]), id, code, sha, now, tx.device_id()],
            )?;
            if linked > 0 {
                changelog::record(tx, actor, "evidence", &format!("{entity}/{sha}"), "attached", None, Some(sha))?;
                changed = true;
            }
        }
        if changed {
            if let (InspectionStatus::Signed, Some(reason)) = (h.status, amend_reason) {
                tx.execute(
                    "INSERT INTO amendment (id, inspection_id, item_code, reason, before, after, actor, created_at, device_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        tx.new_id(),
                        id,
                        code,
                        reason,
                        serde_json::to_string(&before).expect("plain data"),
                        serde_json::to_string(&after).expect("plain data"),
                        actor,
                        now,
                        tx.device_id()
                    ],
                )?;
                changelog::record(tx, actor, "inspection_item", &entity, "amendment", None, Some(reason))?;
                crate::problem::on_amended(tx, id, &code, actor)?;
            }
        }
        tx.prepare_cached(
            "UPDATE inspection SET last_item_code = ?2, updated_at = CASE WHEN ?3 THEN ?4 ELSE updated_at END WHERE id = ?1",
        )?
        .execute(params![id, code, changed, now])?;
        Ok(())
    })?;
    item_view(db, id, &code)
}

/// Registers a stored file; the same content twice is one row.
fn insert_attachment(tx: &Tx<'_>, a: &Attachment) -> Result<()> {
    crate::evidence::register(tx, a)
}

/// Unlinks a file from an item of a draft inspection (the file stays stored).
pub fn detach_evidence(db: &mut Db, id: &str, code: Option<&str>, sha256: &str, actor: &str) -> Result<()> {
    let code = code.map(normalize_code);
    db.with_tx(|tx| {
        if header(tx, id)?.status == InspectionStatus::Signed {
            return Err(signed_error());
        }
        let n = tx.execute(
            "DELETE FROM evidence WHERE inspection_id = ?1 AND coalesce(item_code, '') = coalesce(?2, '') AND sha256 = ?3",
            params![id, code, sha256],
        )?;
        if n == 0 {
            return Err(Error::NotFound { what: "附件", key: sha256.to_string() });
        }
        let entity = format!("{id}/{}/{sha256}", code.as_deref().unwrap_or("-"));
        changelog::record(tx, actor, "evidence", &entity, "detached", Some(sha256), None)?;
        Ok(())
    })
}

pub fn add_suggestion(db: &mut Db, id: &str, item_code: Option<&str>, text: &str, actor: &str) -> Result<Suggestion> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid("text", Reason::Required));
    }
    check_len("text", text, limits::SUGGESTION)?;
    let code = item_code.map(normalize_code);
    let sid = db.with_tx(|tx| {
        let h = header(tx, id)?;
        if h.status == InspectionStatus::Signed {
            return Err(invalid(
                "status",
                "该检查已签字确认，不能再添加意见建议",
                "this inspection is signed and locked; no suggestion can be added",
            ));
        }
        if let Some(c) = &code {
            ensure_on_checklist(tx, id, &h.version_id, c, actor)?;
        }
        let sid = tx.new_id();
        tx.execute(
            "INSERT INTO suggestion (id, inspection_id, item_code, text, created_at, updated_at, device_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
            params![sid, id, code, text, tx.now_text(), tx.device_id()],
        )?;
        changelog::record(tx, actor, "suggestion", &format!("{id}/{sid}"), "text", None, Some(text))?;
        Ok(sid)
    })?;
    Ok(show(db, id)?.suggestions.into_iter().find(|s| s.id == sid).expect("just inserted"))
}

/// What keeps the inspection from being signed, in checklist order.
pub fn completion(db: &Db, id: &str) -> Result<Vec<CompletionGap>> {
    let detail = show(db, id)?;
    let mut gaps = Vec::new();
    for it in &detail.items {
        let state = ItemState {
            verdict: it.verdict,
            finding: it.finding.clone(),
            severity: it.severity,
            scope: it.scope,
            na_reason: it.na_reason.clone(),
        };
        gaps.extend(state.gaps().into_iter().map(|gap| CompletionGap { code: it.code.clone(), title: it.title.clone(), gap }));
    }
    Ok(gaps)
}

/// The refusal of a sign-off or an amendment that would leave gaps.
fn gap_error(gaps: impl IntoIterator<Item = (String, Gap)>) -> Error {
    Error::Input(
        gaps.into_iter()
            .map(|(place, g)| {
                Problem::new(Reason::Other { zh: g.text(crate::Lang::Zh).into(), en: g.text(crate::Lang::En).into() }).field(place)
            })
            .collect(),
    )
}

/// Signs the inspection off and locks it. Refused while anything is missing.
pub fn sign(
    db: &mut Db,
    id: &str,
    inspectors: &[String],
    representative: &str,
    signature: Option<&Attachment>,
    actor: &str,
) -> Result<SignOff> {
    let inspectors = clean_names("inspectors", inspectors)?;
    if inspectors.is_empty() {
        return Err(Error::invalid("inspectors", Reason::Required));
    }
    let representative = clean(representative);
    check_len("representative", &representative, limits::NAME)?;
    if representative.is_empty() {
        return Err(Error::invalid("representative", Reason::Required));
    }
    let gaps = completion(db, id)?;
    if !gaps.is_empty() {
        return Err(gap_error(gaps.into_iter().map(|g| (format!("{} {}", g.code, g.title), g.gap))));
    }
    if let Some(sig) = signature {
        if !sig.media_type.starts_with("image/") {
            return Err(invalid("signature", "签名须为图片", "the signature must be an image"));
        }
    }
    db.with_tx(|tx| {
        if header(tx, id)?.status == InspectionStatus::Signed {
            return Err(invalid("status", "该检查已签字确认", "this inspection is already signed"));
        }
        let now = tx.now_text();
        if let Some(a) = signature {
            insert_attachment(tx, a)?;
        }
        tx.execute(
            "UPDATE inspection SET status = 'signed', signed_at = ?2, signed_inspectors = ?3, signed_representative = ?4,
                 signature_sha256 = ?5, updated_at = ?2, device_id = ?6
             WHERE id = ?1",
            params![
                id,
                now,
                serde_json::to_string(&inspectors).expect("strings"),
                representative,
                signature.map(|a| a.sha256.clone()),
                tx.device_id()
            ],
        )?;
        changelog::record(tx, actor, "inspection", id, "status", Some("draft"), Some("signed"))?;
        // The findings become problems (or, for a 回头看, verify the open ones) with the signature.
        crate::problem::verify_by_look_back(tx, id, actor)?;
        crate::problem::raise_from_signed(tx, id, actor)?;
        Ok(())
    })?;
    show(db, id)?.signoff.ok_or_else(|| Error::Internal("signed without sign-off".into()))
}

const SUMMARY_SELECT: &str = "
    SELECT i.*,
        (SELECT count(*) FROM inspection_item x WHERE x.inspection_id = i.id) AS total,
        (SELECT count(*) FROM inspection_item x WHERE x.inspection_id = i.id AND x.verdict IS NOT NULL) AS answered,
        (SELECT count(*) FROM inspection_item x WHERE x.inspection_id = i.id AND x.verdict = 'noncompliant') AS noncompliant,
        (SELECT count(*) FROM inspection_item x WHERE x.inspection_id = i.id AND x.verdict = 'partial') AS partial
    FROM inspection i";

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<InspectionSummary> {
    Ok(InspectionSummary {
        id: r.get("id")?,
        target_id: r.get("target_id")?,
        target_kind: store_slug(r, "target_kind", TargetKind::from_slug)?,
        target_name: r.get("target_name")?,
        kind: store_slug(r, "kind", InspectionKind::from_slug)?,
        date: r.get("date")?,
        group: r.get("group_name")?,
        leader: r.get("leader")?,
        status: if r.get::<_, String>("status")? == "signed" { InspectionStatus::Signed } else { InspectionStatus::Draft },
        catalog_version_id: r.get("catalog_version_id")?,
        total: r.get("total")?,
        answered: r.get("answered")?,
        noncompliant: r.get("noncompliant")?,
        partial: r.get("partial")?,
        signed_at: r.get("signed_at")?,
        updated_at: r.get("updated_at")?,
    })
}

/// Inspections, newest first; of one target when given.
pub fn list(db: &Db, target_id: Option<&str>) -> Result<Vec<InspectionSummary>> {
    let sql = format!("{SUMMARY_SELECT} WHERE (?1 IS NULL OR i.target_id = ?1) ORDER BY i.date DESC, i.created_at DESC");
    let mut st = db.conn().prepare(&sql)?;
    let rows = st.query_map([target_id], summary_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const ITEM_SELECT: &str = "
    SELECT x.*, c.kind AS item_kind, g.name AS group_name, c.title, c.requirement, c.basis, c.methods,
           c.quick_phrases, c.major_hazard, c.default_severity,
           (SELECT json_group_array(e.sha256) FROM (SELECT sha256 FROM evidence e
               WHERE e.inspection_id = x.inspection_id AND e.item_code = x.item_code ORDER BY e.created_at, e.rowid) e) AS evidence
    FROM inspection_item x
    JOIN inspection i ON i.id = x.inspection_id
    JOIN catalog_item c ON c.version_id = i.catalog_version_id AND c.code = x.item_code
    JOIN catalog_group g ON g.id = c.group_id";

fn item_from_row(r: &Row<'_>) -> rusqlite::Result<ChecklistItem> {
    let opt = |col: &str| r.get::<_, Option<String>>(col);
    Ok(ChecklistItem {
        code: r.get("item_code")?,
        kind: store_slug(r, "item_kind", ItemKind::from_slug)?,
        group: r.get("group_name")?,
        title: r.get("title")?,
        requirement: r.get("requirement")?,
        basis: r.get("basis")?,
        methods: json_col(r, "methods")?,
        quick_phrases: json_col(r, "quick_phrases")?,
        major_hazard: r.get("major_hazard")?,
        default_severity: store_slug(r, "default_severity", Severity::from_slug)?,
        added_by_hand: r.get("added_by_hand")?,
        verdict: opt("verdict")?.as_deref().and_then(Verdict::from_slug),
        finding: r.get("finding")?,
        severity: opt("severity")?.as_deref().and_then(Severity::from_slug),
        scope: opt("scope")?.as_deref().and_then(Scope::from_slug),
        na_reason: r.get("na_reason")?,
        evidence: json_col(r, "evidence")?,
        updated_at: r.get("updated_at")?,
    })
}

/// One checklist item as it now is.
pub fn item(db: &Db, id: &str, code: &str) -> Result<ChecklistItem> {
    let code = normalize_code(code);
    item_view(db, id, &code).map_err(|e| match e {
        Error::Db(rusqlite::Error::QueryReturnedNoRows) => Error::NotFound { what: "条目", key: format!("{id}/{code}") },
        other => other,
    })
}

fn item_view(db: &Db, id: &str, code: &str) -> Result<ChecklistItem> {
    let sql = format!("{ITEM_SELECT} WHERE x.inspection_id = ?1 AND x.item_code = ?2");
    Ok(db.conn().prepare_cached(&sql)?.query_row([id, code], item_from_row)?)
}

/// Everything about one inspection.
pub fn show(db: &Db, id: &str) -> Result<InspectionDetail> {
    let conn = db.conn();
    let sql = format!("{SUMMARY_SELECT} WHERE i.id = ?1");
    let Some((summary, members, representatives, last, signoff)) = conn
        .query_row(&sql, [id], |r| {
            let signoff = match r.get::<_, Option<String>>("signed_at")? {
                Some(at) => Some(SignOff {
                    signed_at: at,
                    inspectors: json_col(r, "signed_inspectors")?,
                    representative: r.get("signed_representative")?,
                    signature: r.get("signature_sha256")?,
                }),
                None => None,
            };
            Ok((
                summary_from_row(r)?,
                json_col::<Vec<String>>(r, "members")?,
                json_col::<Vec<String>>(r, "representatives")?,
                r.get::<_, Option<String>>("last_item_code")?,
                signoff,
            ))
        })
        .optional()?
    else {
        return Err(Error::NotFound { what: "检查", key: id.to_string() });
    };
    let items: Vec<ChecklistItem> = {
        let sql = format!("{ITEM_SELECT} WHERE x.inspection_id = ?1 ORDER BY x.position");
        let mut st = conn.prepare(&sql)?;
        let rows = st.query_map([id], item_from_row)?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let attachments: Vec<Attachment> = {
        let mut st = conn.prepare(
            "SELECT DISTINCT a.* FROM attachment a
             WHERE a.sha256 IN (SELECT sha256 FROM evidence WHERE inspection_id = ?1)
                OR a.sha256 = (SELECT signature_sha256 FROM inspection WHERE id = ?1)
             ORDER BY a.created_at, a.sha256",
        )?;
        let rows = st.query_map([id], |r| {
            Ok(Attachment {
                sha256: r.get("sha256")?,
                media_type: r.get("media_type")?,
                size: r.get("size")?,
                width: r.get("width")?,
                height: r.get("height")?,
                original_name: r.get("original_name")?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let suggestions: Vec<Suggestion> = {
        let mut st = conn.prepare("SELECT * FROM suggestion WHERE inspection_id = ?1 ORDER BY created_at, id")?;
        let rows = st.query_map([id], |r| {
            Ok(Suggestion { id: r.get("id")?, item_code: r.get("item_code")?, text: r.get("text")?, created_at: r.get("created_at")? })
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let amendments: Vec<Amendment> = {
        let mut st = conn.prepare("SELECT * FROM amendment WHERE inspection_id = ?1 ORDER BY created_at, id")?;
        let rows = st.query_map([id], |r| {
            Ok(Amendment {
                id: r.get("id")?,
                item_code: r.get("item_code")?,
                reason: r.get("reason")?,
                before: json_col(r, "before")?,
                after: json_col(r, "after")?,
                actor: r.get("actor")?,
                created_at: r.get("created_at")?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    Ok(InspectionDetail { summary, members, representatives, last_item_code: last, items, attachments, suggestions, signoff, amendments })
}

/// How one item's verdict went across the inspections of a target, oldest first.
pub fn item_history(db: &Db, target_id: &str, code: &str) -> Result<Vec<VerdictHistoryEntry>> {
    let mut st = db.conn().prepare(
        "SELECT i.id, i.date, i.kind, i.status, x.verdict, x.finding, x.severity
         FROM inspection i JOIN inspection_item x ON x.inspection_id = i.id
         WHERE i.target_id = ?1 AND x.item_code = ?2
         ORDER BY i.date, i.created_at",
    )?;
    let code = normalize_code(code);
    let rows = st.query_map(params![target_id, code], |r| {
        Ok(VerdictHistoryEntry {
            inspection_id: r.get(0)?,
            date: r.get(1)?,
            kind: store_slug(r, "kind", InspectionKind::from_slug)?,
            status: if r.get::<_, String>(3)? == "signed" { InspectionStatus::Signed } else { InspectionStatus::Draft },
            verdict: r.get::<_, Option<String>>(4)?.as_deref().and_then(Verdict::from_slug),
            finding: r.get(5)?,
            severity: r.get::<_, Option<String>>(6)?.as_deref().and_then(Severity::from_slug),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
