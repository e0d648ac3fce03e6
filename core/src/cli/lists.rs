//! `qingdan problem add|merge`, `suggestion add`, `evaluation …`, `learning …`
//! and `responsibility`: entering what does not come from an inspection, and
//! reading the 评价, 学习 and 责任 lists.

use clap::Subcommand;

use super::output::Writer;
use super::JsonFlag;
use crate::catalog::Severity;
use crate::db::Db;
use crate::error::Result;
use crate::inspection::Scope;
use crate::lang::Lang;
use crate::lists::evaluation::{self, Aspect, Evaluation, EvaluationSummary, Evaluator, NewEvaluation, SubjectKind};
use crate::lists::learning::{self, LearningDoc};
use crate::lists::responsibility::{self, ResponsibilityRow};
use crate::lists::suggestions::{self, NewOpinion, SuggestionRow};
use crate::problem::{self, NewProblem, ProblemDetail, Source};

fn vocab_error(s: &str, what: &str, expected: String) -> String {
    format!("“{s}”不是有效的{what}，应为：{expected}")
}

pub(super) fn parse_source(s: &str) -> std::result::Result<Source, String> {
    Source::parse(s).ok_or_else(|| vocab_error(s, "来源", Source::expected_zh()))
}
fn parse_severity(s: &str) -> std::result::Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| vocab_error(s, "严重程度", Severity::expected_zh()))
}
fn parse_scope(s: &str) -> std::result::Result<Scope, String> {
    Scope::parse(s).ok_or_else(|| vocab_error(s, "问题范围", Scope::expected_zh()))
}
fn parse_subject_kind(s: &str) -> std::result::Result<SubjectKind, String> {
    SubjectKind::parse(s).ok_or_else(|| vocab_error(s, "测评对象类型", SubjectKind::expected_zh()))
}
fn parse_aspect(s: &str) -> std::result::Result<Aspect, String> {
    Aspect::parse(s).ok_or_else(|| vocab_error(s, "测评内容", Aspect::expected_zh()))
}
fn parse_evaluator(s: &str) -> std::result::Result<Evaluator, String> {
    Evaluator::parse(s).ok_or_else(|| vocab_error(s, "测评主体", Evaluator::expected_zh()))
}

/// `problem add`: a problem from another source than an inspection.
#[derive(clap::Args, Debug)]
pub(super) struct ProblemAdd {
    /// What is wrong
    #[arg(long)]
    description: String,
    /// 政府自查, 执法检查, 暗访调查, 群众反映, 座谈, 代表意见 … (or their slugs)
    #[arg(long, value_parser = parse_source)]
    source: Source,
    /// A facility, county/district or department id from the registry
    #[arg(long)]
    target: Option<String>,
    /// The target's name when it is not in the registry (e.g. 全市)
    #[arg(long)]
    target_name: Option<String>,
    /// County/district name
    #[arg(long)]
    county: Option<String>,
    /// Catalog item code, e.g. S07
    #[arg(long)]
    item: Option<String>,
    /// 问题类别; the item's group when absent
    #[arg(long)]
    category: Option<String>,
    /// 一般, 较重, 重大隐患
    #[arg(long, value_parser = parse_severity)]
    severity: Option<Severity>,
    /// 个别, 部分, 普遍
    #[arg(long, value_parser = parse_scope)]
    scope: Option<Scope>,
    /// YYYY-MM-DD; today when absent
    #[arg(long)]
    found_on: Option<String>,
    /// The responsible department's name
    #[arg(long)]
    department: Option<String>,
    /// The supervision group, e.g. 第一组
    #[arg(long)]
    group: Option<String>,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Subcommand, Debug)]
pub(super) enum EvaluationCmd {
    /// Record a satisfaction score (100-point, two-way: 人大常委会 scores 整改工作/整改报告, 人大代表 or 群众 score 整改成效)
    Add {
        /// 部门, 县（市、区） or 专题
        #[arg(long, value_parser = parse_subject_kind)]
        subject_kind: SubjectKind,
        /// The department, county/district or topic
        #[arg(long)]
        subject: String,
        /// 整改工作, 整改报告 or 整改成效
        #[arg(long, value_parser = parse_aspect)]
        aspect: Aspect,
        /// 人大常委会, 人大代表 or 群众
        #[arg(long, value_parser = parse_evaluator)]
        evaluator: Evaluator,
        /// 0–100, at most two decimals
        #[arg(long)]
        score: f64,
        /// YYYY-MM-DD; today when absent
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        comment: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Every evaluation, newest first
    List(JsonFlag),
    /// Count, mean, lowest and highest score per subject, aspect and evaluator
    Summary(JsonFlag),
}

#[derive(Subcommand, Debug)]
pub(super) enum LearningCmd {
    /// The laws and policies behind the catalog, with the items they ground
    List {
        /// Show whether this person has studied each document
        #[arg(long)]
        person: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Mark a document as studied by a person
    Mark {
        document: String,
        #[arg(long)]
        person: String,
        /// YYYY-MM-DD; today when absent
        #[arg(long)]
        date: Option<String>,
    },
    /// Take a studied mark back
    Unmark {
        document: String,
        #[arg(long)]
        person: String,
    },
}

pub(super) fn problem_add(db: &mut Db, a: ProblemAdd, actor: &str, w: &mut Writer<'_>) -> Result<()> {
    let input = NewProblem {
        target_id: a.target,
        target_name: a.target_name.unwrap_or_default(),
        county: a.county,
        item_code: a.item,
        category: a.category.unwrap_or_default(),
        description: a.description,
        severity: a.severity,
        scope: a.scope,
        source: Some(a.source),
        group: a.group.unwrap_or_default(),
        found_on: a.found_on,
        department: a.department,
        responsible_unit: String::new(),
        number: None,
    };
    let d = problem::create(db, &input, actor)?;
    w.problem_added(&d, a.json.json)
}

pub(super) fn problem_merge(db: &mut Db, keep: &str, others: &[String], actor: &str, w: &mut Writer<'_>) -> Result<()> {
    let d = problem::merge(db, keep, others, actor)?;
    w.zh_en(
        format!("已将 {} 个问题并入 {}", others.len(), d.problem.number),
        format!("merged {} problem(s) into {}", others.len(), d.problem.number),
    )
}

pub(super) fn suggestion_add(db: &mut Db, o: NewOpinion, json: bool, actor: &str, w: &mut Writer<'_>) -> Result<()> {
    let row = suggestions::create_opinion(db, &o, actor)?;
    w.suggestion_added(&row, json)
}

pub(super) fn evaluation_cmd(db: &mut Db, cmd: EvaluationCmd, actor: &str, w: &mut Writer<'_>) -> Result<()> {
    match cmd {
        EvaluationCmd::Add { subject_kind, subject, aspect, evaluator, score, date, comment, json } => {
            let e = NewEvaluation { subject_kind, subject, aspect, evaluator, evaluated_on: date, score, comment: comment.unwrap_or_default() };
            let saved = evaluation::create(db, &e, actor)?;
            if json.json {
                return w.json(&saved);
            }
            w.line(&saved.id)
        }
        EvaluationCmd::List(j) => w.evaluations(&evaluation::list(db, &Default::default())?, j.json),
        EvaluationCmd::Summary(j) => w.evaluation_summary(&evaluation::summary(db)?, j.json),
    }
}

pub(super) fn learning_cmd(db: &mut Db, cmd: LearningCmd, actor: &str, w: &mut Writer<'_>) -> Result<()> {
    match cmd {
        LearningCmd::List { person, json } => w.learning(&learning::documents(db, person.as_deref())?, person.is_some(), json.json),
        LearningCmd::Mark { document, person, date } => {
            let d = learning::mark_studied(db, &person, &document, date.as_deref(), actor)?;
            w.zh_en(format!("已记录：{person} 已学习{}", d.document), format!("recorded: {person} studied {}", d.document))
        }
        LearningCmd::Unmark { document, person } => {
            learning::unmark_studied(db, &person, &document, actor)?;
            w.zh_en(format!("已撤销 {person} 对 {document} 的学习记录"), format!("removed {person}'s mark on {document}"))
        }
    }
}

pub(super) fn responsibility_cmd(db: &Db, json: bool, w: &mut Writer<'_>) -> Result<()> {
    w.responsibility(&responsibility::list(db)?, json)
}

impl Writer<'_> {
    fn problem_added(&mut self, d: &ProblemDetail, json: bool) -> Result<()> {
        if json {
            return self.json(d);
        }
        self.zh_en(
            format!("已列入问题清单：{}（{}）", d.problem.number, d.problem.id),
            format!("listed: {} ({})", d.problem.number, d.problem.id),
        )
    }

    fn suggestion_added(&mut self, s: &SuggestionRow, json: bool) -> Result<()> {
        if json {
            return self.json(s);
        }
        self.line(&s.id)
    }

    fn evaluations(&mut self, list: &[Evaluation], json: bool) -> Result<()> {
        if json {
            return self.json(list);
        }
        let lang = self.lang;
        for e in list {
            self.line(&format!(
                "{}  {}  {}  {}  {}  {:.2}{}",
                e.evaluated_on,
                e.subject,
                e.aspect.label(lang),
                e.evaluator.label(lang),
                e.subject_kind.label(lang),
                e.score,
                if e.comment.is_empty() { String::new() } else { format!("  {}", e.comment) }
            ))?;
        }
        self.zh_en(format!("共 {} 条测评", list.len()), format!("{} evaluations", list.len()))
    }

    fn evaluation_summary(&mut self, list: &[EvaluationSummary], json: bool) -> Result<()> {
        if json {
            return self.json(list);
        }
        let lang = self.lang;
        for s in list {
            let line = match lang {
                Lang::Zh => format!(
                    "{}（{}）  {}  {}：{} 份，平均 {:.2} 分（最低 {:.2}，最高 {:.2}）",
                    s.subject,
                    s.subject_kind.label(lang),
                    s.aspect.label(lang),
                    s.evaluator.label(lang),
                    s.count,
                    s.mean,
                    s.min,
                    s.max
                ),
                Lang::En => format!(
                    "{} ({})  {}  {}: {} scores, mean {:.2} (min {:.2}, max {:.2})",
                    s.subject,
                    s.subject_kind.label(lang),
                    s.aspect.label(lang),
                    s.evaluator.label(lang),
                    s.count,
                    s.mean,
                    s.min,
                    s.max
                ),
            };
            self.line(&line)?;
        }
        Ok(())
    }

    fn learning(&mut self, docs: &[LearningDoc], per_person: bool, json: bool) -> Result<()> {
        if json {
            return self.json(docs);
        }
        let lang = self.lang;
        for d in docs {
            let mark = match (per_person, d.studied_by_person) {
                (false, _) => String::new(),
                (true, true) => lang.pick("[已学] ", "[studied] ").to_string(),
                (true, false) => lang.pick("[未学] ", "[to study] ").to_string(),
            };
            self.line(&format!("{mark}{}  {}  {}", d.document, d.articles.join("、"), d.item_codes.join(" ")))?;
        }
        self.zh_en(format!("共 {} 份法规政策文件", docs.len()), format!("{} documents", docs.len()))
    }

    fn responsibility(&mut self, rows: &[ResponsibilityRow], json: bool) -> Result<()> {
        if json {
            return self.json(rows);
        }
        let lang = self.lang;
        for r in rows {
            let counts = match lang {
                Lang::Zh => format!("未销号 {}，逾期 {}，已销号 {}", r.open, r.overdue, r.closed),
                Lang::En => format!("open {}, overdue {}, closed {}", r.open, r.overdue, r.closed),
            };
            self.line(&format!("{}  {}  [{}]  {counts}", r.department, r.duty, r.item_codes.join(" ")))?;
        }
        Ok(())
    }
}
