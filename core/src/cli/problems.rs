//! `qingdan problem …`, `suggestion list`, `stats` and `export`: the
//! problem, rectification and close-out lists on the command line.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::{json, Map, Value};

use super::output::Writer;
use super::{evidence_store, JsonFlag};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::export::{ExportFormat, ExportList, ExportSummary};
use crate::lang::Lang;
use crate::problem::import::ImportReport;
use crate::problem::stats::{self, BreakdownRow, Dimension, Figures, StatsFilter};
use crate::problem::{self, Files, Plan, ProblemDetail, ProblemFilter, ProblemRow, Status, Verification, VerifyMethod, VerifyResult};

#[derive(Subcommand, Debug)]
pub(super) enum ProblemCmd {
    /// The problem list (问题清单): 重大隐患 first, then overdue ones
    List {
        /// 待整改, 整改中, 已整改待核验, 已销号, 已撤销 (or pending, in_progress, awaiting_verification, closed, withdrawn)
        #[arg(long, value_parser = parse_status)]
        status: Option<Status>,
        /// County or district name, e.g. 汝阳县
        #[arg(long)]
        county: Option<String>,
        /// Only problems past their deadline and not rectified
        #[arg(long)]
        overdue: bool,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// One problem with its trail (id or number)
    Show {
        id: String,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Import ad-hoc problems and suggestions from XLSX/XLS/ODS/CSV; all or nothing
    Import {
        file: PathBuf,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Plan the rectification: 待整改 → 整改中
    Rectify {
        id: String,
        #[arg(long)]
        measure: String,
        /// The responsible unit (a department or the facility)
        #[arg(long)]
        unit: String,
        /// YYYY-MM-DD
        #[arg(long)]
        deadline: String,
        #[arg(long)]
        person: Option<String>,
    },
    /// Record progress on a problem being rectified
    Progress {
        id: String,
        #[arg(long)]
        note: String,
        /// A photo (JPG/PNG) or PDF; repeatable
        #[arg(long = "evidence", value_name = "FILE")]
        evidence: Vec<PathBuf>,
    },
    /// The unit reports the rectification done: 整改中 → 已整改待核验
    ReportDone {
        id: String,
        #[arg(long)]
        note: String,
        #[arg(long = "evidence", value_name = "FILE")]
        evidence: Vec<PathBuf>,
    },
    /// Verify a reported rectification: pass → 已销号, fail → 退回 整改中
    Verify {
        id: String,
        /// Who verified
        #[arg(long)]
        by: String,
        /// 回头看, 资料核查 or 暗访 (or look_back, document_review, unannounced)
        #[arg(long, value_parser = parse_method)]
        method: VerifyMethod,
        /// pass or fail (通过, 未通过)
        #[arg(long, value_parser = parse_result)]
        result: VerifyResult,
        #[arg(long)]
        note: Option<String>,
    },
    /// Reopen a closed problem: 已销号 → 整改中
    Reopen {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// List a problem from another source (政府自查, 群众反映, 座谈, 代表意见 …); prints its number and id
    Add(super::lists::ProblemAdd),
    /// Problems that share a number (two laptops numbered them alike); settle with `renumber`
    Clashes(JsonFlag),
    /// Give a problem whose number another problem shares a new number of its own (by id)
    Renumber { id: String },
    /// Merge problems of one target (still 待整改) into the first
    Merge {
        /// The problem that stays (id or number)
        keep: String,
        /// The problems merged into it
        #[arg(required = true)]
        others: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub(super) enum SuggestionCmd {
    /// 意见建议 from every source
    List(JsonFlag),
    /// Record a suggestion made outside an inspection (座谈, 代表意见 …); prints its id
    Add {
        text: String,
        /// 座谈, 代表意见, 群众反映, 政府自查 … (or their slugs)
        #[arg(long, value_parser = super::lists::parse_source)]
        source: crate::problem::Source,
        /// To whom it is addressed (a department or government)
        #[arg(long)]
        addressee: Option<String>,
        /// County/district name
        #[arg(long)]
        county: Option<String>,
        /// What it is about (a facility, a county …)
        #[arg(long)]
        target: Option<String>,
        #[arg(long)]
        group: Option<String>,
        /// YYYY-MM-DD; today when absent
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
}

pub(super) fn parse_status(s: &str) -> std::result::Result<Status, String> {
    Status::parse(s).ok_or_else(|| {
        let slugs: Vec<&str> = Status::ALL.iter().map(|k| k.slug()).collect();
        format!("“{s}”不是有效的状态，应为：{}（或 {}）", Status::expected_zh(), slugs.join(", "))
    })
}

fn parse_method(s: &str) -> std::result::Result<VerifyMethod, String> {
    VerifyMethod::parse(s).ok_or_else(|| format!("“{s}”不是有效的核验方式，应为：{}（或 look_back、document_review、unannounced）", VerifyMethod::expected_zh()))
}

fn parse_result(s: &str) -> std::result::Result<VerifyResult, String> {
    VerifyResult::parse(s).ok_or_else(|| format!("“{s}”不是有效的核验结果，应为 pass（通过）或 fail（未通过）"))
}

pub(super) fn parse_dimension(s: &str) -> std::result::Result<Dimension, String> {
    Dimension::parse(s).ok_or_else(|| {
        let slugs: Vec<&str> = Dimension::ALL.iter().map(|k| k.slug()).collect();
        format!("“{s}”不是有效的分组维度，应为：{}", slugs.join("|"))
    })
}

pub(super) fn parse_export_list(s: &str) -> std::result::Result<ExportList, String> {
    ExportList::parse(s).ok_or_else(|| {
        let slugs: Vec<&str> = ExportList::ALL.iter().map(|k| k.slug()).collect();
        format!("“{s}”不是可导出的清单，应为：{}", slugs.join("|"))
    })
}

pub(super) fn parse_export_format(s: &str) -> std::result::Result<ExportFormat, String> {
    ExportFormat::parse(s).ok_or_else(|| format!("“{s}”不是有效的格式，应为 xlsx 或 csv"))
}

fn check_files(db: &Db, paths: &[PathBuf]) -> Result<Option<(crate::evidence::EvidenceStore, Vec<crate::evidence::Checked>)>> {
    if paths.is_empty() {
        return Ok(None);
    }
    let store = evidence_store(db)?;
    let files = paths.iter().map(|p| crate::evidence::check_file(p, "--evidence")).collect::<Result<Vec<_>>>()?;
    Ok(Some((store, files)))
}

pub(super) fn problem_cmd(db: &mut Db, cmd: ProblemCmd, actor: &str, w: &mut Writer<'_>) -> Result<()> {
    match cmd {
        ProblemCmd::List { status, county, overdue, json } => {
            if let Some(c) = &county {
                let known = crate::registry::counties(db)?;
                if !known.iter().any(|k| &k.name == c) {
                    return Err(Error::NotFound { what: "县（市、区）", key: c.clone() });
                }
            }
            let filter = ProblemFilter { statuses: status.into_iter().collect(), county, overdue_only: overdue, ..Default::default() };
            w.problems(&problem::list(db, &filter)?, json.json)
        }
        ProblemCmd::Show { id, json } => w.problem(&problem::get(db, &id)?, json.json),
        ProblemCmd::Import { file, json } => {
            let report = problem::import::import(db, &file, actor)?;
            w.problem_import(&report, json.json)
        }
        ProblemCmd::Rectify { id, measure, unit, deadline, person } => {
            let d = problem::plan(db, &id, &Plan { measure, unit, person: person.unwrap_or_default(), deadline }, actor)?;
            w.problem_step(&d)
        }
        ProblemCmd::Progress { id, note, evidence } => {
            let d = match check_files(db, &evidence)? {
                Some((store, files)) => problem::progress(db, &id, &note, Some(Files { store: &store, files }), actor)?,
                None => problem::progress(db, &id, &note, None, actor)?,
            };
            w.problem_step(&d)
        }
        ProblemCmd::ReportDone { id, note, evidence } => {
            let d = match check_files(db, &evidence)? {
                Some((store, files)) => problem::report_done(db, &id, &note, Some(Files { store: &store, files }), actor)?,
                None => problem::report_done(db, &id, &note, None, actor)?,
            };
            w.problem_step(&d)
        }
        ProblemCmd::Verify { id, by, method, result, note } => {
            let v = Verification { by, method, result, note: note.unwrap_or_default(), on: None };
            let d = problem::verify(db, &id, &v, None, actor)?;
            w.problem_step(&d)
        }
        ProblemCmd::Reopen { id, reason } => {
            let d = problem::reopen(db, &id, &reason, actor)?;
            w.problem_step(&d)
        }
        ProblemCmd::Add(a) => super::lists::problem_add(db, a, actor, w),
        ProblemCmd::Merge { keep, others } => super::lists::problem_merge(db, &keep, &others, actor, w),
        ProblemCmd::Clashes(j) => w.number_clashes(&problem::number_clashes(db)?, j.json),
        ProblemCmd::Renumber { id } => {
            let d = problem::renumber(db, &id, actor)?;
            w.zh_en(format!("问题 {} 的新编号：{}", d.problem.id, d.problem.number), format!("problem {} is now {}", d.problem.id, d.problem.number))
        }
    }
}

pub(super) fn suggestion_cmd(db: &mut Db, cmd: SuggestionCmd, actor: &str, w: &mut Writer<'_>) -> Result<()> {
    match cmd {
        SuggestionCmd::List(j) => w.suggestions(&crate::lists::suggestions::list(db, &Default::default())?, j.json),
        SuggestionCmd::Add { text, source, addressee, county, target, group, date, json } => {
            let o = crate::lists::suggestions::NewOpinion {
                text,
                source,
                addressee: addressee.unwrap_or_default(),
                county,
                target_name: target.unwrap_or_default(),
                group: group.unwrap_or_default(),
                made_on: date,
            };
            super::lists::suggestion_add(db, o, json.json, actor, w)
        }
    }
}

pub(super) fn stats_cmd(db: &Db, by: Option<Dimension>, json: bool, w: &mut Writer<'_>) -> Result<()> {
    let filter = StatsFilter::default();
    match by {
        None => w.stats_totals(&stats::totals(db, &filter)?, json),
        Some(d) => w.stats_breakdown(d, &stats::breakdown(db, d, &filter)?, json),
    }
}

pub(super) fn export_cmd(db: &Db, list: ExportList, format: ExportFormat, out: PathBuf, w: &mut Writer<'_>) -> Result<()> {
    let s = crate::export::export(db, list, format, &out)?;
    w.exported(&s)
}

// ---- output

/// Display width: CJK and full-width characters take two columns.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else if crate::text::is_cjk(c) || (c as u32) >= 0x3000 { 2 } else { 1 }).sum()
}

fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = width(&c.to_string());
        if w + cw > max.saturating_sub(1) {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// Rows padded to aligned columns (the last column is not padded).
fn aligned(rows: &[Vec<String>]) -> Vec<String> {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| width(s)).max().unwrap_or(0)).collect();
    rows.iter()
        .map(|r| {
            let mut line = String::new();
            for (c, cell) in r.iter().enumerate() {
                line.push_str(cell);
                if c + 1 < r.len() {
                    line.push_str(&" ".repeat(widths[c] - width(cell) + 2));
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}

fn figures_json(f: &Figures) -> Map<String, Value> {
    match serde_json::to_value(f) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

impl Writer<'_> {
    pub fn problems(&mut self, list: &[ProblemRow], json: bool) -> Result<()> {
        if json {
            return self.json(list);
        }
        let lang = self.lang;
        let mut rows = vec![match lang {
            Lang::Zh => ["编号", "状态", "严重程度", "县（市、区）", "检查对象", "问题描述", "整改期限"].map(String::from).to_vec(),
            Lang::En => ["number", "status", "severity", "county", "target", "description", "deadline"].map(String::from).to_vec(),
        }];
        for p in list {
            let deadline = match (&p.deadline, p.overdue) {
                (Some(d), true) => format!("{d} {}", lang.pick("逾期", "OVERDUE")),
                (Some(d), false) => d.clone(),
                (None, _) => "—".into(),
            };
            rows.push(vec![
                p.number.clone(),
                p.status.label(lang).to_string(),
                p.severity.label(lang).to_string(),
                p.county.clone().unwrap_or_else(|| "—".into()),
                truncate(&p.target_name, 24),
                truncate(&p.description, 36),
                deadline,
            ]);
        }
        if !list.is_empty() {
            for line in aligned(&rows) {
                self.line(&line)?;
            }
        }
        let overdue = list.iter().filter(|p| p.overdue).count();
        self.zh_en(format!("共 {} 个问题（逾期 {overdue} 个）", list.len()), format!("{} problems ({overdue} overdue)", list.len()))
    }

    pub fn problem(&mut self, d: &ProblemDetail, json: bool) -> Result<()> {
        if json {
            return self.json(d);
        }
        let lang = self.lang;
        let p = &d.problem;
        let none = "—".to_string();
        let overdue = if p.overdue { lang.pick("（逾期）", " (overdue)") } else { "" };
        let fields: Vec<(&str, &str, String)> = vec![
            ("编号", "number", p.number.clone()),
            ("状态", "status", format!("{}{overdue}", p.status.label(lang))),
            ("检查对象", "target", {
                let kind = if p.target_id.is_none() { lang.pick("未登记", "not registered") } else { p.target_kind.label(lang) };
                match lang {
                    Lang::Zh => format!("{}（{kind}）", p.target_name),
                    Lang::En => format!("{} ({kind})", p.target_name),
                }
            }),
            ("县（市、区）", "county", p.county.clone().unwrap_or_else(|| none.clone())),
            ("条目", "item", p.item_code.clone().unwrap_or_else(|| none.clone())),
            ("问题类别", "category", p.category.clone()),
            ("问题描述", "description", p.description.clone()),
            ("严重程度", "severity", p.severity.label(lang).to_string()),
            ("问题范围", "scope", p.scope.map(|s| s.label(lang).to_string()).unwrap_or_else(|| none.clone())),
            ("问题来源", "source", p.source.label(lang).to_string()),
            ("检查组", "group", if p.group.is_empty() { none.clone() } else { p.group.clone() }),
            ("发现日期", "found on", p.found_on.clone()),
            ("责任部门", "department", p.department.clone().unwrap_or_else(|| none.clone())),
            ("责任单位", "unit", p.responsible_unit.clone()),
            ("责任人", "person", if p.responsible_person.is_empty() { none.clone() } else { p.responsible_person.clone() }),
            ("整改措施", "measure", if p.measure.is_empty() { none.clone() } else { p.measure.clone() }),
            ("整改期限", "deadline", p.deadline.clone().unwrap_or_else(|| none.clone())),
            ("整改完成日期", "rectified on", p.rectified_on.clone().unwrap_or_else(|| none.clone())),
            ("销号日期", "closed on", p.closed_on.clone().unwrap_or_else(|| none.clone())),
        ];
        let rows: Vec<Vec<String>> = fields.into_iter().map(|(zh, en, v)| vec![lang.pick(zh, en).to_string(), v]).collect();
        for line in aligned(&rows) {
            self.line(&line)?;
        }
        if !d.same_number.is_empty() {
            self.zh_en(
                format!("注意：另有 {} 个问题使用同一编号（{}），请用 problem renumber 为其中之一重新编号", d.same_number.len(), d.same_number.join("、")),
                format!("note: {} other problem(s) carry this number ({}); settle with problem renumber", d.same_number.len(), d.same_number.join(", ")),
            )?;
        }
        if let Some(t) = &d.trace {
            self.zh_en(
                format!("依据：{} {} —— {}", t.item_code, t.item_title, t.basis),
                format!("basis: {} {} — {}", t.item_code, t.item_title, t.basis),
            )?;
        }
        self.line(lang.pick("经过：", "history:"))?;
        for e in &d.events {
            let mut text = format!("  {}  {}", e.on, e.kind.label(lang));
            if let (Some(m), Some(r)) = (e.method, e.result) {
                text.push_str(&match lang {
                    Lang::Zh => format!("（{}，{}，{}）", e.verifier, m.label(lang), r.label(lang)),
                    Lang::En => format!(" ({}, {}, {})", e.verifier, m.label(lang), r.label(lang)),
                });
            }
            if !e.note.is_empty() {
                text.push_str(lang.pick("：", ": "));
                text.push_str(&e.note);
            }
            if !e.evidence.is_empty() {
                text.push_str(&match lang {
                    Lang::Zh => format!("  [附件 {} 个]", e.evidence.len()),
                    Lang::En => format!("  [{} file(s)]", e.evidence.len()),
                });
            }
            if !e.actor.is_empty() {
                text.push_str(&format!("  — {}", e.actor));
            }
            self.line(&text)?;
        }
        Ok(())
    }

    pub fn number_clashes(&mut self, clashes: &[problem::NumberClash], json: bool) -> Result<()> {
        if json {
            return self.json(clashes);
        }
        for c in clashes {
            self.zh_en(format!("编号 {}：", c.number), format!("number {}:", c.number))?;
            for p in &c.problems {
                self.line(&format!("  {}  {}  {}", p.id, truncate(&p.target_name, 24), truncate(&p.description, 36)))?;
            }
        }
        self.zh_en(
            format!("共 {} 个编号重复；用 problem renumber <ID> 为其中之一重新编号", clashes.len()),
            format!("{} numbers used twice; settle each with problem renumber <ID>", clashes.len()),
        )
    }

    pub fn problem_step(&mut self, d: &ProblemDetail) -> Result<()> {
        let p = &d.problem;
        let deadline = p.deadline.as_deref().map(|x| format!("，整改期限 {x}")).unwrap_or_default();
        let deadline_en = p.deadline.as_deref().map(|x| format!(", deadline {x}")).unwrap_or_default();
        self.zh_en(
            format!("问题 {}：{}{deadline}", p.number, p.status.label(Lang::Zh)),
            format!("problem {}: {}{deadline_en}", p.number, p.status.label(Lang::En)),
        )
    }

    pub fn problem_import(&mut self, r: &ImportReport, json: bool) -> Result<()> {
        if json {
            return self.json(r);
        }
        self.zh_en(
            format!("已导入问题 {} 个，意见建议 {} 条", r.problems, r.suggestions),
            format!("imported {} problems and {} suggestions", r.problems, r.suggestions),
        )?;
        if !r.skipped_sheets.is_empty() {
            self.zh_en(
                format!("未找到表头而跳过的工作表：{}", r.skipped_sheets.join("、")),
                format!("sheets skipped (no header found): {}", r.skipped_sheets.join(", ")),
            )?;
        }
        Ok(())
    }

    pub fn suggestions(&mut self, list: &[crate::lists::suggestions::SuggestionRow], json: bool) -> Result<()> {
        if json {
            return self.json(list);
        }
        let lang = self.lang;
        let mut rows = vec![match lang {
            Lang::Zh => ["提出日期", "来源", "县（市、区）", "提出对象", "意见建议"].map(String::from).to_vec(),
            Lang::En => ["date", "source", "county", "addressee", "suggestion"].map(String::from).to_vec(),
        }];
        for s in list {
            rows.push(vec![
                s.made_on.clone(),
                s.source.label(lang).to_string(),
                s.county.clone().unwrap_or_else(|| "—".into()),
                if s.addressee.is_empty() { "—".into() } else { truncate(&s.addressee, 20) },
                truncate(&s.text, 50),
            ]);
        }
        if !list.is_empty() {
            for line in aligned(&rows) {
                self.line(&line)?;
            }
        }
        self.zh_en(format!("共 {} 条意见建议", list.len()), format!("{} suggestions", list.len()))
    }

    pub fn stats_totals(&mut self, f: &Figures, json: bool) -> Result<()> {
        if json {
            return self.json(f);
        }
        let median_zh = f.median_days_to_close.map(|d| format!("{d} 天")).unwrap_or_else(|| "—".into());
        let median_en = f.median_days_to_close.map(|d| format!("{d} days")).unwrap_or_else(|| "—".into());
        self.zh_en(
            format!(
                "问题 {} 个，意见建议 {} 条\n已整改 {} 个，整改率 {}\n已销号 {} 个，销号率 {}\n逾期 {} 个\n销号用时中位数：{}",
                f.problems,
                f.suggestions,
                f.rectified,
                stats::percent(f.rectification_rate),
                f.closed,
                stats::percent(f.closeout_rate),
                f.overdue,
                median_zh
            ),
            format!(
                "problems {}, suggestions {}\nrectified {}, rectification rate {}\nclosed {}, close-out rate {}\noverdue {}\nmedian time to close: {}",
                f.problems,
                f.suggestions,
                f.rectified,
                stats::percent(f.rectification_rate),
                f.closed,
                stats::percent(f.closeout_rate),
                f.overdue,
                median_en
            ),
        )
    }

    pub fn stats_breakdown(&mut self, d: Dimension, rows_in: &[BreakdownRow], json: bool) -> Result<()> {
        if json {
            let arr: Vec<Value> = rows_in
                .iter()
                .map(|r| {
                    let mut m = Map::new();
                    m.insert("key".into(), json!(r.key));
                    m.insert("label".into(), json!(r.label));
                    m.extend(figures_json(&r.figures));
                    Value::Object(m)
                })
                .collect();
            return self.json(&arr);
        }
        let lang = self.lang;
        let head: Vec<String> = match lang {
            Lang::Zh => vec![d.label(lang).to_string(), "问题".into(), "意见建议".into(), "已整改".into(), "整改率".into(), "已销号".into(), "销号率".into(), "逾期".into()],
            Lang::En => vec![d.label(lang).to_string(), "problems".into(), "suggestions".into(), "rectified".into(), "rate".into(), "closed".into(), "rate".into(), "overdue".into()],
        };
        let mut rows = vec![head];
        for r in rows_in {
            let f = &r.figures;
            rows.push(vec![
                r.label.clone(),
                f.problems.to_string(),
                f.suggestions.to_string(),
                f.rectified.to_string(),
                stats::percent(f.rectification_rate),
                f.closed.to_string(),
                stats::percent(f.closeout_rate),
                f.overdue.to_string(),
            ]);
        }
        for line in aligned(&rows) {
            self.line(&line)?;
        }
        Ok(())
    }

    pub fn exported(&mut self, s: &ExportSummary) -> Result<()> {
        self.zh_en(
            format!("已导出{}（{} 行）：{}", s.list.label(Lang::Zh), s.rows, s.path),
            format!("exported the {} list ({} rows) to {}", s.list.label(Lang::En), s.rows, s.path),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_by_display_width() {
        let rows = vec![vec!["编号".to_string(), "x".to_string()], vec!["WT1".to_string(), "y".to_string()]];
        assert_eq!(aligned(&rows), vec!["编号  x", "WT1   y"]);
        assert_eq!(truncate("一二三四五", 6), "一二…");
    }
}
