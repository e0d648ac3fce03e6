//! Importing a 责任清单 (departments and their duties) from a spreadsheet:
//! one row per duty; a blank or merged department cell means “as above”.

use std::path::Path;

use super::{ParsedDepartment, ParsedDuty};
use crate::error::{Error, Problem, Reason, Result};
use crate::spreadsheet::{self, split_list, Field, RowKind};
use crate::text::{fold, strip_ordinals};

pub const FIELDS: &[Field] = &[
    Field { key: "name", zh: "部门", synonyms: &["单位", "责任单位", "部门名称", "单位名称", "责任部门", "部门（单位）"], required: true },
    Field { key: "duty", zh: "职责", synonyms: &["工作职责", "责任内容", "职责内容", "主要职责", "工作任务", "责任事项"], required: true },
    Field { key: "items", zh: "关联条目", synonyms: &["对应条目", "关联标准", "关联指标", "对应标准指标", "条目编号", "关联标准指标", "对应编号"], required: false },
    Field { key: "kind", zh: "类型", synonyms: &["部门类型", "单位类型"], required: false },
];

const MAX_TEXT: usize = 1000;

fn field(key: &str) -> &'static Field {
    FIELDS.iter().find(|f| f.key == key).expect("known field key")
}

/// Reads departments; `known_codes` are the codes of the active catalog, so a
/// duty cannot point at an item that does not exist.
pub fn read_file(path: &Path, known_codes: &[String]) -> Result<Vec<ParsedDepartment>> {
    let book = spreadsheet::read(path)?;
    let mut problems = Vec::new();
    let mut out: Vec<ParsedDepartment> = Vec::new();
    let mut any_header = false;
    for sheet in &book.sheets {
        let Some(header) = sheet.find_header(FIELDS) else { continue };
        any_header = true;
        let mut current: Option<String> = None;
        for r in header.row + 1..sheet.rows.len() {
            let at = |key: &str, reason: Reason| sheet.problem(&book.file, &header, r, field(key), reason);
            match sheet.classify(&header, r) {
                RowKind::Blank | RowKind::Note | RowKind::Total | RowKind::Single(_) => continue,
                RowKind::Data => {}
            }
            let name_cell = strip_ordinals(sheet.get(&header, r, "name"));
            if !name_cell.is_empty() {
                current = Some(name_cell);
            }
            let Some(name) = current.clone() else {
                problems.push(at("name", Reason::Required));
                continue;
            };
            let duty = sheet.get(&header, r, "duty").to_string();
            if duty.is_empty() {
                problems.push(at("duty", Reason::Required));
                continue;
            }
            if duty.chars().count() > MAX_TEXT {
                problems.push(at("duty", Reason::TooLong { max: MAX_TEXT }));
                continue;
            }
            let mut codes = Vec::new();
            let mut ok = true;
            for c in split_list(sheet.get(&header, r, "items")) {
                // S1 and ｓ01 are S01; anything else is looked up as written.
                let code = crate::catalog::import::explicit_code(&c).unwrap_or_else(|| fold(&c).to_ascii_uppercase());
                if !known_codes.is_empty() && !known_codes.contains(&code) {
                    problems.push(at(
                        "items",
                        Reason::Other {
                            zh: format!("“{c}”不是当前内容清单中的编号"),
                            en: format!("'{c}' is not a code of the active catalog"),
                        },
                    ));
                    ok = false;
                } else if !codes.contains(&code) {
                    codes.push(code);
                }
            }
            if !ok {
                continue;
            }
            let kind = match sheet.get(&header, r, "kind") {
                "" => "政府部门".to_string(),
                k => k.to_string(),
            };
            match out.iter_mut().find(|d| d.name == name) {
                Some(d) => {
                    if d.duties.iter().any(|x| x.text == duty) {
                        problems.push(at("duty", Reason::Other {
                            zh: format!("“{name}”的这项职责重复"),
                            en: format!("this duty of '{name}' appears twice"),
                        }));
                    } else {
                        d.duties.push(ParsedDuty { text: duty, item_codes: codes });
                    }
                }
                None => out.push(ParsedDepartment { name, kind, duties: vec![ParsedDuty { text: duty, item_codes: codes }] }),
            }
        }
    }
    if !any_header {
        return Err(Error::Input(vec![Problem::new(Reason::HeaderNotFound { expected: vec!["部门".into(), "职责".into()] })
            .file(&book.file)
            .sheet(&book.sheets[0].name)]));
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    if out.is_empty() {
        return Err(Error::Input(vec![Problem::new(Reason::NoItems).file(&book.file)]));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Before: a cell of 关联条目 that starts with a Chinese character (全部条目,
    /// 无) sliced a string inside that character and the import panicked.
    #[test]
    fn item_cells_in_words_are_refused_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("责任清单.csv");
        std::fs::write(&path, "部门,职责,关联条目\n民政局,统筹养老服务工作,全部条目、s1\n财政局,保障经费,Ｉ０７\n").unwrap();
        let known: Vec<String> = ["S01", "I07"].iter().map(|s| s.to_string()).collect();
        let msg = read_file(&path, &known).unwrap_err().to_string();
        assert!(msg.contains("“全部条目”不是当前内容清单中的编号"), "{msg}");
        std::fs::write(&path, "部门,职责,关联条目\n民政局,统筹养老服务工作,s1\n财政局,保障经费,Ｉ０７\n").unwrap();
        let parsed = read_file(&path, &known).unwrap();
        let codes: Vec<&str> = parsed.iter().flat_map(|d| d.duties.iter().flat_map(|u| u.item_codes.iter().map(String::as_str))).collect();
        assert_eq!(codes, vec!["S01", "I07"]);
    }
}
