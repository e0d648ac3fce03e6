//! Field inspection: an inspector walks the checklist of one target (a
//! facility, a county/district government or a department) and records a
//! verdict per item, with findings, evidence and suggestions.
//!
//! Every change is saved on its own, in one transaction, and logged in the
//! change log (`crate::changelog`). Drafts may be incomplete; the completion
//! check lists what is missing and signing refuses until nothing is. A signed
//! inspection is locked: a later correction is an amendment with a reason,
//! and both the original and the amendment stay visible.
//!
//! The catalog version is pinned when an inspection starts; later imports
//! never change its checklist. Only items that apply to the target's kind are
//! on it; others can be added by hand. A 回头看 (look-back) of a target with
//! open problems walks just the items of those problems, and its sign-off
//! verifies them (`crate::problem::verify_by_look_back`).

mod store;

pub use store::{
    add_item, add_suggestion, completion, detach_evidence, item, item_history, list, record, record_with_files, show, sign, start,
};

use serde::{Deserialize, Deserializer, Serialize};

use crate::catalog::{CheckMethod, ItemKind, Severity, TargetKind};
use crate::evidence::Attachment;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// 检查类型.
    InspectionKind {
        LawEnforcement => "law_enforcement", "执法检查", "law-enforcement inspection", ["执法"];
        Special => "special", "专项督查", "special inspection", ["督查", "专项检查"];
        Unannounced => "unannounced", "暗访", "unannounced visit", ["随机暗访", "暗访调查"];
        LookBack => "look_back", "回头看", "look-back visit", ["回访", "lookback"];
        SelfCheckReview => "self_check_review", "自查核查", "review of a self-inspection", ["自查", "核查", "self-check"];
    }
}

vocabulary! {
    /// An inspector's verdict on one item.
    Verdict {
        Compliant => "compliant", "符合", "compliant", ["合格", "c"];
        Partial => "partial", "基本符合", "partly compliant", ["基本合格", "p"];
        Noncompliant => "noncompliant", "不符合", "non-compliant", ["不合格", "n"];
        NotApplicable => "na", "不适用", "not applicable", ["n/a", "无此项", "not_applicable"];
    }
}

vocabulary! {
    /// How widespread a non-compliance is.
    Scope {
        Individual => "individual", "个别", "isolated", ["个别现象"];
        Partial => "partial", "部分", "partial", ["部分存在"];
        Widespread => "widespread", "普遍", "widespread", ["普遍存在"];
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InspectionStatus {
    Draft,
    Signed,
}

/// Limits on what a person types, so that a stuck key cannot fill the disk.
pub mod limits {
    pub const FINDING: usize = 2000;
    pub const REASON: usize = 500;
    pub const NAME: usize = 50;
    pub const PEOPLE: usize = 30;
    pub const SUGGESTION: usize = 2000;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct StartInspection {
    /// A facility id, a county/district id (its government) or a department id.
    pub target_id: String,
    pub kind: InspectionKind,
    /// YYYY-MM-DD.
    pub date: String,
    /// The supervision group, e.g. 第一组.
    pub group: String,
    #[serde(default)]
    pub leader: String,
    #[serde(default)]
    pub members: Vec<String>,
    /// Facility representatives present.
    #[serde(default)]
    pub representatives: Vec<String>,
}

/// A change to one checklist item. Absent fields stay as they are; for
/// `verdict`, `severity` and `scope`, `null` clears the value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ItemPatch {
    #[serde(default, deserialize_with = "present")]
    #[ts(optional = nullable)]
    pub verdict: Option<Option<Verdict>>,
    #[ts(optional)]
    pub finding: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[ts(optional = nullable)]
    pub severity: Option<Option<Severity>>,
    #[serde(default, deserialize_with = "present")]
    #[ts(optional = nullable)]
    pub scope: Option<Option<Scope>>,
    /// Why the item does not apply (required with 不适用).
    #[ts(optional)]
    pub na_reason: Option<String>,
    /// Attachments (already stored) to link to the item.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Required once the inspection is signed: the change becomes an amendment.
    #[ts(optional)]
    pub amend_reason: Option<String>,
}

/// Tells a missing field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct InspectionSummary {
    pub id: String,
    pub target_id: String,
    pub target_kind: TargetKind,
    pub target_name: String,
    pub kind: InspectionKind,
    pub date: String,
    pub group: String,
    pub leader: String,
    pub status: InspectionStatus,
    pub catalog_version_id: String,
    pub total: u32,
    pub answered: u32,
    pub noncompliant: u32,
    pub partial: u32,
    pub signed_at: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ChecklistItem {
    pub code: String,
    pub kind: ItemKind,
    pub group: String,
    pub title: String,
    pub requirement: String,
    pub basis: String,
    pub methods: Vec<CheckMethod>,
    pub quick_phrases: Vec<String>,
    pub major_hazard: bool,
    pub default_severity: Severity,
    /// Put on the checklist by hand although it does not apply to the target's kind.
    pub added_by_hand: bool,
    /// `null` while unanswered.
    pub verdict: Option<Verdict>,
    pub finding: String,
    pub severity: Option<Severity>,
    pub scope: Option<Scope>,
    pub na_reason: String,
    /// sha256 of the attached files.
    pub evidence: Vec<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Suggestion {
    pub id: String,
    /// `null` for a suggestion on the whole inspection.
    pub item_code: Option<String>,
    pub text: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SignOff {
    pub signed_at: String,
    pub inspectors: Vec<String>,
    pub representative: String,
    /// sha256 of the drawn signature image, if one was drawn.
    pub signature: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Amendment {
    pub id: String,
    pub item_code: String,
    pub reason: String,
    pub before: ItemState,
    pub after: ItemState,
    pub actor: String,
    pub created_at: String,
}

/// The recorded part of an item, as amendments compare it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ItemState {
    pub verdict: Option<Verdict>,
    pub finding: String,
    pub severity: Option<Severity>,
    pub scope: Option<Scope>,
    pub na_reason: String,
}

impl ItemState {
    /// What is still missing before this item may be signed, in a fixed order.
    pub fn gaps(&self) -> Vec<Gap> {
        let blank = |s: &str| s.trim().is_empty();
        let checks = match self.verdict {
            None => vec![(true, Gap::Unanswered)],
            Some(Verdict::Compliant) => vec![],
            Some(Verdict::NotApplicable) => vec![(blank(&self.na_reason), Gap::NaReasonMissing)],
            Some(Verdict::Partial) => vec![(blank(&self.finding), Gap::FindingMissing)],
            Some(Verdict::Noncompliant) => vec![
                (blank(&self.finding), Gap::FindingMissing),
                (self.severity.is_none(), Gap::SeverityMissing),
                (self.scope.is_none(), Gap::ScopeMissing),
            ],
        };
        checks.into_iter().filter(|(missing, _)| *missing).map(|(_, gap)| gap).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct InspectionDetail {
    #[serde(flatten)]
    #[ts(flatten)]
    pub summary: InspectionSummary,
    pub members: Vec<String>,
    pub representatives: Vec<String>,
    /// Where the inspector left off.
    pub last_item_code: Option<String>,
    pub items: Vec<ChecklistItem>,
    pub attachments: Vec<Attachment>,
    pub suggestions: Vec<Suggestion>,
    pub signoff: Option<SignOff>,
    pub amendments: Vec<Amendment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Gap {
    Unanswered,
    FindingMissing,
    SeverityMissing,
    ScopeMissing,
    NaReasonMissing,
}

impl Gap {
    pub fn text(self, lang: crate::Lang) -> &'static str {
        match self {
            Gap::Unanswered => lang.pick("尚未作出结论", "no verdict yet"),
            Gap::FindingMissing => lang.pick("未填写问题描述", "the finding is not described"),
            Gap::SeverityMissing => lang.pick("不符合项未选择严重程度", "a non-compliance needs a severity"),
            Gap::ScopeMissing => lang.pick("不符合项未选择问题范围", "a non-compliance needs a scope"),
            Gap::NaReasonMissing => lang.pick("不适用未说明理由", "say why the item does not apply"),
        }
    }
}

/// Something that keeps an inspection from being signed.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CompletionGap {
    pub code: String,
    pub title: String,
    pub gap: Gap,
}

/// One item's verdict in one inspection, for a target's history.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct VerdictHistoryEntry {
    pub inspection_id: String,
    pub date: String,
    pub kind: InspectionKind,
    pub status: InspectionStatus,
    pub verdict: Option<Verdict>,
    pub finding: String,
    pub severity: Option<Severity>,
}
