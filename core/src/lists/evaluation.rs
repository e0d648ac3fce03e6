//! 评价清单: "two-way" satisfaction evaluations (双向满意度测评) on a
//! 100-point scale.
//!
//! The rule of the two-way evaluation: the people's congress standing
//! committee (人大常委会) scores how a department — or a county/district
//! government — carried out the rectification (整改工作) and the report it
//! made on it (整改报告); deputies (人大代表) and the public (群众) score the
//! result (整改成效). Any other pairing is refused with the reason, and so is
//! a rectification or report score for a free topic, which has no one who
//! rectifies or reports. A topic (e.g. 农村养老服务) can be scored on its
//! result, as the journal's published results (92.79–95.73) were.
//!
//! Scores have at most two decimals. Evaluations are never deleted: a score
//! or comment entered wrongly is corrected with [`update`], and the change
//! log keeps the value it replaced. [`summary`] gives count, mean (to two
//! decimals, half up), min and max per subject, aspect and evaluator group.
//!
//! Left out: weighting several evaluator groups into one combined score, and
//! importing evaluation results from a spreadsheet.

use rusqlite::{params, params_from_iter, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{check_name, check_text, date_or_today, date_text, limits, refuse, resolve_county, resolve_department};
use crate::catalog::store_slug;
use crate::changelog;
use crate::db::{Db, Tx};
use crate::error::{Error, Reason, Result};
use crate::problem::today;
use crate::text::clean;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// What is evaluated.
    SubjectKind {
        Department => "department", "部门", "department", ["责任单位", "政府部门"];
        County => "county", "县（市、区）", "county/district", ["县区", "县市区", "县级"];
        Topic => "topic", "专题", "topic", ["事项", "测评专题"];
    }
}

vocabulary! {
    /// Which part of the work is scored.
    Aspect {
        Rectification => "rectification", "整改工作", "rectification work", ["整改"];
        Report => "report", "整改报告", "rectification report", ["报告"];
        Result => "result", "整改成效", "result of the rectification", ["成效", "整改效果"];
    }
}

vocabulary! {
    /// Who scores.
    Evaluator {
        Congress => "congress", "人大常委会", "congress standing committee", ["常委会", "人大常委会组成人员", "常委会组成人员"];
        Deputies => "deputies", "人大代表", "deputies", ["代表"];
        Public => "public", "群众", "the public", ["人民群众", "服务对象", "老年人"];
    }
}

/// The highest score.
pub const MAX_SCORE: f64 = 100.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewEvaluation {
    pub subject_kind: SubjectKind,
    /// A department name, a county/district name, or a free topic.
    pub subject: String,
    pub aspect: Aspect,
    pub evaluator: Evaluator,
    /// YYYY-MM-DD; today (北京时间) when absent.
    #[ts(optional)]
    pub evaluated_on: Option<String>,
    /// 0–100, at most two decimals.
    pub score: f64,
    #[serde(default)]
    pub comment: String,
}

/// A correction of an evaluation. Absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct EvaluationUpdate {
    #[ts(optional)]
    pub score: Option<f64>,
    #[ts(optional)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Evaluation {
    pub id: String,
    pub subject_kind: SubjectKind,
    pub subject: String,
    pub aspect: Aspect,
    pub evaluator: Evaluator,
    pub evaluated_on: String,
    pub score: f64,
    pub comment: String,
    pub created_at: String,
    pub updated_at: String,
}

/// What [`list`] shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct EvaluationFilter {
    #[ts(optional)]
    pub subject_kind: Option<SubjectKind>,
    #[ts(optional)]
    pub subject: Option<String>,
    #[ts(optional)]
    pub aspect: Option<Aspect>,
    #[ts(optional)]
    pub evaluator: Option<Evaluator>,
}

/// The scores one evaluator group gave one subject on one aspect.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct EvaluationSummary {
    pub subject_kind: SubjectKind,
    pub subject: String,
    pub aspect: Aspect,
    pub evaluator: Evaluator,
    pub count: u32,
    /// Rounded to two decimals, half up.
    pub mean: f64,
    pub min: f64,
    pub max: f64,
}

/// The rule of the two-way evaluation: who may score which aspect of what.
pub fn check_combination(subject_kind: SubjectKind, aspect: Aspect, evaluator: Evaluator) -> Result<()> {
    match (aspect, evaluator) {
        (Aspect::Rectification | Aspect::Report, Evaluator::Deputies | Evaluator::Public) => Err(refuse(
            "evaluator",
            format!(
                "{}由人大常委会测评；{}测评的是整改成效",
                aspect.label(crate::Lang::Zh),
                evaluator.label(crate::Lang::Zh)
            ),
            format!(
                "the congress standing committee scores the {}; {} score the result",
                aspect.label(crate::Lang::En),
                evaluator.label(crate::Lang::En)
            ),
        )),
        (Aspect::Result, Evaluator::Congress) => Err(refuse(
            "evaluator",
            "整改成效由人大代表或群众测评；人大常委会测评的是整改工作和整改报告",
            "deputies or the public score the result; the congress standing committee scores the rectification work and report",
        )),
        (Aspect::Rectification | Aspect::Report, Evaluator::Congress) if subject_kind == SubjectKind::Topic => Err(refuse(
            "subject_kind",
            format!("{}的测评对象须是部门或县（市、区）：专题没有整改和报告的责任单位，只能测评整改成效", aspect.label(crate::Lang::Zh)),
            format!("the {} is scored for a department or a county/district; a topic can only be scored on its result", aspect.label(crate::Lang::En)),
        )),
        _ => Ok(()),
    }
}

/// A score within 0–100 with at most two decimals, as stored.
fn check_score(field: &str, score: f64) -> Result<f64> {
    if !score.is_finite() || !(0.0..=MAX_SCORE).contains(&score) {
        return Err(Error::invalid(field, Reason::OutOfRange { value: score.to_string(), range: "0–100".into() }));
    }
    let cents = (score * 100.0).round();
    if (score * 100.0 - cents).abs() > 1e-6 {
        return Err(refuse(field, format!("分数 {score} 最多保留两位小数"), format!("the score {score} has more than two decimals")));
    }
    Ok(cents / 100.0)
}

fn score_text(score: f64) -> String {
    format!("{score}")
}

const SELECT: &str = "SELECT id, subject_kind, subject, aspect, evaluator, evaluated_on, score, comment, created_at, updated_at FROM evaluation";

fn row_from(r: &Row<'_>) -> rusqlite::Result<Evaluation> {
    Ok(Evaluation {
        id: r.get("id")?,
        subject_kind: store_slug(r, "subject_kind", SubjectKind::from_slug)?,
        subject: r.get("subject")?,
        aspect: store_slug(r, "aspect", Aspect::from_slug)?,
        evaluator: store_slug(r, "evaluator", Evaluator::from_slug)?,
        evaluated_on: r.get("evaluated_on")?,
        score: r.get("score")?,
        comment: r.get("comment")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

fn load(conn: &rusqlite::Connection, id: &str) -> Result<Evaluation> {
    conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id.trim()], row_from)
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "评价", key: id.to_string() })
}

fn insert(tx: &Tx<'_>, e: &NewEvaluation, actor: &str) -> Result<String> {
    check_combination(e.subject_kind, e.aspect, e.evaluator)?;
    let score = check_score("score", e.score)?;
    let comment = check_text("comment", &e.comment, limits::COMMENT, false)?;
    let evaluated_on = date_or_today("evaluated_on", e.evaluated_on.as_deref(), today(tx.now()))?;
    let subject = check_name("subject", &e.subject, limits::TOPIC, true)?;
    let (subject, department_id, county_id, topic) = match e.subject_kind {
        SubjectKind::Department => {
            let (id, name) = resolve_department(tx, &subject)?.ok_or_else(|| Error::invalid("subject", Reason::Required))?;
            (name, Some(id), None, String::new())
        }
        SubjectKind::County => {
            let (id, name) = resolve_county(tx, &subject)?.ok_or_else(|| Error::invalid("subject", Reason::Required))?;
            (name, None, Some(id), String::new())
        }
        SubjectKind::Topic => (subject.clone(), None, None, subject),
    };
    let id = tx.new_id();
    tx.execute(
        "INSERT INTO evaluation (id, subject_kind, subject, department_id, county_id, topic, aspect, evaluator, evaluated_on,
             score, comment, created_at, updated_at, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13)",
        params![
            id,
            e.subject_kind.slug(),
            subject,
            department_id,
            county_id,
            topic,
            e.aspect.slug(),
            e.evaluator.slug(),
            date_text(evaluated_on),
            score,
            comment,
            tx.now_text(),
            tx.device_id(),
        ],
    )?;
    changelog::record(tx, actor, "evaluation", &id, "score", None, Some(&score_text(score)))?;
    if !comment.is_empty() {
        changelog::record(tx, actor, "evaluation", &id, "comment", None, Some(&comment))?;
    }
    Ok(id)
}

/// Records one evaluation.
pub fn create(db: &mut Db, e: &NewEvaluation, actor: &str) -> Result<Evaluation> {
    let id = db.with_tx(|tx| insert(tx, e, actor))?;
    get(db, &id)
}

/// Corrects the score and/or comment of an evaluation; the change log keeps
/// the old values. Subject, aspect, evaluator and date do not change: an
/// evaluation of something else is a new one.
pub fn update(db: &mut Db, id: &str, u: &EvaluationUpdate, actor: &str) -> Result<Evaluation> {
    if u.score.is_none() && u.comment.is_none() {
        return Err(Error::invalid("score", Reason::Required));
    }
    let score = u.score.map(|s| check_score("score", s)).transpose()?;
    let comment = u.comment.as_deref().map(|c| check_text("comment", c, limits::COMMENT, false)).transpose()?;
    let eid = db.with_tx(|tx| {
        let old = load(tx, id)?;
        let new_score = score.unwrap_or(old.score);
        let new_comment = comment.clone().unwrap_or_else(|| old.comment.clone());
        let a = changelog::record(tx, actor, "evaluation", &old.id, "score", Some(&score_text(old.score)), Some(&score_text(new_score)))?;
        let b = changelog::record(tx, actor, "evaluation", &old.id, "comment", Some(&old.comment), Some(&new_comment))?;
        if a || b {
            tx.execute(
                "UPDATE evaluation SET score = ?2, comment = ?3, updated_at = ?4, device_id = ?5 WHERE id = ?1",
                params![old.id, new_score, new_comment, tx.now_text(), tx.device_id()],
            )?;
        }
        Ok(old.id)
    })?;
    get(db, &eid)
}

pub fn get(db: &Db, id: &str) -> Result<Evaluation> {
    load(db.conn(), id)
}

/// The evaluations a filter selects, newest first.
pub fn list(db: &Db, f: &EvaluationFilter) -> Result<Vec<Evaluation>> {
    let mut sql = format!("{SELECT} WHERE 1 = 1");
    let mut args: Vec<String> = Vec::new();
    let mut bind = |v: String| {
        args.push(v);
        format!("?{}", args.len())
    };
    if let Some(k) = f.subject_kind {
        sql.push_str(&format!(" AND subject_kind = {}", bind(k.slug().into())));
    }
    if let Some(s) = f.subject.as_deref().map(clean).filter(|s| !s.is_empty()) {
        sql.push_str(&format!(" AND subject = {}", bind(s)));
    }
    if let Some(a) = f.aspect {
        sql.push_str(&format!(" AND aspect = {}", bind(a.slug().into())));
    }
    if let Some(e) = f.evaluator {
        sql.push_str(&format!(" AND evaluator = {}", bind(e.slug().into())));
    }
    sql.push_str(" ORDER BY evaluated_on DESC, created_at DESC, id DESC");
    let mut st = db.conn().prepare(&sql)?;
    let rows = st.query_map(params_from_iter(args.iter()), row_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Count, mean, min and max per subject (department, county/district or
/// topic), aspect and evaluator group: departments and counties in registry
/// order, topics by name.
pub fn summary(db: &Db) -> Result<Vec<EvaluationSummary>> {
    let mut st = db.conn().prepare(
        "SELECT e.subject_kind, e.subject, e.aspect, e.evaluator, count(*) AS n,
                sum(CAST(round(e.score * 100) AS INTEGER)) AS cents, min(e.score) AS lo, max(e.score) AS hi,
                min(coalesce(d.position, c.position, 0)) AS pos
         FROM evaluation e
         LEFT JOIN department d ON d.id = e.department_id
         LEFT JOIN jurisdiction c ON c.id = e.county_id
         GROUP BY e.subject_kind, e.subject, e.aspect, e.evaluator",
    )?;
    let rows = st.query_map([], |r| {
        let n: i64 = r.get("n")?;
        let cents: i64 = r.get("cents")?;
        // Half up on non-negative integers: (2·sum + n) div (2·n).
        let mean_cents = (2 * cents + n) / (2 * n);
        Ok((
            r.get::<_, i64>("pos")?,
            EvaluationSummary {
                subject_kind: store_slug(r, "subject_kind", SubjectKind::from_slug)?,
                subject: r.get("subject")?,
                aspect: store_slug(r, "aspect", Aspect::from_slug)?,
                evaluator: store_slug(r, "evaluator", Evaluator::from_slug)?,
                count: n as u32,
                mean: mean_cents as f64 / 100.0,
                min: r.get("lo")?,
                max: r.get("hi")?,
            },
        ))
    })?;
    let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    out.sort_by(|(pa, a), (pb, b)| {
        (a.subject_kind, *pa, &a.subject, a.aspect, a.evaluator).cmp(&(b.subject_kind, *pb, &b.subject, b.aspect, b.evaluator))
    });
    Ok(out.into_iter().map(|(_, s)| s).collect())
}
