//! Importing problems (and 意见建议) from a spreadsheet or CSV: problems from
//! other sources than the app's own inspections (政府自查, 群众反映 …), and
//! the 问题清单 the app exports, which imports back without loss.
//!
//! The layout is documented in `docs/cli.md` (“问题清单的导入格式”):
//!
//! - a sheet whose header names at least 问题描述 is a problem sheet; its
//!   headers are those of the export ([`crate::export::PROBLEM_HEADERS`]) or
//!   their synonyms. A row whose 类型 column says 意见建议 is a suggestion;
//! - a sheet whose name contains 意见建议 holds suggestions (the layout of
//!   the suggestions export: 意见建议, 来源, 提出对象, 县（市、区）…).
//!
//! A row may carry the problem's status with the steps behind it (整改措施,
//! 责任单位, 整改期限; 整改完成日期; 核验人, 核验方式, 核验日期, 核验结果). The
//! problem is created and its history written step by step as the store would
//! (列入 → 制定整改措施 → 报告整改完成 → 核验 …), dated from the file, so the
//! trail is real. A status that skips a step is refused: 已销号 without a
//! verification, 整改中 without a plan.
//!
//! All or nothing: every problem of every row (unknown target, county,
//! department, item or status; impossible dates; duplicate numbers in the
//! file or against the database) is reported by file, sheet, row, column and
//! field, and nothing is written while there is one.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;

use super::store::{record_step, StepRecord};
use super::{limits, today, NewProblem, Source, Status, VerifyMethod, VerifyResult};
use crate::catalog::{Severity, TargetKind};
use crate::db::{Db, Tx};
use crate::error::{Error, Problem, Reason, Result};
use crate::export::UNREGISTERED_TARGET;
use crate::lists::suggestions::NewOpinion;
use crate::inspection::Scope;
use crate::spreadsheet::{self, Field, Header, RowKind, Sheet, Workbook};
use crate::text::{clean, fold};
use crate::Lang;

const fn f(key: &'static str, zh: &'static str, synonyms: &'static [&'static str], required: bool) -> Field {
    Field { key, zh, synonyms, required }
}

/// The columns of a problem sheet. The Chinese names are the export's headers.
pub const FIELDS: &[Field] = &[
    f("number", "编号", &["问题编号", "编码"], false),
    f("kind", "类型", &["记录类型", "问题或建议", "问题/建议"], false),
    f("target_id", "对象编号", &["检查对象编号", "对象ID", "对象id"], false),
    f("target_kind", "对象类型", &["检查对象类型", "被检查对象类型"], false),
    f("target_name", "检查对象", &["被检查对象", "被检查单位", "检查单位名称", "问题单位", "涉及单位", "机构名称", "单位名称", "对象"], false),
    f("county", "县（市、区）", &["县(市、区)", "所属县区", "县区", "县市区", "区县", "所属县（市、区）", "所属县(市、区)", "县（区）"], false),
    f("item_code", "条目编号", &["条目", "对应条目", "标准编号", "指标编号", "衡量标准编号", "关联条目"], false),
    f("category", "问题类别", &["类别", "问题类型", "问题分类", "分类"], false),
    f("description", "问题描述", &["问题", "问题内容", "存在问题", "存在的问题", "问题表现", "具体问题", "主要问题", "内容"], true),
    f("severity", "严重程度", &["问题等级", "严重性", "等级"], false),
    f("scope", "问题范围", &["范围"], false),
    f("source", "问题来源", &["来源", "发现途径", "问题来源渠道"], false),
    f("group", "检查组", &["督查组", "组别", "检查小组"], false),
    f("found_on", "发现日期", &["检查日期", "发现时间", "日期"], false),
    f("department", "责任部门", &["主管部门", "牵头部门", "责任单位（部门）"], false),
    f("responsible_unit", "责任单位", &["整改责任单位", "整改单位"], false),
    f("person", "责任人", &["整改责任人"], false),
    f("measure", "整改措施", &["整改方案", "措施"], false),
    f("deadline", "整改期限", &["整改时限", "完成时限", "期限"], false),
    f("status", "状态", &["整改状态", "问题状态", "进展状态"], false),
    f("overdue", "是否逾期", &["逾期"], false),
    f("rectified_on", "整改完成日期", &["完成日期", "整改日期"], false),
    f("note", "最新进展", &["整改进展", "进展情况", "整改情况"], false),
    f("verifier", "核验人", &["核验人员", "核验单位"], false),
    f("method", "核验方式", &["核验方法", "验收方式"], false),
    f("verified_on", "核验日期", &["验收日期"], false),
    f("result", "核验结果", &["验收结果"], false),
    f("verify_note", "核验意见", &["核验说明", "核验情况"], false),
    f("closed_on", "销号日期", &["销号时间"], false),
];

/// The columns of a 意见建议 sheet (the layout of the suggestions export).
pub const SUGGESTION_FIELDS: &[Field] = &[
    f("text", "意见建议", &["意见建议内容", "建议内容", "建议", "意见", "内容"], true),
    f("source", "来源", &["问题来源", "提出方式"], false),
    f("addressee", "提出对象", &["建议对象", "主送单位", "承办单位", "责任单位", "责任部门"], false),
    f("county", "县（市、区）", &["县(市、区)", "所属县区", "县区", "县市区", "区县", "所属县（市、区）"], false),
    f("target_name", "检查对象", &["被检查对象", "被检查单位", "机构名称", "单位名称"], false),
    f("group", "检查组", &["督查组", "组别"], false),
    f("made_on", "提出日期", &["日期", "发现日期"], false),
    f("item_code", "条目编号", &["条目"], false),
];

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportReport {
    pub problems: u32,
    pub suggestions: u32,
    /// The numbers of the problems created, in file order.
    pub numbers: Vec<String>,
    /// Sheets without a recognisable header.
    pub skipped_sheets: Vec<String>,
}

/// Imports a file: everything or nothing.
pub fn import(db: &mut Db, path: &Path, actor: &str) -> Result<ImportReport> {
    let book = spreadsheet::read(path)?;
    import_workbook(db, &book, actor)
}

pub fn import_workbook(db: &mut Db, book: &Workbook, actor: &str) -> Result<ImportReport> {
    db.with_tx(|tx| {
        let ctx = Registry::load(tx)?;
        let parsed = parse(book, &ctx)?;
        write(tx, book, parsed, actor)
    })
}

// ---- what the database knows

struct FacilityRef {
    id: String,
    name: String,
    county: String,
    kind: TargetKind,
}

struct Registry {
    /// (id, name)
    counties: Vec<(String, String)>,
    facilities: Vec<FacilityRef>,
    departments: Vec<(String, String)>,
    /// Items of the active catalog: code → major hazard.
    items: Option<HashMap<String, bool>>,
    /// Problem numbers already in the database.
    numbers: std::collections::HashSet<String>,
    today: NaiveDate,
}

impl Registry {
    fn load(tx: &Tx<'_>) -> Result<Registry> {
        let pairs = |sql: &str| -> Result<Vec<(String, String)>> {
            let mut st = tx.prepare(sql)?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let counties = pairs("SELECT id, name FROM jurisdiction WHERE level = 'county' ORDER BY position, name")?;
        let departments = pairs("SELECT id, name FROM department ORDER BY position, name")?;
        let facilities = {
            let mut st = tx.prepare("SELECT f.id, f.name, j.name, f.kind FROM facility f JOIN jurisdiction j ON j.id = f.county_id")?;
            let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))?;
            let mut out = Vec::new();
            for row in rows {
                let (id, name, county, kind) = row?;
                let kind = TargetKind::from_slug(&kind).ok_or_else(|| Error::Internal(format!("facility kind {kind}")))?;
                out.push(FacilityRef { id, name, county, kind });
            }
            out
        };
        let items = match crate::catalog::active_version_tx(tx)? {
            None => None,
            Some(v) => {
                let mut st = tx.prepare("SELECT code, major_hazard FROM catalog_item WHERE version_id = ?1")?;
                let rows = st.query_map([&v], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?)))?;
                Some(rows.collect::<rusqlite::Result<_>>()?)
            }
        };
        let numbers = {
            let mut st = tx.prepare("SELECT number FROM problem")?;
            let rows = st.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        Ok(Registry { counties, facilities, departments, items, numbers, today: today(tx.now()) })
    }

    /// A registered county by its name (“汝阳” finds “汝阳县”).
    fn county(&self, name: &str) -> Option<&(String, String)> {
        let known: Vec<String> = self.counties.iter().map(|c| c.1.clone()).collect();
        let resolved = crate::registry::import::resolve_county(name, &known);
        self.counties.iter().find(|c| c.1 == resolved)
    }

    fn county_by_id(&self, id: &str) -> Option<&(String, String)> {
        self.counties.iter().find(|c| c.0 == id)
    }

    fn department(&self, name: &str) -> Option<&(String, String)> {
        let n = clean(name);
        self.departments.iter().find(|d| d.1 == n)
    }
}

// ---- reading and checking rows

/// Where a row is, to report problems found later (while writing).
#[derive(Clone)]
struct Place {
    sheet: usize,
    header: Header,
    row: usize,
}

struct Verification {
    by: String,
    method: VerifyMethod,
    result: VerifyResult,
    on: NaiveDate,
    note: String,
}

struct PlanInput {
    measure: String,
    unit: String,
    person: String,
    deadline: NaiveDate,
}

struct ProblemInput {
    place: Place,
    new: NewProblem,
    found_on: NaiveDate,
    status: Status,
    plan: Option<PlanInput>,
    rectified_on: Option<NaiveDate>,
    note: String,
    verification: Option<Verification>,
}

struct SuggestionInput {
    sheet: usize,
    row: usize,
    new: NewOpinion,
}

struct Parsed {
    problems: Vec<ProblemInput>,
    suggestions: Vec<SuggestionInput>,
    skipped: Vec<String>,
}

fn field_of<'a>(fields: &'a [Field], key: &str) -> &'a Field {
    fields.iter().find(|f| f.key == key).expect("known field key")
}

fn other(zh: impl Into<String>, en: impl Into<String>) -> Reason {
    Reason::Other { zh: zh.into(), en: en.into() }
}

/// Dates as offices write them: 2024-05-20, 2024/5/20, 2024.5.20, 2024年5月20日,
/// and Excel's day numbers (45473 = 2024-06-30), which a date column shows when
/// its cells lost their date format (in a CSV saved from one, say).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let f = fold(s);
    // Day 1 is 1900-01-01 and Excel counts a 29 February 1900 that never was,
    // so from March 1900 on the days count from 1899-12-30. Five digits cover
    // 1927 to 2173; the year bound below keeps only sensible ones.
    if f.len() == 5 && f.chars().all(|c| c.is_ascii_digit()) {
        let days: i64 = f.parse().ok()?;
        let d = NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::Duration::days(days))?;
        return (2000..=2100).contains(&chrono::Datelike::year(&d)).then_some(d);
    }
    let f = f.trim_end_matches('日').replace(['年', '月', '/', '.'], "-");
    let f = f.split(' ').next().unwrap_or("");
    let parts: Vec<&str> = f.split('-').collect();
    let d = match parts.as_slice() {
        [y, m, d] => NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?,
        [ymd] if ymd.len() == 8 && ymd.chars().all(|c| c.is_ascii_digit()) => NaiveDate::parse_from_str(ymd, "%Y%m%d").ok()?,
        _ => return None,
    };
    (2000..=2100).contains(&chrono::Datelike::year(&d)).then_some(d)
}

const DATE_EXPECTED: &str = "日期，如 2024-05-20";

/// A deadline as offices write it in words (6月底前, 年底前, 长期坚持,
/// 立行立改): a date would be a guess, so the row is refused with a hint.
fn is_vague_date(s: &str) -> bool {
    const WORDS: &[&str] = &["底", "前", "内", "长期", "持续", "立行立改", "立即", "尽快", "常态"];
    WORDS.iter().any(|w| s.contains(w))
}

/// Reads one sheet's cells with the problems found in them.
struct RowReader<'a> {
    book: &'a Workbook,
    sheet: &'a Sheet,
    header: &'a Header,
    fields: &'a [Field],
    row: usize,
    problems: Vec<Problem>,
}

impl RowReader<'_> {
    fn get(&self, key: &str) -> String {
        clean(self.sheet.get(self.header, self.row, key))
    }
    fn fail(&mut self, key: &str, reason: Reason) {
        let p = self.sheet.problem(&self.book.file, self.header, self.row, field_of(self.fields, key), reason);
        self.problems.push(p);
    }
    fn text(&mut self, key: &str, max: usize) -> String {
        let v = self.get(key);
        if v.chars().count() > max {
            self.fail(key, Reason::TooLong { max });
        }
        v
    }
    fn required(&mut self, key: &str, max: usize) -> String {
        let v = self.text(key, max);
        if v.is_empty() {
            self.fail(key, Reason::Required);
        }
        v
    }
    fn date(&mut self, key: &str) -> Option<NaiveDate> {
        let v = self.get(key);
        if v.is_empty() {
            return None;
        }
        match parse_date(&v) {
            Some(d) => Some(d),
            None if is_vague_date(&v) => {
                self.fail(
                    key,
                    other(
                        format!("“{v}”不是确切日期：请写明具体日期（如“6月底前”写作 2024-06-30），长期坚持的事项请写明阶段性完成日期，并在备注中说明"),
                        format!("'{v}' is not a date: give the day (for 6月底前, 2024-06-30); for an ongoing task, the date of its next stage, with a note"),
                    ),
                );
                None
            }
            None => {
                self.fail(key, Reason::Invalid { value: v, expected: DATE_EXPECTED.into() });
                None
            }
        }
    }
    /// A value of a closed vocabulary; `None` when empty or not understood (reported).
    fn vocab<T>(&mut self, key: &str, parse: impl Fn(&str) -> Option<T>, expected: String) -> Option<T> {
        let v = self.get(key);
        if v.is_empty() {
            return None;
        }
        let out = parse(&v);
        if out.is_none() {
            self.fail(key, Reason::Invalid { value: v, expected });
        }
        out
    }
    fn not_future(&mut self, key: &str, d: Option<NaiveDate>, today: NaiveDate) {
        if let Some(d) = d.filter(|d| *d > today) {
            let label = field_of(self.fields, key).zh;
            self.fail(key, other(format!("{label} {d} 晚于今天"), format!("{d} is in the future")));
        }
    }
}

fn is_suggestion_kind(s: &str) -> Option<bool> {
    match fold(s).as_str() {
        "" | "问题" | "problem" => Some(false),
        "意见建议" | "建议" | "意见" | "suggestion" | "意见和建议" => Some(true),
        _ => None,
    }
}

fn parse(book: &Workbook, reg: &Registry) -> Result<Parsed> {
    let mut problems: Vec<Problem> = Vec::new();
    let mut out = Parsed { problems: Vec::new(), suggestions: Vec::new(), skipped: Vec::new() };
    // number → (sheet, row) of its first use in the file
    let mut seen: HashMap<String, (String, u32)> = HashMap::new();
    let mut any_header = false;
    for (si, sheet) in book.sheets.iter().enumerate() {
        let suggestion_sheet = fold(&sheet.name).contains("意见建议");
        let fields = if suggestion_sheet { SUGGESTION_FIELDS } else { FIELDS };
        let Some(header) = sheet.find_header(fields) else {
            out.skipped.push(sheet.name.clone());
            continue;
        };
        any_header = true;
        let main = if suggestion_sheet { "text" } else { "description" };
        for r in header.row + 1..sheet.rows.len() {
            match sheet.classify(&header, r) {
                RowKind::Blank | RowKind::Note | RowKind::Total => continue,
                RowKind::Single(text) => {
                    // One filled cell in the main column is a (short) record; anything else a heading.
                    let filled = sheet.rows[r].iter().filter(|c| !c.is_empty()).count();
                    if !(filled == 1 && sheet.get(&header, r, main) == text) {
                        continue;
                    }
                }
                RowKind::Data => {}
            }
            let mut rr = RowReader { book, sheet, header: &header, fields, row: r, problems: Vec::new() };
            if suggestion_sheet {
                if let Some(s) = read_suggestion(&mut rr, reg, si, "text", "addressee", "made_on") {
                    out.suggestions.push(s);
                }
            } else {
                let kind = rr.get("kind");
                match is_suggestion_kind(&kind) {
                    None => rr.fail("kind", Reason::Invalid { value: kind, expected: "问题、意见建议".into() }),
                    Some(true) => {
                        if let Some(s) = read_suggestion(&mut rr, reg, si, "description", "responsible_unit", "found_on") {
                            out.suggestions.push(s);
                        }
                    }
                    Some(false) => {
                        let place = Place { sheet: si, header: header.clone(), row: r };
                        if let Some(p) = read_problem(&mut rr, reg, place, &mut seen) {
                            out.problems.push(p);
                        }
                    }
                }
            }
            problems.append(&mut rr.problems);
        }
    }
    if !any_header {
        let first = &book.sheets[0];
        let mut expected: Vec<String> = first.missing_required(FIELDS).iter().map(|s| s.to_string()).collect();
        if expected.is_empty() {
            expected = vec!["问题描述".into(), "问题来源".into(), "检查对象".into()];
        }
        return Err(Error::Input(vec![Problem::new(Reason::HeaderNotFound { expected }).file(&book.file).sheet(&first.name)]));
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    if out.problems.is_empty() && out.suggestions.is_empty() {
        return Err(Error::Input(vec![Problem::new(other("文件中没有找到任何问题或意见建议", "the file holds no problem and no suggestion")).file(&book.file)]));
    }
    Ok(out)
}

fn read_suggestion(rr: &mut RowReader<'_>, reg: &Registry, sheet: usize, text_key: &str, addressee_key: &str, date_key: &str) -> Option<SuggestionInput> {
    let before = rr.problems.len();
    let text = rr.required(text_key, limits::DESCRIPTION);
    let source = rr.vocab("source", Source::parse, Source::expected_zh());
    if source.is_none() && rr.get("source").is_empty() {
        rr.fail("source", Reason::Required);
    }
    let addressee = rr.text(addressee_key, limits::NAME);
    let county_text = rr.get("county");
    let county = if county_text.is_empty() {
        None
    } else {
        match reg.county(&county_text) {
            Some(c) => Some(c.1.clone()),
            None => {
                rr.fail("county", other(format!("县（市、区）“{county_text}”未登记"), format!("county/district '{county_text}' is not registered")));
                None
            }
        }
    };
    let target_name = rr.text("target_name", limits::NAME);
    let group = rr.text("group", limits::NAME);
    let made_on = rr.date(date_key);
    rr.not_future(date_key, made_on, reg.today);
    if rr.problems.len() > before {
        return None;
    }
    let new = NewOpinion { text, source: source?, addressee, county, target_name, group, made_on: made_on.map(date_text) };
    Some(SuggestionInput { sheet, row: rr.row, new })
}

/// The target of a row: its registry id, or `None` for a free-text target.
fn resolve_target(rr: &mut RowReader<'_>, reg: &Registry, county: Option<&(String, String)>) -> Option<Option<String>> {
    let id = rr.get("target_id");
    let name = rr.text("target_name", limits::NAME);
    let kind_text = rr.get("target_kind");
    let unregistered = fold(&kind_text) == fold(UNREGISTERED_TARGET) || fold(&kind_text) == "其他";
    if !id.is_empty() {
        let known = reg.facilities.iter().any(|f| f.id == id) || reg.county_by_id(&id).is_some() || reg.departments.iter().any(|d| d.0 == id);
        if known {
            return Some(Some(id));
        }
        // An id from another database: fall back to the name.
    }
    if name.is_empty() {
        rr.fail("target_name", Reason::Required);
        return None;
    }
    if unregistered {
        return Some(None);
    }
    let kind = if kind_text.is_empty() {
        None
    } else {
        match TargetKind::parse(&kind_text) {
            Some(k) => Some(k),
            None => {
                rr.fail(
                    "target_kind",
                    Reason::Invalid { value: kind_text, expected: format!("{}、{UNREGISTERED_TARGET}", TargetKind::expected_zh()) },
                );
                return None;
            }
        }
    };
    let mut candidates: Vec<String> = Vec::new();
    if kind.is_none_or(|k| k.is_facility()) {
        candidates.extend(
            reg.facilities
                .iter()
                .filter(|f| f.name == name && county.is_none_or(|c| c.1 == f.county) && kind.is_none_or(|k| k == f.kind))
                .map(|f| f.id.clone()),
        );
    }
    if kind.is_none_or(|k| k == TargetKind::CountyGovernment) {
        let base = name.trim_end_matches("人民政府").trim_end_matches("政府");
        if let Some(c) = reg.county(base).filter(|c| c.1 == base || format!("{}人民政府", c.1) == name) {
            if county.is_none_or(|k| k.0 == c.0) {
                candidates.push(c.0.clone());
            }
        }
    }
    if kind.is_none_or(|k| k == TargetKind::Department) {
        candidates.extend(reg.department(&name).map(|d| d.0.clone()));
    }
    match candidates.len() {
        1 => Some(candidates.pop()),
        0 => {
            // 韩城镇敬老院 for 宜阳县韩城镇敬老院: the registered name ends with it.
            let near: Vec<&FacilityRef> =
                reg.facilities.iter().filter(|f| f.name.ends_with(name.as_str()) && county.is_none_or(|c| c.1 == f.county)).take(2).collect();
            if let [one] = near.as_slice() {
                rr.fail(
                    "target_name",
                    other(
                        format!("检查对象“{name}”不在登记库中，是否指“{}”（{}）？请填写登记库中的全称", one.name, one.county),
                        format!("target '{name}' is not in the registry; did you mean '{}' ({})? write the registered name", one.name, one.county),
                    ),
                );
                return None;
            }
            rr.fail(
                "target_name",
                other(
                    format!("检查对象“{name}”不在登记库中：请先登记该机构，或核对名称和县（市、区）；不在登记库中的对象请在“对象类型”列填写“{UNREGISTERED_TARGET}”"),
                    format!("target '{name}' is not in the registry: register it or check the name and county; for a target outside the registry write '{UNREGISTERED_TARGET}' in the 对象类型 column"),
                ),
            );
            None
        }
        n => {
            rr.fail(
                "target_name",
                other(format!("检查对象“{name}”在登记库中有 {n} 个同名对象，请填写县（市、区）或对象类型"), format!("{n} targets are named '{name}'; add the county or the target type")),
            );
            None
        }
    }
}

fn read_problem(rr: &mut RowReader<'_>, reg: &Registry, place: Place, seen: &mut HashMap<String, (String, u32)>) -> Option<ProblemInput> {
    let before = rr.problems.len();
    let today = reg.today;
    let row_no = rr.row as u32 + 1;
    let description = rr.required("description", limits::DESCRIPTION);
    // number: unique in the file and in the database (checked again while writing)
    let number = rr.text("number", 40);
    if !number.is_empty() {
        match seen.get(&number) {
            Some((sheet, first_row)) if *sheet == rr.sheet.name => rr.fail("number", Reason::DuplicateCode { code: number.clone(), first_row: *first_row }),
            Some((sheet, first_row)) => rr.fail(
                "number",
                other(format!("编号“{number}”重复，工作表“{sheet}”第 {first_row} 行已使用"), format!("number '{number}' is used twice; sheet '{sheet}' row {first_row} has it already")),
            ),
            None => {
                seen.insert(number.clone(), (rr.sheet.name.clone(), row_no));
                if reg.numbers.contains(&number) {
                    rr.fail("number", other(format!("问题编号“{number}”已在数据库中"), format!("problem number '{number}' is already in the database")));
                }
            }
        }
    }
    let source = rr.vocab("source", Source::parse, Source::expected_zh());
    if rr.get("source").is_empty() {
        rr.fail("source", Reason::Required);
    }
    let severity = rr.vocab("severity", Severity::parse, Severity::expected_zh());
    let scope = rr.vocab("scope", Scope::parse, Scope::expected_zh());
    let status_text = rr.get("status");
    let status = if status_text.is_empty() { Some(Status::Pending) } else { rr.vocab("status", Status::parse, "待整改、整改中、已整改待核验、已销号".to_string()) };
    if status == Some(Status::Withdrawn) {
        rr.fail("status", other("不能导入已撤销的问题", "a withdrawn problem cannot be imported"));
    }
    let found_on = rr.date("found_on");
    rr.not_future("found_on", found_on, today);
    let found = found_on.unwrap_or(today);
    // county, target, item, department
    let county_text = rr.get("county");
    let county = if county_text.is_empty() {
        None
    } else {
        let c = reg.county(&county_text);
        if c.is_none() {
            rr.fail("county", other(format!("县（市、区）“{county_text}”未登记"), format!("county/district '{county_text}' is not registered")));
        }
        c
    };
    let target = if county_text.is_empty() || county.is_some() { resolve_target(rr, reg, county) } else { None };
    let code = fold(&rr.get("item_code")).to_uppercase();
    if !code.is_empty() {
        match &reg.items {
            None => rr.fail("item_code", other("尚无启用的内容清单版本，不能引用条目", "no catalog version is active; items cannot be named")),
            Some(items) if !items.contains_key(&code) => {
                rr.fail("item_code", other(format!("条目编号“{code}”不在当前使用的内容清单中"), format!("item '{code}' is not in the active catalog")))
            }
            _ => {}
        }
    }
    let category = rr.text("category", limits::CATEGORY);
    if category.is_empty() && code.is_empty() {
        rr.fail("category", other("没有条目编号时须填写问题类别", "required when no item is named"));
    }
    let department = rr.text("department", limits::NAME);
    if !department.is_empty() && reg.department(&department).is_none() {
        let known: Vec<String> = reg.departments.iter().map(|d| d.1.clone()).collect();
        let (zh, en) = match crate::department::suggest(&department, &known) {
            Some(s) => (format!("部门“{department}”不在责任清单中，是否指“{s}”？请改为责任清单中的名称"), format!("department '{department}' is not in the responsibility list; did you mean '{s}'?")),
            None => (format!("部门“{department}”不在责任清单中"), format!("department '{department}' is not in the responsibility list")),
        };
        rr.fail("department", other(zh, en));
    }
    let group = rr.text("group", limits::NAME);
    let unit = rr.text("responsible_unit", limits::NAME);
    let person = rr.text("person", limits::NAME);
    let measure = rr.text("measure", limits::NOTE);
    let deadline = rr.date("deadline");
    let rectified_on = rr.date("rectified_on");
    rr.not_future("rectified_on", rectified_on, today);
    let note = rr.text("note", limits::NOTE);
    let verifier = rr.text("verifier", limits::NAME);
    let method = rr.vocab("method", VerifyMethod::parse, VerifyMethod::expected_zh());
    let verified_on = rr.date("verified_on");
    rr.not_future("verified_on", verified_on, today);
    let result = rr.vocab("result", VerifyResult::parse, VerifyResult::expected_zh());
    let verify_note = rr.text("verify_note", limits::NOTE);
    let closed_on = rr.date("closed_on");
    rr.not_future("closed_on", closed_on, today);

    // Dates against the date found.
    for (key, d) in [("deadline", deadline), ("rectified_on", rectified_on), ("verified_on", verified_on), ("closed_on", closed_on)] {
        if let Some(d) = d.filter(|d| *d < found) {
            let label = field_of(FIELDS, key).zh;
            rr.fail(key, other(format!("{label} {d} 早于发现日期 {found}"), format!("{d} is before the date found ({found})")));
        }
    }

    // The steps the status stands for.
    let status_label = |s: Status| s.label(Lang::Zh);
    let mut plan = None;
    let mut verification = None;
    if let Some(status) = status.filter(|s| *s != Status::Withdrawn) {
        let has_plan_data = !measure.is_empty() || deadline.is_some();
        let has_verification = !verifier.is_empty() || !rr.get("method").is_empty() || !rr.get("result").is_empty() || verified_on.is_some();
        if status == Status::Pending {
            if has_plan_data {
                rr.fail(
                    "status",
                    other(
                        "状态为“待整改”，却已填写整改措施或整改期限：制定整改措施后状态应为“整改中”",
                        "the status is 待整改 but a measure or deadline is given; with a plan the status is 整改中",
                    ),
                );
            }
            if has_verification {
                rr.fail("status", other("状态为“待整改”的问题不应有核验记录", "a problem still to rectify cannot have a verification"));
            }
        } else {
            // 整改中 and later stand on a plan.
            for (key, empty) in [("measure", measure.is_empty()), ("responsible_unit", unit.is_empty()), ("deadline", deadline.is_none() && rr.get("deadline").is_empty())] {
                if empty {
                    let label = field_of(FIELDS, key).zh;
                    rr.fail(
                        key,
                        other(
                            format!("状态为“{}”，须填写{label}（整改须先制定整改措施）", status_label(status)),
                            format!("required with the status {}: a rectification needs a plan first", status.label(Lang::En)),
                        ),
                    );
                }
            }
            if let Some(d) = deadline {
                plan = Some(PlanInput { measure: measure.clone(), unit: unit.clone(), person: person.clone(), deadline: d });
            }
            if has_verification {
                if verifier.is_empty() {
                    rr.fail("verifier", Reason::Required);
                }
                if rr.get("method").is_empty() {
                    rr.fail("method", Reason::Required);
                }
                if rr.get("result").is_empty() {
                    rr.fail("result", Reason::Required);
                }
                let on = verified_on.or(if result == Some(VerifyResult::Pass) { closed_on } else { None });
                if on.is_none() && rr.get("verified_on").is_empty() {
                    rr.fail("verified_on", Reason::Required);
                }
                if result == Some(VerifyResult::Fail) {
                    if status == Status::Closed {
                        rr.fail("result", other("核验未通过的问题不能销号：状态应为“整改中”", "a failed verification cannot close the problem; the status is 整改中"));
                    }
                    if verify_note.is_empty() {
                        rr.fail("verify_note", other("核验未通过时须说明原因", "say why the verification failed"));
                    }
                }
                if let (Some(on), Some(rect)) = (on, rectified_on) {
                    if status == Status::Closed && rect > on {
                        rr.fail("rectified_on", other(format!("整改完成日期 {rect} 晚于核验日期 {on}"), format!("rectified on {rect}, after the verification ({on})")));
                    }
                    if status == Status::AwaitingVerification && rect < on {
                        rr.fail(
                            "rectified_on",
                            other(format!("整改完成日期 {rect} 早于上次核验日期 {on}：再次报告完成应在核验之后"), format!("rectified on {rect}, before the last verification ({on})")),
                        );
                    }
                }
                if let (Some(by), Some(method), Some(result), Some(on)) = (Some(verifier.clone()).filter(|v| !v.is_empty()), method, result, on) {
                    verification = Some(Verification { by, method, result, on, note: verify_note.clone() });
                }
            } else if status == Status::Closed {
                rr.fail(
                    "status",
                    other(
                        "状态为“已销号”，但没有核验记录（核验人、核验方式、核验日期、核验结果）：销号须经核验，不能跳过核验",
                        "the status is 已销号 but no verification is given (verifier, method, date, result): close-out cannot skip verification",
                    ),
                );
            }
            if status == Status::Closed {
                if let (Some(c), Some(v)) = (closed_on, verified_on) {
                    if c != v {
                        rr.fail("closed_on", other(format!("销号日期 {c} 与核验日期 {v} 不一致"), format!("closed on {c} but verified on {v}")));
                    }
                }
            } else if closed_on.is_some() {
                rr.fail("closed_on", other(format!("状态为“{}”，不应有销号日期", status_label(status)), "only a closed problem has a close-out date"));
            }
            if matches!(status, Status::InProgress) && rectified_on.is_some() {
                rr.fail("rectified_on", other("状态为“整改中”，不应有整改完成日期", "a problem being rectified has no completion date"));
            }
        }
    }
    if rr.problems.len() > before {
        return None;
    }
    let status = status?;
    let target_id = target?;
    let county_name = county.map(|c| c.1.clone());
    let new = NewProblem {
        target_name: if target_id.is_none() { clean(&rr.get("target_name")) } else { String::new() },
        target_id,
        county: county_name,
        item_code: Some(code).filter(|c| !c.is_empty()),
        category,
        description,
        severity,
        scope,
        source,
        group,
        found_on: Some(found.format("%Y-%m-%d").to_string()),
        department: Some(department).filter(|d| !d.is_empty()),
        responsible_unit: unit,
        number: Some(number).filter(|n| !n.is_empty()),
    };
    Some(ProblemInput { place, new, found_on: found, status, plan, rectified_on, note, verification })
}

// ---- writing

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A problem of the store (from `insert_new`) placed at the row that caused it.
fn locate(book: &Workbook, place: &Place, e: Error) -> Vec<Problem> {
    let sheet = &book.sheets[place.sheet];
    let key_of = |field: &str| -> &str {
        match field {
            "target_name" | "target_id" => "target_name",
            "group" => "group",
            other => FIELDS.iter().find(|f| f.key == other).map(|f| f.key).unwrap_or("description"),
        }
    };
    match e {
        Error::Input(ps) => ps
            .into_iter()
            .map(|p| {
                let key = key_of(p.field.as_deref().unwrap_or(""));
                sheet.problem(&book.file, &place.header, place.row, field_of(FIELDS, key), p.reason)
            })
            .collect(),
        Error::NotFound { what, key } => {
            let field = match what {
                "部门" => "department",
                "县（市、区）" => "county",
                "条目" | "目录版本" => "item_code",
                _ => "target_name",
            };
            vec![sheet.problem(
                &book.file,
                &place.header,
                place.row,
                field_of(FIELDS, field),
                other(format!("找不到{what}：{key}"), format!("not found: {key}")),
            )]
        }
        other_error => vec![Problem::new(other(other_error.message(Lang::Zh), other_error.message(Lang::En)))
            .file(&book.file)
            .sheet(sheet.name.clone())
            .row(place.row as u32 + 1)],
    }
}

const IMPORTED_DONE_ZH: &str = "整改完成（据导入文件）";
const IMPORTED_REOPEN_ZH: &str = "重新打开（据导入文件）";

fn write(tx: &Tx<'_>, book: &Workbook, parsed: Parsed, actor: &str) -> Result<ImportReport> {
    let today = today(tx.now());
    let mut problems: Vec<Problem> = Vec::new();
    let mut numbers = Vec::new();
    for p in &parsed.problems {
        // A number the database already has.
        if let Some(n) = &p.new.number {
            let taken: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM problem WHERE number = ?1)", [n], |r| r.get(0))?;
            if taken {
                let sheet = &book.sheets[p.place.sheet];
                problems.push(sheet.problem(
                    &book.file,
                    &p.place.header,
                    p.place.row,
                    field_of(FIELDS, "number"),
                    other(format!("问题编号“{n}”已在数据库中"), format!("problem number '{n}' is already in the database")),
                ));
                continue;
            }
        }
        let pid = match super::store::insert_new(tx, &p.new, actor) {
            Ok(id) => id,
            Err(e @ (Error::Input(_) | Error::NotFound { .. })) => {
                problems.extend(locate(book, &p.place, e));
                continue;
            }
            Err(e) => return Err(e),
        };
        apply_steps(tx, &pid, p, actor, today)?;
        numbers.push(tx.query_row("SELECT number FROM problem WHERE id = ?1", [&pid], |r| r.get::<_, String>(0))?);
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    for s in &parsed.suggestions {
        if let Err(e) = crate::lists::suggestions::insert_opinion(tx, &s.new, actor) {
            if !matches!(e, Error::Input(_) | Error::NotFound { .. }) {
                return Err(e);
            }
            let sheet = &book.sheets[s.sheet];
            problems.push(Problem::new(other(e.message(Lang::Zh), e.message(Lang::En))).file(&book.file).sheet(sheet.name.clone()).row(s.row as u32 + 1));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    Ok(ImportReport { problems: numbers.len() as u32, suggestions: parsed.suggestions.len() as u32, numbers, skipped_sheets: parsed.skipped })
}

/// Writes the trail a row's status stands for, step by step, through the
/// store's one writer of steps (the same events and status changes as in the
/// app), dated from the file.
fn apply_steps(tx: &Tx<'_>, pid: &str, p: &ProblemInput, actor: &str, today: NaiveDate) -> Result<()> {
    use super::lifecycle::Step;
    use Status::*;
    let mut status = Pending;
    let mut step = |step: Step, on: NaiveDate, note: &str, v: Option<&Verification>| -> Result<()> {
        let rec = StepRecord { on, note, verification: v.map(|v| (v.by.as_str(), v.method)), inspection_id: None, actor };
        let from = status;
        status = super::lifecycle::next(from, step).map_err(|r| Error::Internal(format!("a checked row took an illegal step: {}", r.en)))?.to;
        record_step(tx, pid, from, step, &rec)?;
        Ok(())
    };
    if p.status == Pending {
        if !p.note.is_empty() {
            step(Step::Note, today, &p.note, None)?;
        }
        return Ok(());
    }
    let Some(plan) = &p.plan else { return Err(Error::Internal("a plan was checked for".into())) };
    tx.execute(
        "UPDATE problem SET measure = ?2, responsible_unit = ?3, responsible_person = ?4, deadline = ?5 WHERE id = ?1",
        params![pid, plan.measure, plan.unit, plan.person, date_text(plan.deadline)],
    )?;
    let planned = format!("{}（责任单位：{}；整改期限：{}）", plan.measure, plan.unit, date_text(plan.deadline));
    step(Step::Plan, p.found_on, &planned, None)?;
    let mut note_used = false;
    if let Some(v) = &p.verification {
        let done_on = match (p.status, v.result) {
            (Closed, VerifyResult::Pass) => p.rectified_on.unwrap_or(v.on),
            _ => v.on,
        };
        let done_note = if p.status == Closed && !p.note.is_empty() {
            note_used = true;
            p.note.as_str()
        } else {
            IMPORTED_DONE_ZH
        };
        step(Step::ReportDone, done_on, done_note, None)?;
        step(Step::Verify(v.result), v.on, &v.note, Some(v))?;
        if v.result == VerifyResult::Pass && p.status != Closed {
            step(Step::Reopen, v.on, IMPORTED_REOPEN_ZH, None)?;
        }
    }
    if p.status == AwaitingVerification {
        let note = if p.note.is_empty() { IMPORTED_DONE_ZH } else { p.note.as_str() };
        note_used = true;
        step(Step::ReportDone, p.rectified_on.unwrap_or(today), note, None)?;
    }
    if !note_used && !p.note.is_empty() && p.status == InProgress {
        step(Step::Progress, today, &p.note, None)?;
    }
    debug_assert_eq!(status, p.status);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("2024-05-20", Some((2024, 5, 20)))]
    #[case("2024/5/20", Some((2024, 5, 20)))]
    #[case("2024.05.20", Some((2024, 5, 20)))]
    #[case("2024年5月20日", Some((2024, 5, 20)))]
    #[case("２０２４-０５-２０", Some((2024, 5, 20)))]
    #[case("20240520", Some((2024, 5, 20)))]
    #[case("2024-02-30", None)]
    #[case("5月20日", None)]
    #[case("1999-01-01", None)]
    #[case("45473", Some((2024, 6, 30)))]
    #[case("36526", Some((2000, 1, 1)))]
    #[case("12345", None)]
    fn dates_as_offices_write_them(#[case] s: &str, #[case] want: Option<(i32, u32, u32)>) {
        assert_eq!(parse_date(s), want.map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap()));
    }

    #[test]
    fn export_headers_are_import_fields() {
        for h in crate::export::PROBLEM_HEADERS {
            assert!(FIELDS.iter().any(|f| f.zh == *h), "export header {h} is read back by the import");
        }
    }
}
