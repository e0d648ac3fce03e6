//! Bounds on what the UI may send. The webview is ours, but IPC is still a
//! boundary: a bug or a tampered page must not push a megabyte of search text
//! into SQLite, a control character into a stored value or a log line, or a
//! path such as `../../x` where a file's sha256 belongs. Every problem of one
//! request is reported at once, and a refused request changes nothing.
//!
//! These are coarse limits of the transport. What a value *means* (does the
//! id exist, is the date a date, is a name too long for the register) is the
//! core's business, and the core checks it again with its own limits.

use base64::Engine;
use qingdan_core::{Error, Problem, Reason};

use crate::error::IpcError;
use crate::state::AppState;

/// Ids are UUIDs (36 characters) or prefixes of them; 64 leaves room.
pub const MAX_ID: usize = 64;
/// Item codes such as S01 or I51.
pub const MAX_CODE: usize = 20;
pub const MAX_SEARCH: usize = 200;
/// A county/district is passed by id or by name (汝阳县, 瀍河回族区).
pub const MAX_COUNTY: usize = 64;
/// A person's or a group's name, a date, a file name.
pub const MAX_NAME: usize = 255;
/// Findings, reasons and suggestions; the core's own limits are lower.
pub const MAX_PROSE: usize = 10_000;
/// People on one inspection (members, representatives, inspectors).
pub const MAX_PEOPLE: usize = 100;

#[derive(Default)]
pub struct Input {
    problems: Vec<Problem>,
}

impl Input {
    pub fn new() -> Self {
        Input::default()
    }

    /// A required id.
    pub fn id(&mut self, field: &str, value: &str) -> &mut Self {
        self.required(field, value, MAX_ID)
    }

    /// A required item code.
    pub fn code(&mut self, field: &str, value: &str) -> &mut Self {
        self.required(field, value, MAX_CODE)
    }

    /// An optional single-line text of at most `max` characters; absent or empty does not filter.
    pub fn text(&mut self, field: &str, value: Option<&str>, max: usize) -> &mut Self {
        if let Some(v) = value {
            self.line(field, v, max);
        }
        self
    }

    /// Free text a person types: line breaks and tabs are allowed, other control characters are not.
    pub fn prose(&mut self, field: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.too_long(field, v, MAX_PROSE);
            if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                self.problems.push(control_characters(field));
            }
        }
        self
    }

    /// A list of people's names.
    pub fn names(&mut self, field: &str, names: &[String]) -> &mut Self {
        if names.len() > MAX_PEOPLE {
            self.problems.push(
                Problem::new(Reason::OutOfRange { value: names.len().to_string(), range: format!("≤ {MAX_PEOPLE}") })
                    .field(field),
            );
        } else {
            for n in names {
                self.line(field, n, MAX_NAME);
            }
        }
        self
    }

    /// The sha256 naming a stored file: 64 lower-case hex digits and nothing
    /// else, since it becomes part of a path.
    pub fn sha256(&mut self, field: &str, value: &str) -> &mut Self {
        let ok = value.len() == 64 && value.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !ok {
            let shown: String = value.chars().filter(|c| !c.is_control()).take(80).collect();
            self.problems.push(
                Problem::new(Reason::Invalid { value: shown, expected: "64 位十六进制 sha256 值".into() }).field(field),
            );
        }
        self
    }

    /// Decodes base64 text of a file of at most `max_bytes`; `None` after a problem.
    pub fn base64(&mut self, field: &str, value: &str, max_bytes: u64) -> Option<Vec<u8>> {
        let max_chars = max_bytes.div_ceil(3) * 4;
        if value.len() as u64 > max_chars {
            self.problems.push(
                Problem::new(Reason::OutOfRange {
                    value: format!("{:.1} MB", value.len() as f64 * 0.75 / 1024.0 / 1024.0),
                    range: format!("≤ {} MB", max_bytes / 1024 / 1024),
                })
                .field(field),
            );
            return None;
        }
        match base64::engine::general_purpose::STANDARD.decode(value) {
            Ok(bytes) if !bytes.is_empty() => Some(bytes),
            Ok(_) => {
                self.problems.push(Problem::new(Reason::Required).field(field));
                None
            }
            Err(e) => {
                self.problems.push(
                    Problem::new(Reason::Other {
                        zh: format!("文件内容传输有误（不是有效的 base64：{e}）"),
                        en: format!("the file did not arrive intact (not valid base64: {e})"),
                    })
                    .field(field),
                );
                None
            }
        }
    }

    /// Problems a check of the core found (say, in an uploaded file), kept
    /// with the others of the request.
    pub fn add(&mut self, problems: &[Problem]) -> &mut Self {
        self.problems.extend_from_slice(problems);
        self
    }

    /// A problem the caller found itself.
    pub fn refuse(&mut self, field: &str, zh: &str, en: &str) -> &mut Self {
        self.problems.push(Problem::new(Reason::Other { zh: zh.into(), en: en.into() }).field(field));
        self
    }

    /// The problems found so far as the UI receives them, in the user's language.
    pub fn valid(&mut self, state: &AppState) -> Result<(), IpcError> {
        self.check().map_err(|e| state.error(e))
    }

    pub fn check(&mut self) -> Result<(), Error> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Input(std::mem::take(&mut self.problems)))
        }
    }

    /// A required single-line text of at most `max` characters.
    pub fn required(&mut self, field: &str, value: &str, max: usize) -> &mut Self {
        if value.trim().is_empty() {
            self.problems.push(Problem::new(Reason::Required).field(field));
        } else {
            self.line(field, value, max);
        }
        self
    }

    fn line(&mut self, field: &str, value: &str, max: usize) {
        self.too_long(field, value, max);
        if value.chars().any(char::is_control) {
            self.problems.push(control_characters(field));
        }
    }

    fn too_long(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.problems.push(Problem::new(Reason::TooLong { max }).field(field));
        }
    }
}

fn control_characters(field: &str) -> Problem {
    Problem::new(Reason::Other {
        zh: "含有不可见的控制字符，请删除后重试".into(),
        en: "contains invisible control characters; remove them and retry".into(),
    })
    .field(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_chinese_text_and_absent_fields() {
        let mut input = Input::new();
        input.text("search", Some("留样 125"), MAX_SEARCH).text("group_id", None, MAX_ID);
        input.text("search", Some(&"养".repeat(MAX_SEARCH)), MAX_SEARCH);
        input.prose("finding", Some("第一行\n第二行\t（附照片）"));
        input.sha256("sha256", &"0f".repeat(32));
        assert!(input.check().is_ok());
    }

    #[test]
    fn reports_every_problem_of_a_request_at_once() {
        let err = Input::new()
            .text("search", Some(&"养".repeat(MAX_SEARCH + 1)), MAX_SEARCH)
            .id("id", "a\u{0}b")
            .id("version_id", "  ")
            .prose("finding", Some("bell\u{7}"))
            .check()
            .unwrap_err();
        let fields: Vec<_> = err.problems().iter().map(|p| p.field.clone().unwrap_or_default()).collect();
        assert_eq!(fields, ["search", "id", "version_id", "finding"]);
    }

    #[test]
    fn a_sha256_is_never_a_path() {
        for bad in ["../../etc/passwd", "养养", "", &"A".repeat(64), &"0".repeat(63), &format!("{}/", "0".repeat(63))]
        {
            assert!(Input::new().sha256("sha256", bad).check().is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn base64_is_bounded_before_it_is_decoded() {
        let mut input = Input::new();
        assert_eq!(input.base64("data_base64", "aGVsbG8=", 10), Some(b"hello".to_vec()));
        assert!(input.check().is_ok());
        assert_eq!(input.base64("data_base64", &"A".repeat(20), 10), None);
        assert_eq!(input.base64("data_base64", "not base64!", 100), None);
        assert_eq!(input.base64("data_base64", "", 100), None);
        assert_eq!(input.check().unwrap_err().problems().len(), 3);
    }
}
