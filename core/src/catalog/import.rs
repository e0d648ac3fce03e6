//! Importing an official catalog (内容清单) from a spreadsheet or CSV.
//!
//! The accepted layout and header synonyms are documented in
//! `docs/catalog-format.md`. An item's kind comes from a 类型 column, else
//! from the sheet name (…标准 / …指标), else from `--kind`. Where a sheet
//! numbers rows only by 序号, codes are derived (S01…, I01…) in reading order.
//! Any problem refuses the whole file; nothing is written.

use std::collections::HashMap;
use std::path::Path;

use super::{limits, CheckMethod, ItemKind, ParsedCatalog, ParsedGroup, ParsedItem, Severity, TargetKind};
use crate::error::{Error, Problem, Reason, Result};
use crate::spreadsheet::{self, parse_flag, split_list, Field, RowKind};
use crate::text::{clean, fold, strip_ordinals};

pub const FIELDS: &[Field] = &[
    Field { key: "code", zh: "编号", synonyms: &["序号", "条目编号", "标准编号", "指标编号", "代码", "序", "编码", "No.", "NO"], required: false },
    Field { key: "kind", zh: "类型", synonyms: &["条目类型", "清单类型", "标准/指标"], required: false },
    Field { key: "group", zh: "分组", synonyms: &["分类", "类别", "领域", "章节", "所属章节", "板块", "一级指标", "监督领域", "所属分类"], required: false },
    Field { key: "title", zh: "标题", synonyms: &["名称", "事项", "检查事项", "检查项目", "项目", "项目名称", "标准名称", "指标名称", "二级指标", "条目名称"], required: false },
    Field {
        key: "requirement",
        zh: "内容",
        synonyms: &["标准", "指标内容", "标准内容", "衡量标准", "工作指标", "具体内容", "要求", "检查内容", "考核内容", "具体要求", "指标要求", "标准要求", "工作要求", "内容要求", "三级指标"],
        required: true,
    },
    Field { key: "basis", zh: "依据", synonyms: &["政策依据", "法规依据", "法律依据", "依据条款", "条款依据", "政策文件", "法规政策依据", "法律法规依据", "出处"], required: false },
    Field { key: "methods", zh: "检查方法", synonyms: &["检查方式", "方法", "方式", "核查方式", "督查方式", "检查手段", "监督方式"], required: false },
    Field { key: "applies_to", zh: "适用对象", synonyms: &["适用范围", "检查对象", "适用机构", "对象"], required: false },
    Field { key: "departments", zh: "责任单位", synonyms: &["责任部门", "牵头单位", "责任主体", "牵头部门", "主管部门", "责任单位（部门）", "牵头责任单位"], required: false },
    Field { key: "severity", zh: "严重程度", synonyms: &["风险等级", "问题等级", "问题性质"], required: false },
    Field { key: "major_hazard", zh: "重大事故隐患", synonyms: &["是否重大隐患", "重大隐患", "是否重大事故隐患"], required: false },
    Field { key: "quick_phrases", zh: "常见问题", synonyms: &["典型问题", "常见问题描述", "常见问题表现"], required: false },
];

fn field(key: &str) -> &'static Field {
    FIELDS.iter().find(|f| f.key == key).expect("known field key")
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub name: Option<String>,
    /// Used when neither a 类型 column nor the sheet name tells the kind.
    pub kind: Option<ItemKind>,
}

#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub catalog: ParsedCatalog,
    /// Sheets without a recognisable header (instructions, cover pages).
    pub skipped_sheets: Vec<String>,
}

/// A catalog in TOML is read whole: the reference catalog is about 100 KB.
pub const MAX_TOML_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a catalog file: XLSX/XLS/ODS/CSV, or TOML in the reference layout.
pub fn read_file(path: &Path, options: &ImportOptions) -> Result<ParsedFile> {
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml")) {
        let text = spreadsheet::read_bounded(path, MAX_TOML_BYTES).map_err(|r| Error::Input(vec![Problem::new(r).file(&file_name)]))?;
        let mut catalog = super::reference::parse_toml(&spreadsheet::decode_text(&text), &file_name)?;
        if let Some(n) = &options.name {
            catalog.name = n.clone();
        }
        return Ok(ParsedFile { catalog, skipped_sheets: Vec::new() });
    }
    let book = spreadsheet::read(path)?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    parse_workbook(&book, &stem, options)
}

pub fn parse_workbook(book: &spreadsheet::Workbook, stem: &str, options: &ImportOptions) -> Result<ParsedFile> {
    let mut problems = Vec::new();
    let mut groups: Vec<ParsedGroup> = Vec::new();
    let mut skipped = Vec::new();
    let mut counters: HashMap<ItemKind, u32> = HashMap::new();
    // code → (sheet, row) where it was first seen
    let mut seen_codes: HashMap<String, (String, u32)> = HashMap::new();
    let mut any_header = false;
    for sheet in &book.sheets {
        let Some(header) = sheet.find_header(FIELDS) else {
            skipped.push(sheet.name.clone());
            continue;
        };
        any_header = true;
        let sheet_kind = kind_from_sheet_name(&sheet.name).or(options.kind);
        let mut group_name: Option<String> = None;
        let mut last_group_cell = String::new();
        let mut kind_problem_reported = false;
        for r in header.row + 1..sheet.rows.len() {
            let at = |key: &str, reason: Reason| sheet.problem(&book.file, &header, r, field(key), reason);
            match sheet.classify(&header, r) {
                RowKind::Blank | RowKind::Note | RowKind::Total => continue,
                // A lone code or number is an item with its other cells empty, not a heading.
                RowKind::Single(text)
                    if explicit_code(&text).is_none()
                        && crate::text::parse_count(&text).is_none()
                        && (sheet.get(&header, r, "requirement").is_empty() || header.column("group").is_none()) =>
                {
                    group_name = Some(strip_ordinals(&text));
                    continue;
                }
                _ => {}
            }
            let requirement = sheet.get(&header, r, "requirement").to_string();
            if requirement.is_empty() {
                problems.push(at("requirement", Reason::Required));
                continue;
            }
            // kind
            let kind_cell = sheet.get(&header, r, "kind");
            let kind = if !kind_cell.is_empty() {
                match ItemKind::parse(kind_cell) {
                    Some(k) => k,
                    None => {
                        problems.push(at("kind", Reason::Invalid { value: kind_cell.into(), expected: ItemKind::expected_zh() }));
                        continue;
                    }
                }
            } else if let Some(k) = sheet_kind {
                k
            } else {
                if !kind_problem_reported {
                    problems.push(Problem::new(Reason::KindUnknown).file(&book.file).sheet(&sheet.name).row(r as u32 + 1));
                    kind_problem_reported = true;
                }
                continue;
            };
            // group: the column (blank means “as above”), else the last heading, else the sheet
            let group_cell = sheet.get(&header, r, "group");
            if !group_cell.is_empty() {
                last_group_cell = strip_ordinals(group_cell);
            }
            let group = if !last_group_cell.is_empty() {
                last_group_cell.clone()
            } else if let Some(g) = &group_name {
                g.clone()
            } else {
                clean(&sheet.name)
            };
            // code
            let code_cell = sheet.get(&header, r, "code");
            let code = match explicit_code(code_cell) {
                Some(code) => {
                    if code.starts_with('S') != (kind == ItemKind::Standard) {
                        problems.push(at("code", Reason::CodeKindMismatch { code: code.clone() }));
                        continue;
                    }
                    code
                }
                None => {
                    let n = counters.entry(kind).or_insert(0);
                    *n += 1;
                    format!("{}{:02}", if kind == ItemKind::Standard { 'S' } else { 'I' }, n)
                }
            };
            if let Some((s, first_row)) = seen_codes.get(&code) {
                let mut p = at("code", Reason::DuplicateCode { code: code.clone(), first_row: *first_row });
                if s != &sheet.name {
                    p.reason = Reason::Other {
                        zh: format!("编号“{code}”重复，工作表“{s}”第 {first_row} 行已使用"),
                        en: format!("code '{code}' is used twice; sheet '{s}' row {first_row} has it already"),
                    };
                    p.message_zh = p.reason.text(crate::Lang::Zh);
                    p.message_en = p.reason.text(crate::Lang::En);
                }
                problems.push(p);
                continue;
            }
            seen_codes.insert(code.clone(), (sheet.name.clone(), r as u32 + 1));

            let mut row_ok = true;
            let mut check_len = |key: &str, value: &str, max: usize| {
                if value.chars().count() > max {
                    problems.push(at(key, Reason::TooLong { max }));
                    row_ok = false;
                }
            };
            let title_cell = sheet.get(&header, r, "title");
            let title = if title_cell.is_empty() { derive_title(&requirement) } else { title_cell.to_string() };
            check_len("title", &title, limits::TITLE);
            check_len("requirement", &requirement, limits::TEXT);
            let basis = sheet.get(&header, r, "basis").to_string();
            check_len("basis", &basis, limits::TEXT);
            let phrases_cell = sheet.get(&header, r, "quick_phrases");
            check_len("quick_phrases", phrases_cell, limits::TEXT);
            let departments_cell = sheet.get(&header, r, "departments");
            check_len("departments", departments_cell, limits::TEXT);

            let mut methods = Vec::new();
            for m in split_list(sheet.get(&header, r, "methods")) {
                match CheckMethod::parse(&m) {
                    Some(x) if !methods.contains(&x) => methods.push(x),
                    Some(_) => {}
                    None => {
                        problems.push(at("methods", Reason::Invalid { value: m, expected: CheckMethod::expected_zh() }));
                        row_ok = false;
                    }
                }
            }
            if methods.is_empty() {
                methods = default_methods(kind);
            }
            let mut applies_to = Vec::new();
            for a in split_list(sheet.get(&header, r, "applies_to")) {
                match parse_target(&a) {
                    Some(list) => {
                        for t in list {
                            if !applies_to.contains(&t) {
                                applies_to.push(t);
                            }
                        }
                    }
                    None => {
                        problems.push(at("applies_to", Reason::Invalid { value: a, expected: TargetKind::expected_zh() }));
                        row_ok = false;
                    }
                }
            }
            if applies_to.is_empty() {
                applies_to = default_targets(kind);
            }
            let hazard_cell = sheet.get(&header, r, "major_hazard");
            let major_hazard = match parse_flag(hazard_cell) {
                Some(b) => b,
                None => {
                    problems.push(at("major_hazard", Reason::Invalid { value: hazard_cell.into(), expected: "是或否".into() }));
                    row_ok = false;
                    false
                }
            };
            let severity_cell = sheet.get(&header, r, "severity");
            let severity = if severity_cell.is_empty() {
                if major_hazard { Severity::Major } else { Severity::General }
            } else {
                match Severity::parse(severity_cell) {
                    Some(s) => s,
                    None => {
                        problems.push(at("severity", Reason::Invalid { value: severity_cell.into(), expected: Severity::expected_zh() }));
                        row_ok = false;
                        Severity::General
                    }
                }
            };
            if !row_ok {
                continue;
            }
            let item = ParsedItem {
                code,
                title,
                requirement,
                basis,
                methods,
                applies_to,
                departments: split_list(departments_cell),
                severity,
                major_hazard,
                quick_phrases: phrases_cell
                    .split(['；', ';', '|'])
                    .map(clean)
                    .filter(|p| !p.is_empty())
                    .collect(),
            };
            match groups.iter_mut().find(|g| g.kind == kind && g.name == group) {
                Some(g) => g.items.push(item),
                None => groups.push(ParsedGroup { kind, name: group, items: vec![item] }),
            }
        }
    }
    if !any_header {
        let first = &book.sheets[0];
        let missing = first.missing_required(FIELDS);
        let expected = if missing.is_empty() { vec!["编号".into(), "内容".into()] } else { missing.iter().map(|s| s.to_string()).collect() };
        return Err(Error::Input(vec![Problem::new(Reason::HeaderNotFound { expected }).file(&book.file).sheet(&first.name)]));
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let total: usize = groups.iter().map(|g| g.items.len()).sum();
    if total == 0 {
        return Err(Error::Input(vec![Problem::new(Reason::NoItems).file(&book.file)]));
    }
    if total > limits::ITEMS {
        return Err(Error::Input(vec![Problem::new(Reason::OutOfRange {
            value: total.to_string(),
            range: format!("≤ {}", limits::ITEMS),
        })
        .file(&book.file)]));
    }
    let catalog = ParsedCatalog {
        name: options.name.clone().unwrap_or_else(|| clean(stem)),
        source: format!("导入自 {}", book.file),
        groups,
    };
    validate(&catalog, &book.file)?;
    Ok(ParsedFile { catalog, skipped_sheets: skipped })
}

fn kind_from_sheet_name(name: &str) -> Option<ItemKind> {
    let f = fold(name);
    match (f.contains("标准"), f.contains("指标")) {
        (true, false) => Some(ItemKind::Standard),
        (false, true) => Some(ItemKind::Indicator),
        _ => None,
    }
}

/// “S1”, “s01”, “Ｓ０１” → S01: a catalog code as people write it, in its
/// stored form. Plain numbers (序号) and words are not codes.
pub(crate) fn explicit_code(cell: &str) -> Option<String> {
    let f = fold(cell);
    let mut chars = f.chars();
    let letter = chars.next()?.to_ascii_uppercase();
    let digits: String = chars.collect();
    if !matches!(letter, 'S' | 'I') || digits.is_empty() || digits.len() > 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    Some(format!("{letter}{n:02}"))
}

/// The first clause of a requirement, when the sheet has no title column.
fn derive_title(requirement: &str) -> String {
    let clause: String = requirement.chars().take_while(|c| !"，。；;,".contains(*c)).collect();
    let clause = clause.trim();
    if clause.chars().count() <= 24 {
        clause.to_string()
    } else {
        format!("{}…", clause.chars().take(24).collect::<String>())
    }
}

fn default_methods(kind: ItemKind) -> Vec<CheckMethod> {
    match kind {
        ItemKind::Standard => vec![CheckMethod::Documents, CheckMethod::Site],
        ItemKind::Indicator => vec![CheckMethod::Documents, CheckMethod::Interview],
    }
}

fn default_targets(kind: ItemKind) -> Vec<TargetKind> {
    match kind {
        ItemKind::Standard => TargetKind::facility_kinds().collect(),
        ItemKind::Indicator => vec![TargetKind::CountyGovernment],
    }
}

/// One applies-to value; the collective words expand to every facility type.
fn parse_target(s: &str) -> Option<Vec<TargetKind>> {
    const ALL_FACILITIES: &[&str] = &["各类养老服务机构", "养老服务机构", "所有机构", "全部机构", "各类机构", "养老服务设施", "全部"];
    if ALL_FACILITIES.iter().any(|w| fold(w) == fold(s)) {
        return Some(TargetKind::facility_kinds().collect());
    }
    TargetKind::parse(s).map(|t| vec![t])
}

/// Checks that hold for a catalog from any source: unique codes, codes that
/// match their kind, texts present and within limits.
pub fn validate(catalog: &ParsedCatalog, file_name: &str) -> Result<()> {
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut group_names = std::collections::HashSet::new();
    let at = |code: &str, field: &str, reason: Reason| Problem::new(reason).file(file_name).field(format!("{code} {field}"));
    for g in &catalog.groups {
        if g.name.trim().is_empty() {
            problems.push(Problem::new(Reason::Required).file(file_name).field("分组名称"));
        }
        if !group_names.insert((g.kind, g.name.clone())) {
            problems.push(Problem::new(Reason::Other {
                zh: format!("分组“{}”重复", g.name),
                en: format!("group '{}' appears twice", g.name),
            })
            .file(file_name)
            .field("分组"));
        }
        for it in &g.items {
            let Some(code) = explicit_code(&it.code).filter(|c| *c == it.code) else {
                problems.push(at(&it.code, "编号", Reason::Invalid { value: it.code.clone(), expected: "S01 或 I01 形式的编号".into() }));
                continue;
            };
            if code.starts_with('S') != (g.kind == ItemKind::Standard) {
                problems.push(at(&code, "编号", Reason::CodeKindMismatch { code: code.clone() }));
            }
            if !seen.insert(code.clone()) {
                problems.push(at(&code, "编号", Reason::Other {
                    zh: format!("编号“{code}”重复"),
                    en: format!("code '{code}' is used twice"),
                }));
            }
            for (field, value, max) in [
                ("标题", &it.title, limits::TITLE),
                ("内容", &it.requirement, limits::TEXT),
                ("依据", &it.basis, limits::TEXT),
            ] {
                if field != "依据" && value.trim().is_empty() {
                    problems.push(at(&code, field, Reason::Required));
                }
                if value.chars().count() > max {
                    problems.push(at(&code, field, Reason::TooLong { max }));
                }
            }
            if it.applies_to.is_empty() {
                problems.push(at(&code, "适用对象", Reason::Required));
            }
        }
    }
    if seen.is_empty() {
        problems.push(Problem::new(Reason::NoItems).file(file_name));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(problems))
    }
}

#[cfg(test)]
mod tests;
