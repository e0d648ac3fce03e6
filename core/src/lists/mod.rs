//! The lists around the problems: 意见建议 ([`suggestions`]), 评价清单
//! ([`evaluation`]), 学习清单 ([`learning`]) and 责任清单 with its problem
//! counts ([`responsibility`]). 问题、整改、销号清单 live in
//! [`crate::problem`]; the 内容清单 is [`crate::catalog`].
//!
//! Each public function taking a `&mut Db` is one transaction and writes the
//! change log; those taking a `&Db` only read.

pub mod evaluation;
pub mod learning;
pub mod responsibility;
pub mod suggestions;

use chrono::NaiveDate;
use rusqlite::OptionalExtension;

use crate::db::Tx;
use crate::error::{Error, Reason, Result};
use crate::text::clean;

/// Limits on what a person types.
pub mod limits {
    pub const TEXT: usize = 2000;
    pub const COMMENT: usize = 2000;
    pub const NAME: usize = 100;
    pub const TOPIC: usize = 200;
}

pub(crate) use crate::text::check_text;

pub(crate) fn refuse(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Error {
    Error::refuse(field, zh, en)
}

/// A short name (person, unit, group): white space collapsed, one line.
pub(crate) fn check_name(field: &str, value: &str, max: usize, required: bool) -> Result<String> {
    check_text(field, &clean(value), max, required)
}

/// A YYYY-MM-DD date, today (北京时间) when absent or empty, never in the future.
pub(crate) fn date_or_today(field: &str, value: Option<&str>, today: NaiveDate) -> Result<NaiveDate> {
    let date = match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => return Ok(today),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
            .ok_or_else(|| Error::invalid(field, Reason::Invalid { value: s.to_string(), expected: "YYYY-MM-DD 格式的日期".into() }))?,
    };
    if date > today {
        return Err(refuse(
            field,
            format!("日期 {} 晚于今天（{}）", date_text(date), date_text(today)),
            format!("the date {} is in the future (today is {})", date_text(date), date_text(today)),
        ));
    }
    Ok(date)
}

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The id of a county/district by its name; `None` for an empty name.
pub(crate) fn resolve_county(tx: &Tx<'_>, name: &str) -> Result<Option<(String, String)>> {
    let name = clean(name);
    if name.is_empty() {
        return Ok(None);
    }
    let id: Option<String> =
        tx.query_row("SELECT id FROM jurisdiction WHERE level = 'county' AND name = ?1", [&name], |r| r.get(0)).optional()?;
    id.map(|id| Some((id, name.clone()))).ok_or(Error::NotFound { what: "县（市、区）", key: name })
}

/// The id of a department by its name; `None` for an empty name.
pub(crate) fn resolve_department(tx: &Tx<'_>, name: &str) -> Result<Option<(String, String)>> {
    let name = clean(name);
    if name.is_empty() {
        return Ok(None);
    }
    let id: Option<String> = tx.query_row("SELECT id FROM department WHERE name = ?1", [&name], |r| r.get(0)).optional()?;
    id.map(|id| Some((id, name.clone()))).ok_or(Error::NotFound { what: "部门", key: name })
}
