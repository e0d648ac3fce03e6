//! What a record that travels may hold, and how it may change once it is
//! made — the domain's rules for a change that did not go through this
//! laptop's own functions (one that arrives in a sync bundle).
//!
//! The limits and vocabularies are the ones the local functions check
//! (`inspection::limits`, `problem::limits`, the vocabularies); this module
//! only says which applies to which column, and which columns the app ever
//! changes after a row is made. It knows nothing of bundles or operations:
//! the sync merge (`crate::sync::rules`) asks it about each change.
//!
//! A new `UPDATE` or `DELETE` of a table that travels must be listed here,
//! or other laptops refuse the change it makes.

use serde_json::Value;

use crate::catalog::{Severity, TargetKind};
use crate::inspection::{InspectionKind, Scope, Verdict};
use crate::problem::{EventKind, Source, Status, VerifyMethod, VerifyResult};

/// A rule a change breaks, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub zh: String,
    pub en: String,
}

/// How a table's rows may change after they are made.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// The columns the app changes (bookkeeping always may).
    pub changeable: &'static [&'static str],
    pub deletable: bool,
    /// Why the rest stays as made, for a refusal.
    pub why_zh: &'static str,
    pub why_en: &'static str,
}

const FIXED_ZH: &str = "此类记录一经形成不得修改";
const FIXED_EN: &str = "records of this kind are never changed once made";
const APPEND_ZH: &str = "此类记录只能新增，不能修改或删除（留痕）";
const APPEND_EN: &str = "records of this kind are only ever added, never changed or deleted (the audit trail)";

/// Columns that say who touched a row last or where an inspector's cursor
/// was; any change may move them.
pub const BOOKKEEPING: &[&str] = &["updated_at", "device_id", "last_item_code"];

pub fn policy(table: &str) -> Policy {
    let p = |changeable: &'static [&'static str], deletable, why_zh, why_en| Policy { changeable, deletable, why_zh, why_en };
    match table {
        "catalog_version" | "catalog_group" | "catalog_item" => {
            p(&[], false, "内容清单的版本一经导入不可更改（须以新版本导入）", "a catalog version never changes once imported (import a new version)")
        }
        "jurisdiction" | "attachment" | "suggestion" | "opinion" => p(&[], false, FIXED_ZH, FIXED_EN),
        "amendment" | "change_log" | "problem_event" | "problem_evidence" => p(&[], false, APPEND_ZH, APPEND_EN),
        "department" => p(&["kind"], false, FIXED_ZH, FIXED_EN),
        "duty" => p(&["position", "item_codes"], true, FIXED_ZH, FIXED_EN),
        "facility" => p(
            &[
                "name", "kind", "operator_type", "county_id", "township_id", "address", "operator", "beds", "residents", "star_level",
                "contact_person", "contact_phone",
            ],
            false,
            FIXED_ZH,
            FIXED_EN,
        ),
        "inspection" => p(
            &["status", "signed_at", "signed_inspectors", "signed_representative", "signature_sha256"],
            false,
            "检查的基本信息一经开始不得修改，签字确认后只能经更正留痕",
            "an inspection's particulars never change once started; after sign-off only by a recorded correction",
        ),
        "inspection_item" => p(&["verdict", "finding", "severity", "scope", "na_reason"], false, FIXED_ZH, FIXED_EN),
        "evidence" => p(&[], true, FIXED_ZH, FIXED_EN),
        "problem" => p(
            &[
                "number", "description", "severity", "scope", "measure", "responsible_unit", "responsible_person", "deadline", "status",
                "rectified_on", "closed_on", "merged_into",
            ],
            false,
            "问题不能删除，只能撤销或销号",
            "a problem is never deleted, only withdrawn or closed out",
        ),
        "problem_finding" => p(&["problem_id"], false, FIXED_ZH, FIXED_EN),
        "evaluation" => p(&["score", "comment"], false, FIXED_ZH, FIXED_EN),
        "study_mark" => p(&["studied_on"], true, FIXED_ZH, FIXED_EN),
        "assignment" => p(&["planned_date", "note"], true, FIXED_ZH, FIXED_EN),
        _ => p(&[], false, FIXED_ZH, FIXED_EN),
    }
}

/// Whether a column of a row may change after the row is made.
pub fn may_change(table: &str, col: &str) -> bool {
    BOOKKEEPING.contains(&col) || policy(table).changeable.contains(&col)
}

enum Rule {
    Text(usize),
    Vocabulary(fn(&str) -> bool, &'static str),
    Date,
    Any,
}


/// Any text of a travelling row, whatever its column: generous for the
/// longest text the app keeps (a catalog requirement, a JSON list of names),
/// far below what would make a laptop choke.
pub const ANY_TEXT: usize = 20_000;

fn rule(table: &str, col: &str) -> Rule {
    use crate::{catalog::limits as cat, inspection::limits as ins, lists::limits as lists, problem::limits as prob};
    let vocab = |f: fn(&str) -> bool, what| Rule::Vocabulary(f, what);
    match (table, col) {
        ("inspection_item", "finding") => Rule::Text(ins::FINDING),
        ("inspection_item", "na_reason") | ("amendment", "reason") => Rule::Text(ins::REASON),
        ("inspection_item", "verdict") => vocab(|s| Verdict::from_slug(s).is_some(), "符合、基本符合、不符合、不适用"),
        ("inspection_item" | "problem", "severity") => vocab(|s| Severity::from_slug(s).is_some(), "一般、较重、重大隐患"),
        ("inspection_item" | "problem", "scope") => vocab(|s| Scope::from_slug(s).is_some(), "个别、部分、普遍"),
        ("inspection", "kind") => vocab(|s| InspectionKind::from_slug(s).is_some(), "检查类型"),
        ("inspection", "status") => vocab(|s| matches!(s, "draft" | "signed"), "检查中、已签字确认"),
        ("inspection" | "problem", "target_kind") => vocab(|s| TargetKind::from_slug(s).is_some(), "检查对象类型"),
        ("inspection", "group_name" | "leader" | "signed_representative") => Rule::Text(ins::NAME),
        ("inspection", "date") | ("problem", "found_on" | "deadline" | "rectified_on" | "closed_on") | ("problem_event", "on_date") => Rule::Date,
        ("assignment", "planned_date") => Rule::Date,
        ("suggestion", "text") => Rule::Text(ins::SUGGESTION),
        ("problem", "description") => Rule::Text(prob::DESCRIPTION),
        ("problem", "measure") | ("problem_event", "note") => Rule::Text(prob::NOTE),
        ("problem", "responsible_unit" | "responsible_person" | "target_name" | "group_name") | ("problem_event", "verifier" | "actor") => {
            Rule::Text(prob::NAME)
        }
        ("problem", "category") => Rule::Text(prob::CATEGORY),
        ("problem", "number") => Rule::Text(40),
        ("problem", "status") | ("problem_event", "from_status" | "to_status") => {
            vocab(|s| Status::from_slug(s).is_some(), "待整改、整改中、已整改待核验、已销号、已撤销")
        }
        ("problem", "source") => vocab(|s| Source::from_slug(s).is_some(), "问题来源"),
        ("problem_event", "kind") => vocab(|s| EventKind::from_slug(s).is_some(), "整改步骤"),
        ("problem_event", "method") => vocab(|s| VerifyMethod::from_slug(s).is_some(), "回头看、资料核查、暗访"),
        ("problem_event", "result") => vocab(|s| VerifyResult::from_slug(s).is_some(), "通过、未通过"),
        ("opinion", "text") => Rule::Text(lists::TEXT),
        ("evaluation", "comment") => Rule::Text(lists::COMMENT),
        ("assignment", "note") => Rule::Text(crate::assignment::limits::NOTE),
        ("assignment", "group_name") => Rule::Text(crate::assignment::limits::GROUP),
        ("catalog_item", "title") => Rule::Text(cat::TITLE),
        ("catalog_item", "requirement" | "basis") => Rule::Text(cat::TEXT),
        ("catalog_item", "code") => Rule::Text(cat::CODE),
        _ => Rule::Any,
    }
}

/// Whether a value fits its column: its length, its vocabulary, its date form.
pub fn check_value(table: &str, col: &str, value: &Value) -> Result<(), Broken> {
    let Value::String(text) = value else { return Ok(()) };
    let chars = text.chars().count();
    let rule = rule(table, col);
    let max = match rule {
        Rule::Text(m) => m,
        _ => ANY_TEXT,
    };
    if chars > max {
        return Err(too_long(chars, max));
    }
    match rule {
        Rule::Vocabulary(ok, expected) if !ok(text) => Err(Broken {
            zh: format!("“{}”不是可用的值（应为{expected}）", crate::text::printable(&truncated(text))),
            en: format!("'{}' is not one of the values allowed", crate::text::printable(&truncated(text))),
        }),
        Rule::Date if !text.is_empty() && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() => Err(Broken {
            zh: format!("“{}”不是 YYYY-MM-DD 格式的日期", crate::text::printable(&truncated(text))),
            en: format!("'{}' is not a date of the form YYYY-MM-DD", crate::text::printable(&truncated(text))),
        }),
        _ => Ok(()),
    }
}

fn too_long(chars: usize, max: usize) -> Broken {
    Broken { zh: format!("长度为 {chars} 个字符，超过上限 {max}"), en: format!("{chars} characters long, over the limit of {max}") }
}

fn truncated(s: &str) -> String {
    let mut out: String = s.chars().take(30).collect();
    if s.chars().count() > 30 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::finding_at_the_limit("inspection_item", "finding", "字".repeat(2000), true)]
    #[case::finding_over("inspection_item", "finding", "字".repeat(2001), false)]
    #[case::two_million("inspection_item", "finding", "字".repeat(2_000_000), false)]
    #[case::any_column_over_the_cap("facility", "address", "x".repeat(ANY_TEXT + 1), false)]
    #[case::verdict("inspection_item", "verdict", "compliant".into(), true)]
    #[case::unknown_verdict("inspection_item", "verdict", "maybe".into(), false)]
    #[case::status("problem", "status", "closed".into(), true)]
    #[case::unknown_status("problem", "status", "done".into(), false)]
    #[case::date("problem", "deadline", "2024-06-30".into(), true)]
    #[case::office_date("problem", "deadline", "2024年6月30日".into(), false)]
    fn values_fit_their_columns(#[case] table: &str, #[case] col: &str, #[case] value: String, #[case] ok: bool) {
        assert_eq!(check_value(table, col, &Value::String(value)).is_ok(), ok);
    }

    #[test]
    fn what_may_change_after_a_row_is_made() {
        assert!(may_change("inspection_item", "finding"));
        assert!(may_change("inspection", "updated_at"), "bookkeeping");
        assert!(!may_change("inspection", "date"));
        assert!(!may_change("catalog_item", "basis"), "a catalog version is immutable");
        assert!(!may_change("problem_event", "note"), "append-only");
        assert!(!policy("problem_event").deletable && !policy("inspection").deletable && !policy("change_log").deletable);
        assert!(policy("evidence").deletable, "a photo is taken off a draft");
    }
}
