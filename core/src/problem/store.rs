//! Problems in the database. Each public function taking a `Db` is one
//! transaction; those taking a `Tx` run inside the caller's (the sign-off of
//! an inspection, an amendment).

use chrono::NaiveDate;
use rusqlite::{params, params_from_iter, OptionalExtension, Row};

use super::lifecycle::{self, DateChange, Step};
use super::*;
use crate::catalog::{Severity, TargetKind};
use crate::changelog;
use crate::db::{like_pattern, Db, Tx};
use crate::error::{Error, Reason, Result};
use crate::evidence::{Checked, EvidenceStore};
use crate::inspection::{InspectionKind, Scope, Verdict};
use crate::text::clean;

/// Files checked but not yet stored; written only once the step has passed every check.
pub struct Files<'a> {
    pub store: &'a EvidenceStore,
    pub files: Vec<Checked>,
}

fn refuse(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Error {
    Error::refuse(field, zh, en)
}

use crate::text::check_text;

pub(crate) fn parse_date(field: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| Error::invalid(field, Reason::Invalid { value: s.to_string(), expected: "YYYY-MM-DD 格式的日期".into() }))
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn today_of(tx: &Tx<'_>) -> NaiveDate {
    today(tx.now())
}

const ROW_SELECT: &str = "
    SELECT p.*, j.name AS county_name, d.name AS department_name
    FROM problem p
    LEFT JOIN jurisdiction j ON j.id = p.county_id
    LEFT JOIN department d ON d.id = p.department_id";

fn row_from(r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<ProblemRow> {
    let slug = |col: &str| -> rusqlite::Result<String> { r.get(col) };
    let bad = |what: &str, v: String| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, format!("{what} {v}").into());
    let status = Status::from_slug(&slug("status")?).ok_or_else(|| bad("status", slug("status").unwrap_or_default()))?;
    let deadline: Option<String> = r.get("deadline")?;
    let deadline_date = deadline.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    Ok(ProblemRow {
        id: r.get("id")?,
        number: r.get("number")?,
        status,
        open: status.is_open(),
        overdue: is_overdue(status, deadline_date, today),
        severity: Severity::from_slug(&slug("severity")?).ok_or_else(|| bad("severity", String::new()))?,
        scope: r.get::<_, Option<String>>("scope")?.as_deref().and_then(Scope::from_slug),
        source: Source::from_slug(&slug("source")?).ok_or_else(|| bad("source", String::new()))?,
        target_kind: TargetKind::from_slug(&slug("target_kind")?).ok_or_else(|| bad("target_kind", String::new()))?,
        target_id: r.get("target_id")?,
        target_name: r.get("target_name")?,
        county: r.get("county_name")?,
        item_code: r.get("item_code")?,
        category: r.get("category")?,
        description: r.get("description")?,
        group: r.get("group_name")?,
        found_on: r.get("found_on")?,
        inspection_id: r.get("inspection_id")?,
        department: r.get("department_name")?,
        responsible_unit: r.get("responsible_unit")?,
        responsible_person: r.get("responsible_person")?,
        measure: r.get("measure")?,
        deadline,
        rectified_on: r.get("rectified_on")?,
        closed_on: r.get("closed_on")?,
        merged_into: r.get("merged_into")?,
        updated_at: r.get("updated_at")?,
    })
}

/// A problem by its id or, failing that, by its number. A number two laptops
/// both gave out names no one problem: the caller is told to use the id (or
/// to settle the clash with [`renumber`]) rather than handed either.
fn load(conn: &rusqlite::Connection, id: &str, today: NaiveDate) -> Result<ProblemRow> {
    let key = id.trim();
    if let Some(row) = conn.prepare_cached(&format!("{ROW_SELECT} WHERE p.id = ?1"))?.query_row([key], |r| row_from(r, today)).optional()? {
        return Ok(row);
    }
    let mut rows: Vec<ProblemRow> =
        conn.prepare_cached(&format!("{ROW_SELECT} WHERE p.number = ?1"))?.query_map([key], |r| row_from(r, today))?.collect::<rusqlite::Result<_>>()?;
    match rows.len() {
        0 => Err(Error::NotFound { what: "问题", key: id.to_string() }),
        1 => Ok(rows.remove(0)),
        n => Err(refuse(
            "id",
            format!("编号 {key} 同时用于 {n} 个问题，请改用问题的 ID，或先为其中之一重新编号"),
            format!("the number {key} is used by {n} problems: use the problem's id, or renumber one of them first"),
        )),
    }
}

/// Problems that share a number: two laptops numbered different problems
/// alike before their files met. Both keep their history; a person picks the
/// one to [`renumber`].
pub fn number_clashes(db: &Db) -> Result<Vec<NumberClash>> {
    let today = today(db.now());
    let conn = db.conn();
    let numbers: Vec<String> = conn
        .prepare("SELECT number FROM problem GROUP BY number HAVING count(*) > 1 ORDER BY number")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = conn.prepare(&format!("{ROW_SELECT} WHERE p.number = ?1 ORDER BY p.created_at, p.id"))?;
    let mut out = Vec::with_capacity(numbers.len());
    for number in numbers {
        let problems = st.query_map([&number], |r| row_from(r, today))?.collect::<rusqlite::Result<_>>()?;
        out.push(NumberClash { number, problems });
    }
    Ok(out)
}

/// Gives a problem whose number another problem also carries a new number
/// of its own (a longer part of its id), and records the change. A number no
/// other problem shares is left alone: a problem's number is what people
/// have written on paper.
pub fn renumber(db: &mut Db, id: &str, actor: &str) -> Result<ProblemDetail> {
    let pid = db.with_tx(|tx| {
        let p: (String, String, String) = tx
            .query_row("SELECT id, number, found_on FROM problem WHERE id = ?1", [id.trim()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?
            .ok_or_else(|| Error::NotFound { what: "问题", key: id.to_string() })?;
        let (pid, old, found_on) = p;
        let shared: i64 = tx.query_row("SELECT count(*) FROM problem WHERE number = ?1", [&old], |r| r.get(0))?;
        if shared < 2 {
            return Err(refuse("id", format!("编号 {old} 没有与其他问题重复，无需重新编号"), format!("no other problem has the number {old}")));
        }
        let found_on = parse_date("found_on", &found_on)?;
        let number = new_number(tx, &pid, found_on)?;
        tx.execute("UPDATE problem SET number = ?2, updated_at = ?3 WHERE id = ?1", params![pid, number, tx.now_text()])?;
        changelog::record(tx, actor, "problem", &pid, "number", Some(&old), Some(&number))?;
        Ok(pid)
    })?;
    get(db, &pid)
}

/// A number people can read out and write on paper: WT + date found + a
/// part of the id, so two laptops numbering on the same day do not clash.
fn new_number(tx: &Tx<'_>, id: &str, found_on: NaiveDate) -> Result<String> {
    let hex: String = id.chars().filter(|c| c.is_ascii_hexdigit()).collect::<String>().to_uppercase();
    for len in [4, 6, 8, 12] {
        let number = format!("WT{}-{}", found_on.format("%Y%m%d"), &hex[hex.len() - len..]);
        let taken: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM problem WHERE number = ?1)", [&number], |r| r.get(0))?;
        if !taken {
            return Ok(number);
        }
    }
    Err(Error::Internal(format!("no free problem number for {id}")))
}

/// What an event records besides its step: the day, a note, who verified
/// and how, and the inspection it came from.
pub(crate) struct StepRecord<'a> {
    pub on: NaiveDate,
    pub note: &'a str,
    /// (who verified, how), for a verification.
    pub verification: Option<(&'a str, VerifyMethod)>,
    pub inspection_id: Option<&'a str>,
    pub actor: &'a str,
}

/// Takes one step of a problem's life: checks it against the
/// [`lifecycle`](super::lifecycle), moves the status and its dates, and
/// records the event. Every step of every problem — by a person, a 回头看 or
/// an import — is written here and nowhere else. Returns the event's id.
pub(crate) fn record_step(tx: &Tx<'_>, problem_id: &str, status: Status, step: Step, rec: &StepRecord<'_>) -> Result<String> {
    let t = lifecycle::next(status, step).map_err(|r| refuse("status", r.zh, r.en))?;
    let date = |c: DateChange| match c {
        DateChange::Keep => "keep",
        DateChange::SetToStepDay => "set",
        DateChange::SetIfEmpty => "if_empty",
        DateChange::Clear => "clear",
    };
    tx.prepare_cached(
        "UPDATE problem SET status = ?2,
             rectified_on = CASE ?3 WHEN 'keep' THEN rectified_on WHEN 'set' THEN ?5
                                    WHEN 'if_empty' THEN coalesce(rectified_on, ?5) ELSE NULL END,
             closed_on = CASE ?4 WHEN 'keep' THEN closed_on WHEN 'set' THEN ?5
                                 WHEN 'if_empty' THEN coalesce(closed_on, ?5) ELSE NULL END,
             updated_at = ?6, device_id = ?7
         WHERE id = ?1",
    )?
    .execute(params![problem_id, t.to.slug(), date(t.rectified_on), date(t.closed_on), date_text(rec.on), tx.now_text(), tx.device_id()])?;
    let result = match step {
        Step::Verify(r) => Some(r),
        _ => None,
    };
    insert_event(tx, problem_id, t.event, Some(t.from), Some(t.to), result, rec)
}

/// The first event of a problem: 列入问题清单, as 待整改.
pub(crate) fn record_listed(tx: &Tx<'_>, problem_id: &str, rec: &StepRecord<'_>) -> Result<String> {
    insert_event(tx, problem_id, EventKind::Created, None, Some(Status::Pending), None, rec)
}

fn insert_event(
    tx: &Tx<'_>,
    problem_id: &str,
    kind: EventKind,
    from: Option<Status>,
    to: Option<Status>,
    result: Option<VerifyResult>,
    rec: &StepRecord<'_>,
) -> Result<String> {
    debug_assert!(lifecycle::event_is_legal(kind, from, to), "{kind:?} {from:?} → {to:?}");
    let id = tx.new_id();
    tx.prepare_cached(
        "INSERT INTO problem_event (id, problem_id, kind, on_date, actor, note, method, result, verifier, inspection_id,
             from_status, to_status, created_at, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        id,
        problem_id,
        kind.slug(),
        date_text(rec.on),
        rec.actor,
        rec.note,
        rec.verification.map(|v| v.1.slug()),
        result.map(|r| r.slug()),
        rec.verification.map(|v| v.0).unwrap_or(""),
        rec.inspection_id,
        from.map(|s| s.slug()),
        to.map(|s| s.slug()),
        tx.now_text(),
        tx.device_id(),
    ])?;
    if from != to {
        changelog::record(tx, rec.actor, "problem", problem_id, "status", from.map(|s| s.slug()), to.map(|s| s.slug()))?;
    }
    Ok(id)
}

fn attach(tx: &Tx<'_>, problem_id: &str, event_id: &str, files: Option<Files<'_>>) -> Result<()> {
    let Some(Files { store, files }) = files else { return Ok(()) };
    for f in files {
        let a = store.store(f)?;
        crate::evidence::register(tx, &a)?;
        tx.execute(
            "INSERT OR IGNORE INTO problem_evidence (id, problem_id, event_id, sha256, created_at, device_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![tx.natural_id("problem_evidence", &[problem_id, &a.sha256]), problem_id, event_id, a.sha256, tx.now_text(), tx.device_id()],
        )?;
    }
    Ok(())
}

fn check_files(files: &Option<Files<'_>>) -> Result<()> {
    if let Some(f) = files {
        if f.files.len() > limits::FILES {
            return Err(Error::invalid("evidence", Reason::OutOfRange { value: f.files.len().to_string(), range: format!("≤ {}", limits::FILES) }));
        }
    }
    Ok(())
}

// ---- raising problems

struct Derived {
    county_id: Option<String>,
    department_id: Option<String>,
    responsible_unit: String,
}

/// County, responsible department and unit of a target, as far as the registry knows them.
fn derive(tx: &Tx<'_>, target_kind: TargetKind, target_id: Option<&str>, target_name: &str, item_departments: &[String]) -> Result<Derived> {
    let mut department_id = None;
    for name in item_departments {
        if let Some(id) = tx.query_row("SELECT id FROM department WHERE name = ?1", [name], |r| r.get::<_, String>(0)).optional()? {
            department_id = Some(id);
            break;
        }
    }
    let county_id = match (target_kind, target_id) {
        (TargetKind::CountyGovernment, Some(id)) => Some(id.to_string()),
        (TargetKind::Department, Some(id)) => {
            department_id = Some(id.to_string());
            None
        }
        (_, Some(id)) => tx.query_row("SELECT county_id FROM facility WHERE id = ?1", [id], |r| r.get(0)).optional()?,
        (_, None) => None,
    };
    Ok(Derived { county_id, department_id, responsible_unit: target_name.to_string() })
}

/// Raises one problem per 不符合 finding of a signed inspection that has none
/// yet. Runs inside the sign-off (or amendment) transaction.
pub fn raise_from_signed(tx: &Tx<'_>, inspection_id: &str, actor: &str) -> Result<Vec<String>> {
    let rows: Vec<(String, String, Option<String>, String, String, String, String, Option<String>, Option<String>, String, String)> = {
        let mut st = tx.prepare_cached(
            "SELECT i.kind, i.target_kind, i.target_id, i.target_name, i.date, i.group_name, ii.item_code,
                    ii.severity, ii.scope, ii.finding, g.name || '|' || ci.departments
             FROM inspection_item ii
             JOIN inspection i ON i.id = ii.inspection_id
             JOIN catalog_item ci ON ci.version_id = i.catalog_version_id AND ci.code = ii.item_code
             JOIN catalog_group g ON g.id = ci.group_id
             WHERE ii.inspection_id = ?1 AND ii.verdict = 'noncompliant'
               AND NOT EXISTS (SELECT 1 FROM problem_finding pf WHERE pf.inspection_id = ii.inspection_id AND pf.item_code = ii.item_code)
             ORDER BY ii.position",
        )?;
        let rows = st.query_map([inspection_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut raised = Vec::new();
    for (kind, target_kind, target_id, target_name, date, group, code, severity, scope, finding, group_and_depts) in rows {
        let kind = InspectionKind::from_slug(&kind).ok_or_else(|| Error::Internal(format!("inspection kind {kind}")))?;
        let target_kind = TargetKind::from_slug(&target_kind).ok_or_else(|| Error::Internal(format!("target kind {target_kind}")))?;
        let (category, depts) = group_and_depts.split_once('|').unwrap_or((&group_and_depts, "[]"));
        let depts: Vec<String> = serde_json::from_str(depts).unwrap_or_default();
        let derived = derive(tx, target_kind, target_id.as_deref(), &target_name, &depts)?;
        let found_on = parse_date("found_on", &date)?;
        let id = tx.new_id();
        let number = new_number(tx, &id, found_on)?;
        tx.execute(
            "INSERT INTO problem (id, number, target_kind, target_id, target_name, county_id, item_code, category, description,
                 severity, scope, source, group_name, found_on, inspection_id, department_id, responsible_unit,
                 created_at, updated_at, device_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18, ?19)",
            params![
                id,
                number,
                target_kind.slug(),
                target_id,
                target_name,
                derived.county_id,
                code,
                category,
                finding,
                severity.as_deref().unwrap_or("general"),
                scope,
                Source::of_inspection(kind).slug(),
                group,
                date,
                inspection_id,
                derived.department_id,
                derived.responsible_unit,
                tx.now_text(),
                tx.device_id(),
            ],
        )?;
        tx.execute(
            "INSERT INTO problem_finding (inspection_id, item_code, problem_id, created_at, device_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![inspection_id, code, id, tx.now_text(), tx.device_id()],
        )?;
        record_listed(tx, &id, &StepRecord { on: found_on, note: &finding, verification: None, inspection_id: Some(inspection_id), actor })?;
        raised.push(id);
    }
    Ok(raised)
}

/// Keeps the problem of a finding in step with a correction made after
/// sign-off: a finding that became 不符合 raises one; a problem whose finding
/// no longer stands is withdrawn while nobody has started on it; a pending
/// problem takes the corrected text, severity and scope.
pub fn on_amended(tx: &Tx<'_>, inspection_id: &str, code: &str, actor: &str) -> Result<()> {
    let (verdict, finding, severity, scope): (Option<String>, String, Option<String>, Option<String>) = tx.query_row(
        "SELECT verdict, finding, severity, scope FROM inspection_item WHERE inspection_id = ?1 AND item_code = ?2",
        [inspection_id, code],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let linked: Option<(String, String, i64)> = tx
        .query_row(
            "SELECT p.id, p.status, (SELECT count(*) FROM problem_finding x WHERE x.problem_id = p.id)
             FROM problem_finding pf JOIN problem p ON p.id = pf.problem_id
             WHERE pf.inspection_id = ?1 AND pf.item_code = ?2",
            [inspection_id, code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let today = today_of(tx);
    let noncompliant = verdict.as_deref().and_then(Verdict::from_slug) == Some(Verdict::Noncompliant);
    match (noncompliant, linked) {
        (true, None) => {
            raise_from_signed(tx, inspection_id, actor)?;
        }
        (true, Some((pid, status, _))) if status == Status::Pending.slug() => {
            tx.execute(
                "UPDATE problem SET description = ?2, severity = ?3, scope = ?4, updated_at = ?5, device_id = ?6 WHERE id = ?1",
                params![pid, finding, severity.as_deref().unwrap_or("general"), scope, tx.now_text(), tx.device_id()],
            )?;
            changelog::record(tx, actor, "problem", &pid, "description", None, Some(&finding))?;
        }
        (false, Some((pid, status, 1))) if status == Status::Pending.slug() => {
            let rec = StepRecord { on: today, note: "检查记录已更正，该项不再判定为不符合", verification: None, inspection_id: Some(inspection_id), actor };
            record_step(tx, &pid, Status::Pending, Step::Withdraw, &rec)?;
        }
        _ => {}
    }
    Ok(())
}

/// Item codes of the open problems of a target: the checklist of a 回头看.
pub fn open_problem_codes(tx: &Tx<'_>, target_id: &str) -> Result<Vec<String>> {
    let mut st = tx.prepare_cached(
        "SELECT DISTINCT item_code FROM problem
         WHERE target_id = ?1 AND item_code IS NOT NULL AND status IN ('pending', 'in_progress', 'awaiting_verification')
         ORDER BY item_code",
    )?;
    let codes = st.query_map([target_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(codes)
}

/// A signed 回头看 verifies the open problems of its target item by item: 符合
/// closes them out (a problem the unit had not yet reported done is first
/// marked rectified, as seen on the spot); 基本符合 or 不符合 returns them to
/// 整改中 with the inspector's finding. Findings it covers raise no new problem.
pub fn verify_by_look_back(tx: &Tx<'_>, inspection_id: &str, actor: &str) -> Result<()> {
    let (kind, target_id, date, leader, inspectors): (String, String, String, String, String) = tx.query_row(
        "SELECT kind, target_id, date, leader, signed_inspectors FROM inspection WHERE id = ?1",
        [inspection_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    if kind != InspectionKind::LookBack.slug() {
        return Ok(());
    }
    let on = parse_date("date", &date)?;
    let inspectors: Vec<String> = serde_json::from_str(&inspectors).unwrap_or_default();
    let verifier = if inspectors.is_empty() { leader } else { inspectors.join("、") };
    let items: Vec<(String, Option<String>, String)> = {
        let mut st = tx.prepare_cached("SELECT item_code, verdict, finding FROM inspection_item WHERE inspection_id = ?1 ORDER BY position")?;
        let rows = st.query_map([inspection_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (code, verdict, finding) in items {
        let Some(verdict) = verdict.as_deref().and_then(Verdict::from_slug) else { continue };
        if verdict == Verdict::NotApplicable {
            continue;
        }
        let open: Vec<(String, String)> = {
            let mut st = tx.prepare_cached(
                "SELECT id, status FROM problem
                 WHERE target_id = ?1 AND item_code = ?2 AND status IN ('pending', 'in_progress', 'awaiting_verification')
                   AND (inspection_id IS NULL OR inspection_id <> ?3)
                 ORDER BY found_on, number",
            )?;
            let rows = st.query_map(params![target_id, code, inspection_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (pid, status) in &open {
            let status = Status::from_slug(status).ok_or_else(|| Error::Internal(format!("status {status}")))?;
            fn rec<'a>(on: NaiveDate, note: &'a str, verifier: Option<&'a str>, inspection_id: &'a str, actor: &'a str) -> StepRecord<'a> {
                StepRecord { on, note, verification: verifier.map(|v| (v, VerifyMethod::LookBack)), inspection_id: Some(inspection_id), actor }
            }
            let by = Some(verifier.as_str());
            if verdict == Verdict::Compliant {
                if status != Status::AwaitingVerification {
                    record_step(tx, pid, status, Step::ObservedRectified, &rec(on, "回头看时现场查看已整改", None, inspection_id, actor))?;
                }
                record_step(tx, pid, Status::AwaitingVerification, Step::Verify(VerifyResult::Pass), &rec(on, "", by, inspection_id, actor))?;
            } else if status == Status::AwaitingVerification {
                record_step(tx, pid, status, Step::Verify(VerifyResult::Fail), &rec(on, &finding, by, inspection_id, actor))?;
            } else {
                let note = format!("回头看：尚未整改到位。{finding}");
                record_step(tx, pid, status, Step::Note, &rec(on, &note, None, inspection_id, actor))?;
            }
        }
        if let Some((first, _)) = open.first() {
            tx.execute(
                "INSERT OR IGNORE INTO problem_finding (inspection_id, item_code, problem_id, created_at, device_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![inspection_id, code, first, tx.now_text(), tx.device_id()],
            )?;
        }
    }
    Ok(())
}

// ---- problems entered by hand

fn resolve_county(tx: &Tx<'_>, name: &str) -> Result<Option<String>> {
    let name = clean(name);
    if name.is_empty() {
        return Ok(None);
    }
    tx.query_row("SELECT id FROM jurisdiction WHERE level = 'county' AND name = ?1", [&name], |r| r.get(0))
        .optional()?
        .map(Some)
        .ok_or(Error::NotFound { what: "县（市、区）", key: name })
}

fn resolve_department(tx: &Tx<'_>, name: &str) -> Result<Option<String>> {
    let name = clean(name);
    if name.is_empty() {
        return Ok(None);
    }
    tx.query_row("SELECT id FROM department WHERE name = ?1", [&name], |r| r.get(0))
        .optional()?
        .map(Some)
        .ok_or(Error::NotFound { what: "部门", key: name })
}

/// Inserts a problem from another source (政府自查, 群众反映 …) inside a
/// transaction; an import calls it once per row.
pub(crate) fn insert_new(tx: &Tx<'_>, p: &NewProblem, actor: &str) -> Result<String> {
    let description = check_text("description", &p.description, limits::DESCRIPTION, true)?;
    let source = p.source.ok_or_else(|| Error::invalid("source", Reason::Required))?;
    let category_in = check_text("category", &p.category, limits::CATEGORY, false)?;
    let group = check_text("group", &p.group, limits::NAME, false)?;
    let unit_in = check_text("responsible_unit", &p.responsible_unit, limits::NAME, false)?;
    let today = today_of(tx);
    let found_on = match &p.found_on {
        Some(d) if !d.trim().is_empty() => parse_date("found_on", d)?,
        _ => today,
    };
    if found_on > today {
        return Err(refuse("found_on", "发现日期晚于今天", "the date found is in the future"));
    }
    // The target: a registry record, or a free-text name.
    let target_id = p.target_id.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let (target_kind, target_name) = match target_id {
        Some(id) => {
            if let Some((k, n)) = tx.query_row("SELECT kind, name FROM facility WHERE id = ?1", [id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).optional()? {
                (TargetKind::from_slug(&k).ok_or_else(|| Error::Internal(k.clone()))?, n)
            } else if let Some(n) = tx.query_row("SELECT name FROM jurisdiction WHERE id = ?1 AND level = 'county'", [id], |r| r.get::<_, String>(0)).optional()? {
                (TargetKind::CountyGovernment, format!("{n}人民政府"))
            } else if let Some(n) = tx.query_row("SELECT name FROM department WHERE id = ?1", [id], |r| r.get::<_, String>(0)).optional()? {
                (TargetKind::Department, n)
            } else {
                return Err(Error::NotFound { what: "检查对象", key: id.to_string() });
            }
        }
        None => {
            let name = check_text("target_name", &p.target_name, limits::NAME, true)?;
            (TargetKind::CountyGovernment, name)
        }
    };
    // The item, if named, must be in the active catalog.
    let item = match p.item_code.as_deref().map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty()) {
        Some(code) => {
            let version = crate::catalog::active_version_tx(tx)?.ok_or(Error::NotFound { what: "目录版本", key: String::new() })?;
            let found: Option<(String, String, bool)> = tx
                .query_row(
                    "SELECT g.name, ci.departments, ci.major_hazard FROM catalog_item ci JOIN catalog_group g ON g.id = ci.group_id
                     WHERE ci.version_id = ?1 AND ci.code = ?2",
                    [&version, &code],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let (group_name, depts, major) = found.ok_or_else(|| Error::NotFound { what: "条目", key: code.clone() })?;
            Some((code, group_name, serde_json::from_str::<Vec<String>>(&depts).unwrap_or_default(), major))
        }
        None => None,
    };
    let category = if !category_in.is_empty() {
        category_in
    } else if let Some((_, g, _, _)) = &item {
        g.clone()
    } else {
        return Err(Error::invalid("category", Reason::Required));
    };
    let severity = p.severity.unwrap_or(if item.as_ref().is_some_and(|i| i.3) { Severity::Major } else { Severity::General });
    let mut derived = derive(tx, target_kind, target_id, &target_name, item.as_ref().map(|i| i.2.as_slice()).unwrap_or(&[]))?;
    if let Some(c) = p.county.as_deref() {
        if let Some(id) = resolve_county(tx, c)? {
            derived.county_id = Some(id);
        }
    }
    if let Some(d) = p.department.as_deref() {
        if let Some(id) = resolve_department(tx, d)? {
            derived.department_id = Some(id);
        }
    }
    if !unit_in.is_empty() {
        derived.responsible_unit = unit_in;
    }
    let id = tx.new_id();
    let number = match p.number.as_deref().map(clean).filter(|n| !n.is_empty()) {
        Some(n) => {
            check_text("number", &n, 40, true)?;
            let taken: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM problem WHERE number = ?1)", [&n], |r| r.get(0))?;
            if taken {
                return Err(refuse("number", format!("问题编号“{n}”已存在"), format!("problem number '{n}' already exists")));
            }
            n
        }
        None => new_number(tx, &id, found_on)?,
    };
    tx.execute(
        "INSERT INTO problem (id, number, target_kind, target_id, target_name, county_id, item_code, category, description,
             severity, scope, source, group_name, found_on, department_id, responsible_unit, created_at, updated_at, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, ?18)",
        params![
            id,
            number,
            target_kind.slug(),
            target_id,
            target_name,
            derived.county_id,
            item.as_ref().map(|i| i.0.clone()),
            category,
            description,
            severity.slug(),
            p.scope.map(|s| s.slug()),
            source.slug(),
            group,
            date_text(found_on),
            derived.department_id,
            derived.responsible_unit,
            tx.now_text(),
            tx.device_id(),
        ],
    )?;
    record_listed(tx, &id, &StepRecord { on: found_on, note: &description, verification: None, inspection_id: None, actor })?;
    Ok(id)
}

/// Lists a problem from another source than an inspection.
pub fn create(db: &mut Db, p: &NewProblem, actor: &str) -> Result<ProblemDetail> {
    let id = db.with_tx(|tx| insert_new(tx, p, actor))?;
    get(db, &id)
}

// ---- rectification and close-out

fn current(tx: &Tx<'_>, id: &str) -> Result<ProblemRow> {
    load(tx, id, today_of(tx))
}

/// Refuses a step the problem's status does not allow, before anything is checked or written.
fn may(status: Status, step: Step) -> Result<()> {
    lifecycle::next(status, step).map(|_| ()).map_err(|r| refuse("status", r.zh, r.en))
}

/// A step's record made by a person today.
fn by_person<'a>(tx: &Tx<'_>, note: &'a str, actor: &'a str) -> StepRecord<'a> {
    StepRecord { on: today_of(tx), note, verification: None, inspection_id: None, actor }
}

/// Sets (or revises) the rectification plan; 待整改 → 整改中.
pub fn plan(db: &mut Db, id: &str, input: &Plan, actor: &str) -> Result<ProblemDetail> {
    let measure = check_text("measure", &input.measure, limits::NOTE, true)?;
    let unit = check_text("unit", &input.unit, limits::NAME, true)?;
    let person = check_text("person", &input.person, limits::NAME, false)?;
    let deadline = parse_date("deadline", &input.deadline)?;
    let pid = db.with_tx(|tx| {
        let p = current(tx, id)?;
        may(p.status, Step::Plan)?;
        let found_on = parse_date("found_on", &p.found_on)?;
        lifecycle::check_deadline(deadline, found_on, today_of(tx), p.severity).map_err(|r| refuse("deadline", r.zh, r.en))?;
        tx.execute(
            "UPDATE problem SET measure = ?2, responsible_unit = ?3, responsible_person = ?4, deadline = ?5 WHERE id = ?1",
            params![p.id, measure, unit, person, date_text(deadline)],
        )?;
        for (field, old, new) in [("measure", &p.measure, &measure), ("responsible_unit", &p.responsible_unit, &unit), ("responsible_person", &p.responsible_person, &person)] {
            changelog::record(tx, actor, "problem", &p.id, field, Some(old.as_str()), Some(new.as_str()))?;
        }
        changelog::record(tx, actor, "problem", &p.id, "deadline", p.deadline.as_deref(), Some(&date_text(deadline)))?;
        let note = format!("{measure}（责任单位：{unit}；整改期限：{}）", date_text(deadline));
        record_step(tx, &p.id, p.status, Step::Plan, &by_person(tx, &note, actor))?;
        Ok(p.id)
    })?;
    get(db, &pid)
}

/// Records progress (with evidence) on a problem being rectified.
pub fn progress(db: &mut Db, id: &str, note: &str, files: Option<Files<'_>>, actor: &str) -> Result<ProblemDetail> {
    let note = check_text("note", note, limits::NOTE, true)?;
    check_files(&files)?;
    let pid = db.with_tx(|tx| {
        let p = current(tx, id)?;
        let ev = record_step(tx, &p.id, p.status, Step::Progress, &by_person(tx, &note, actor))?;
        attach(tx, &p.id, &ev, files)?;
        Ok(p.id)
    })?;
    get(db, &pid)
}

/// The responsible unit reports the rectification done; 整改中 → 已整改待核验.
pub fn report_done(db: &mut Db, id: &str, note: &str, files: Option<Files<'_>>, actor: &str) -> Result<ProblemDetail> {
    let note = check_text("note", note, limits::NOTE, true)?;
    check_files(&files)?;
    let pid = db.with_tx(|tx| {
        let p = current(tx, id)?;
        let ev = record_step(tx, &p.id, p.status, Step::ReportDone, &by_person(tx, &note, actor))?;
        attach(tx, &p.id, &ev, files)?;
        Ok(p.id)
    })?;
    get(db, &pid)
}

/// Verifies a reported rectification: pass → 已销号, fail → 退回 整改中.
/// Only a problem reported done can be verified; nothing closes a problem
/// without a verification.
pub fn verify(db: &mut Db, id: &str, v: &Verification, files: Option<Files<'_>>, actor: &str) -> Result<ProblemDetail> {
    let by = check_text("by", &v.by, limits::NAME, true)?;
    let note = check_text("note", &v.note, limits::NOTE, false)?;
    check_files(&files)?;
    if v.result == VerifyResult::Fail && note.is_empty() {
        return Err(refuse("note", "核验未通过时须说明原因", "say why the verification failed"));
    }
    let pid = db.with_tx(|tx| {
        let p = current(tx, id)?;
        let step = Step::Verify(v.result);
        may(p.status, step)?;
        let today = today_of(tx);
        let on = match &v.on {
            Some(d) if !d.trim().is_empty() => parse_date("on", d)?,
            _ => today,
        };
        let found_on = parse_date("found_on", &p.found_on)?;
        lifecycle::check_verified_on(on, found_on, today).map_err(|r| refuse("on", r.zh, r.en))?;
        let rec = StepRecord { on, note: &note, verification: Some((&by, v.method)), inspection_id: None, actor };
        let ev = record_step(tx, &p.id, p.status, step, &rec)?;
        attach(tx, &p.id, &ev, files)?;
        Ok(p.id)
    })?;
    get(db, &pid)
}

/// Reopens a closed problem (已销号 → 整改中) with a reason; its history stays.
pub fn reopen(db: &mut Db, id: &str, reason: &str, actor: &str) -> Result<ProblemDetail> {
    let reason = check_text("reason", reason, limits::NOTE, true)?;
    let pid = db.with_tx(|tx| {
        let p = current(tx, id)?;
        record_step(tx, &p.id, p.status, Step::Reopen, &by_person(tx, &reason, actor))?;
        Ok(p.id)
    })?;
    get(db, &pid)
}

/// Merges problems of one target into the first: the others are withdrawn
/// (pointing at it) and their findings now belong to it; it takes the gravest severity.
pub fn merge(db: &mut Db, keep: &str, others: &[String], actor: &str) -> Result<ProblemDetail> {
    if others.is_empty() {
        return Err(Error::invalid("others", Reason::Required));
    }
    let pid = db.with_tx(|tx| {
        let k = current(tx, keep)?;
        may(k.status, Step::MergeKeep)?;
        let mut severity = k.severity;
        for o in others {
            let p = current(tx, o)?;
            if p.id == k.id {
                return Err(refuse("others", "不能把问题合并到它自身", "a problem cannot be merged into itself"));
            }
            if p.target_id.is_none() || p.target_id != k.target_id {
                return Err(refuse("others", format!("问题 {} 与 {} 不属于同一检查对象，不能合并", p.number, k.number), format!("{} and {} are not about the same target", p.number, k.number)));
            }
            may(p.status, Step::MergeAway)?;
            severity = severity.max(p.severity);
            tx.execute("UPDATE problem_finding SET problem_id = ?2 WHERE problem_id = ?1", params![p.id, k.id])?;
            tx.execute("UPDATE problem SET merged_into = ?2 WHERE id = ?1", params![p.id, k.id])?;
            record_step(tx, &p.id, p.status, Step::MergeAway, &by_person(tx, &format!("并入问题 {}", k.number), actor))?;
            let absorbed = format!("并入问题 {}：{}", p.number, p.description);
            record_step(tx, &k.id, k.status, Step::MergeKeep, &by_person(tx, &absorbed, actor))?;
        }
        // Severity is an ordered vocabulary: general < serious < major.
        tx.execute("UPDATE problem SET severity = ?2, updated_at = ?3 WHERE id = ?1", params![k.id, severity.slug(), tx.now_text()])?;
        Ok(k.id)
    })?;
    get(db, &pid)
}

// ---- reading

/// The problems a filter selects: 重大隐患 first, then overdue, then by date found.
pub fn list(db: &Db, f: &ProblemFilter) -> Result<Vec<ProblemRow>> {
    let today = today(db.now());
    let mut sql = format!("{ROW_SELECT} WHERE 1 = 1");
    let mut args: Vec<String> = Vec::new();
    // Pushes a value and gives its placeholder.
    let mut bind = |v: String| {
        args.push(v);
        format!("?{}", args.len())
    };
    if !f.statuses.is_empty() {
        let list: Vec<String> = f.statuses.iter().map(|s| format!("'{}'", s.slug())).collect();
        sql.push_str(&format!(" AND p.status IN ({})", list.join(", ")));
    } else if !f.include_withdrawn {
        sql.push_str(" AND p.status <> 'withdrawn'");
    }
    if f.overdue_only {
        sql.push_str(&format!(" AND p.status IN ('pending', 'in_progress') AND p.deadline < {}", bind(date_text(today))));
    }
    if let Some(c) = f.county.as_deref().map(clean).filter(|c| !c.is_empty()) {
        sql.push_str(&format!(" AND j.name = {}", bind(c)));
    }
    if let Some(t) = f.target_id.as_deref().filter(|t| !t.is_empty()) {
        sql.push_str(&format!(" AND p.target_id = {}", bind(t.to_string())));
    }
    if let Some(s) = f.severity {
        sql.push_str(&format!(" AND p.severity = {}", bind(s.slug().to_string())));
    }
    if let Some(s) = f.source {
        sql.push_str(&format!(" AND p.source = {}", bind(s.slug().to_string())));
    }
    if let Some(g) = f.group.as_deref().filter(|g| !g.is_empty()) {
        sql.push_str(&format!(" AND p.group_name = {}", bind(g.to_string())));
    }
    if let Some(c) = f.category.as_deref().filter(|c| !c.is_empty()) {
        sql.push_str(&format!(" AND p.category = {}", bind(c.to_string())));
    }
    if let Some(d) = f.department.as_deref().filter(|d| !d.is_empty()) {
        sql.push_str(&format!(" AND d.name = {}", bind(d.to_string())));
    }
    if let Some(q) = f.search.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let p = bind(like_pattern(q));
        sql.push_str(&format!(
            " AND (p.number LIKE {p} ESCAPE '\\' OR p.description LIKE {p} ESCAPE '\\' OR p.target_name LIKE {p} ESCAPE '\\'
                   OR p.responsible_unit LIKE {p} ESCAPE '\\')"
        ));
    }
    sql.push_str(&format!(
        " ORDER BY (p.severity = 'major' AND p.status IN ('pending', 'in_progress', 'awaiting_verification')) DESC,
           (p.status IN ('pending', 'in_progress') AND p.deadline < '{}') DESC,
           p.found_on, p.number",
        date_text(today)
    ));
    let mut st = db.conn().prepare(&sql)?;
    let rows = st.query_map(params_from_iter(args.iter()), |r| row_from(r, today))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One problem with its trail and the chain behind it. `id` may be the number.
pub fn get(db: &Db, id: &str) -> Result<ProblemDetail> {
    let today = today(db.now());
    let conn = db.conn();
    let problem = load(conn, id, today)?;
    let trace = match &problem.item_code {
        None => None,
        Some(code) => {
            let version: Option<String> = match &problem.inspection_id {
                Some(i) => conn.query_row("SELECT catalog_version_id FROM inspection WHERE id = ?1", [i], |r| r.get(0)).optional()?,
                None => None,
            };
            let version = match version {
                Some(v) => Some(v),
                None => crate::catalog::active_version(db)?.map(|v| v.id),
            };
            let item: Option<(String, String, String)> = match version {
                Some(v) => conn
                    .query_row("SELECT title, requirement, basis FROM catalog_item WHERE version_id = ?1 AND code = ?2", [&v, code], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .optional()?,
                None => None,
            };
            let mut st = conn.prepare(
                "SELECT i.id, i.date, i.kind, ii.finding FROM problem_finding pf
                 JOIN inspection i ON i.id = pf.inspection_id
                 JOIN inspection_item ii ON ii.inspection_id = pf.inspection_id AND ii.item_code = pf.item_code
                 WHERE pf.problem_id = ?1 ORDER BY i.date, i.id",
            )?;
            let findings = st
                .query_map([&problem.id], |r| {
                    Ok(TracedFinding {
                        inspection_id: r.get(0)?,
                        date: r.get(1)?,
                        kind: InspectionKind::from_slug(&r.get::<_, String>(2)?).unwrap_or(InspectionKind::LawEnforcement),
                        finding: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            item.map(|(title, requirement, basis)| ProblemTrace { item_code: code.clone(), item_title: title, requirement, basis, findings })
        }
    };
    let mut events = Vec::new();
    {
        let mut st = conn.prepare("SELECT * FROM problem_event WHERE problem_id = ?1 ORDER BY created_at, id")?;
        let mut ev = conn.prepare("SELECT sha256 FROM problem_evidence WHERE event_id = ?1 ORDER BY created_at")?;
        let rows = st.query_map([&problem.id], |r| {
            Ok(ProblemEvent {
                id: r.get("id")?,
                kind: EventKind::from_slug(&r.get::<_, String>("kind")?).unwrap_or(EventKind::Progress),
                on: r.get("on_date")?,
                actor: r.get("actor")?,
                note: r.get("note")?,
                method: r.get::<_, Option<String>>("method")?.as_deref().and_then(VerifyMethod::from_slug),
                result: r.get::<_, Option<String>>("result")?.as_deref().and_then(VerifyResult::from_slug),
                verifier: r.get("verifier")?,
                inspection_id: r.get("inspection_id")?,
                from_status: r.get::<_, Option<String>>("from_status")?.as_deref().and_then(Status::from_slug),
                to_status: r.get::<_, Option<String>>("to_status")?.as_deref().and_then(Status::from_slug),
                evidence: Vec::new(),
                created_at: r.get("created_at")?,
            })
        })?;
        for e in rows {
            let mut e = e?;
            e.evidence = ev.query_map([&e.id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            events.push(e);
        }
    }
    let attachments = {
        let mut st = conn.prepare(
            "SELECT a.* FROM problem_evidence pe JOIN attachment a ON a.sha256 = pe.sha256 WHERE pe.problem_id = ?1 ORDER BY pe.created_at",
        )?;
        let rows = st.query_map([&problem.id], |r| {
            Ok(Attachment {
                sha256: r.get("sha256")?,
                media_type: r.get("media_type")?,
                size: r.get("size")?,
                width: r.get("width")?,
                height: r.get("height")?,
                original_name: r.get("original_name")?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let actions = lifecycle::actions(&problem);
    let major_hazard_max_days = (problem.severity == Severity::Major).then_some(lifecycle::MAJOR_HAZARD_MAX_DAYS);
    let same_number = conn
        .prepare("SELECT id FROM problem WHERE number = ?1 AND id <> ?2 ORDER BY created_at, id")?
        .query_map([&problem.number, &problem.id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ProblemDetail { problem, trace, events, attachments, actions, major_hazard_max_days, same_number })
}
