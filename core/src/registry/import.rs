//! Importing a facility ledger (机构台账) from a spreadsheet or CSV.
//!
//! Tolerates what the catalog import tolerates (see [`crate::spreadsheet`]),
//! plus ledgers grouped by county with heading rows (“一、汝阳县”) instead of
//! a county column. A county named as “汝阳” matches a registered “汝阳县”.
//! Every problem is reported by sheet, row and column; nothing is written
//! unless the whole file is clean.

use std::collections::HashMap;
use std::path::Path;

use super::FacilityInput;
use crate::catalog::{OperatorType, TargetKind};
use crate::error::{Error, Problem, Reason, Result};
use crate::spreadsheet::{self, Field, RowKind};
use crate::text::{clean, fold, parse_count, strip_ordinals};

pub const FIELDS: &[Field] = &[
    Field { key: "name", zh: "机构名称", synonyms: &["单位名称", "名称", "养老机构名称", "服务机构名称", "站点名称", "设施名称", "机构(站点)名称"], required: true },
    Field {
        key: "county",
        zh: "所属县区",
        synonyms: &["县（市、区）", "县(市、区)", "县区", "县市区", "所属县(市、区)", "所属县（市、区）", "区县", "所在县区", "县（区）", "辖区", "所属区县", "县(市)区"],
        required: false,
    },
    Field { key: "township", zh: "乡镇（街道）", synonyms: &["乡镇(街道)", "乡镇", "街道", "所属乡镇", "乡镇街道", "所在乡镇", "所属乡镇（街道）", "乡(镇、街道)", "乡镇(街道办)"], required: false },
    Field { key: "kind", zh: "机构类型", synonyms: &["类型", "设施类型", "类别", "机构类别", "服务类型", "设施类别"], required: false },
    Field { key: "operator_type", zh: "运营方式", synonyms: &["性质", "经营性质", "运营模式", "机构性质", "举办性质", "办理性质", "运营性质"], required: false },
    Field { key: "address", zh: "地址", synonyms: &["详细地址", "机构地址", "所在地址", "地点"], required: false },
    Field { key: "operator", zh: "运营单位", synonyms: &["运营方", "运营主体", "举办单位", "运营机构", "举办者"], required: false },
    Field { key: "beds", zh: "床位数", synonyms: &["床位（张）", "床位", "床位数（张）", "核定床位", "总床位", "床位总数", "床位数(张)"], required: false },
    Field { key: "residents", zh: "入住人数", synonyms: &["在院老人数", "入住老人（人）", "入住老人数", "在住人数", "收住人数", "入住（人）", "入住老人", "在院人数"], required: false },
    Field { key: "star_level", zh: "星级", synonyms: &["等级", "星级评定", "评定星级", "星级等级"], required: false },
    Field { key: "contact_person", zh: "联系人", synonyms: &["负责人", "院长", "站长"], required: false },
    Field { key: "contact_phone", zh: "联系电话", synonyms: &["电话", "联系方式", "手机", "手机号码", "联系电话(手机)"], required: false },
];

const MAX_TEXT: usize = 200;

fn field(key: &str) -> &'static Field {
    FIELDS.iter().find(|f| f.key == key).expect("known field key")
}

#[derive(Debug, Clone)]
pub struct ParsedLedger {
    pub facilities: Vec<FacilityInput>,
    pub skipped_sheets: Vec<String>,
    /// Rows read and left out on purpose, so that a person can check them
    /// against the file.
    pub skipped_rows: SkippedRows,
    /// Sheets with no county column whose county was taken from their title
    /// or name: (sheet, county), for the report.
    pub counties_from_titles: Vec<(String, String)>,
}

/// Rows of a ledger that are not facilities.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SkippedRows {
    /// 小计, 合计 and 总计 rows.
    pub totals: u32,
    /// Notes (注：…), signatures (填报人：…) and headers repeated on a new page.
    pub notes: u32,
}

/// Reads a ledger. `known_counties` are the registered county names, so that
/// “汝阳” can be matched to “汝阳县”.
pub fn read_file(path: &Path, known_counties: &[String]) -> Result<ParsedLedger> {
    let book = spreadsheet::read(path)?;
    parse_workbook(&book, known_counties)
}

pub fn parse_workbook(book: &spreadsheet::Workbook, known_counties: &[String]) -> Result<ParsedLedger> {
    let mut problems = Vec::new();
    let mut facilities: Vec<FacilityInput> = Vec::new();
    let mut seen: HashMap<(String, String), (String, u32)> = HashMap::new();
    let mut skipped = Vec::new();
    let mut skipped_rows = SkippedRows::default();
    let mut counties_from_titles = Vec::new();
    let mut any_header = false;
    for sheet in &book.sheets {
        let Some(header) = sheet.find_header(FIELDS) else {
            skipped.push(sheet.name.clone());
            continue;
        };
        any_header = true;
        let sheet_kind = TargetKind::parse(&strip_ordinals(&sheet.name)).filter(|k| k.is_facility());
        let mut heading_county: Option<String> = None;
        let mut last_county = String::new();
        // A county bureau's own ledger: no county column, the county in the
        // title and the sheet name. Known only when what they name agrees.
        let mut sheet_county = (header.column("county").is_none()).then(|| county_of_sheet(sheet, header.row, known_counties));
        let mut county_refused = false;
        for r in header.row + 1..sheet.rows.len() {
            let at = |key: &str, reason: Reason| sheet.problem(&book.file, &header, r, field(key), reason);
            match sheet.classify(&header, r) {
                RowKind::Blank => continue,
                RowKind::Total => {
                    skipped_rows.totals += 1;
                    continue;
                }
                RowKind::Note => {
                    skipped_rows.notes += 1;
                    continue;
                }
                RowKind::Single(text) => {
                    let t = strip_ordinals(&text);
                    if looks_like_county(&t) && header.column("county").is_none_or(|_| sheet.get(&header, r, "name") == text) {
                        heading_county = Some(t);
                        continue;
                    }
                }
                RowKind::Data => {}
            }
            let name = sheet.get(&header, r, "name").to_string();
            if name.is_empty() {
                problems.push(at("name", Reason::Required));
                continue;
            }
            let mut ok = true;
            let mut text = |key: &str| -> String {
                let v = sheet.get(&header, r, key).to_string();
                if v.chars().count() > MAX_TEXT {
                    problems.push(at(key, Reason::TooLong { max: MAX_TEXT }));
                    ok = false;
                }
                v
            };
            let name_checked = text("name");
            let county_cell = text("county");
            let township = text("township");
            let address = text("address");
            let operator = text("operator");
            let contact_person = text("contact_person");
            let contact_phone = text("contact_phone");
            // county: the column (blank means “as above”), else the heading
            if !county_cell.is_empty() {
                last_county = resolve_county(&county_cell, known_counties);
            }
            let county = if !last_county.is_empty() {
                last_county.clone()
            } else if let Some(c) = &heading_county {
                resolve_county(c, known_counties)
            } else if let Some(Ok(c)) = &sheet_county {
                if !counties_from_titles.iter().any(|(s, _)| *s == sheet.name) {
                    counties_from_titles.push((sheet.name.clone(), c.clone()));
                }
                c.clone()
            } else if county_refused {
                continue;
            } else if let Some(Err(clash)) = sheet_county.take() {
                county_refused = true;
                problems.push(Problem::new(Reason::Other { zh: clash.0, en: clash.1 }).file(&book.file).sheet(&sheet.name).row(r as u32 + 1));
                continue;
            } else {
                // There is a county column, and this row's cell is empty with none above.
                problems.push(at("county", Reason::Required));
                continue;
            };
            let kind_cell = sheet.get(&header, r, "kind");
            let kind = if kind_cell.is_empty() {
                match sheet_kind {
                    Some(k) => k,
                    None => {
                        problems.push(if header.column("kind").is_some() {
                            at("kind", Reason::Required)
                        } else {
                            Problem::new(Reason::MissingColumn).file(&book.file).sheet(&sheet.name).field("机构类型")
                        });
                        continue;
                    }
                }
            } else {
                match TargetKind::parse(kind_cell).filter(|k| k.is_facility()) {
                    Some(k) => k,
                    None => {
                        let expected: Vec<&str> = TargetKind::facility_kinds().map(|k| k.label(crate::Lang::Zh)).collect();
                        problems.push(at("kind", Reason::Invalid { value: kind_cell.into(), expected: expected.join("、") }));
                        continue;
                    }
                }
            };
            let op_cell = sheet.get(&header, r, "operator_type");
            let operator_type = if op_cell.is_empty() {
                operator_type_in(kind_cell)
            } else {
                match OperatorType::parse(op_cell) {
                    Some(o) => Some(o),
                    None => {
                        problems.push(at("operator_type", Reason::Invalid { value: op_cell.into(), expected: OperatorType::expected_zh() }));
                        ok = false;
                        None
                    }
                }
            };
            let mut count = |key: &str| -> Option<u32> {
                let v = sheet.get(&header, r, key);
                if is_blank_value(v) {
                    return None;
                }
                match parse_count(v) {
                    Some(n) if n <= 100_000 => Some(n),
                    Some(_) => {
                        problems.push(at(key, Reason::OutOfRange { value: v.into(), range: "0–100000".into() }));
                        ok = false;
                        None
                    }
                    None => {
                        problems.push(at(key, Reason::NotANumber(v.into())));
                        ok = false;
                        None
                    }
                }
            };
            let beds = count("beds");
            let residents = count("residents");
            let star_cell = sheet.get(&header, r, "star_level");
            let star_level = match parse_star(star_cell) {
                Ok(s) => s,
                Err(()) => {
                    problems.push(at("star_level", Reason::Invalid { value: star_cell.into(), expected: "一星至五星、1–5 或空".into() }));
                    ok = false;
                    None
                }
            };
            if !ok {
                continue;
            }
            let key = (county.clone(), name_checked.clone());
            if let Some((s, first_row)) = seen.get(&key) {
                let mut p = at("name", Reason::DuplicateName { name: name_checked.clone(), first_row: *first_row });
                if s != &sheet.name {
                    p.reason = Reason::Other {
                        zh: format!("“{name_checked}”重复，工作表“{s}”第 {first_row} 行已有"),
                        en: format!("'{name_checked}' appears twice; sheet '{s}' row {first_row} has it already"),
                    };
                    p.message_zh = p.reason.text(crate::Lang::Zh);
                    p.message_en = p.reason.text(crate::Lang::En);
                }
                problems.push(p);
                continue;
            }
            seen.insert(key, (sheet.name.clone(), r as u32 + 1));
            facilities.push(FacilityInput {
                name: name_checked,
                kind,
                operator_type,
                county,
                township: Some(township).filter(|t| !t.is_empty()),
                address,
                operator,
                beds,
                residents,
                star_level,
                contact_person,
                contact_phone,
            });
        }
    }
    if !any_header {
        let first = &book.sheets[0];
        let mut expected: Vec<String> = first.missing_required(FIELDS).iter().map(|s| s.to_string()).collect();
        if expected.is_empty() {
            expected = vec!["机构名称".into(), "所属县区".into(), "机构类型".into()];
        }
        return Err(Error::Input(vec![Problem::new(Reason::HeaderNotFound { expected }).file(&book.file).sheet(&first.name)]));
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    if facilities.is_empty() {
        return Err(Error::Input(vec![Problem::new(Reason::NoItems).file(&book.file)]));
    }
    Ok(ParsedLedger { facilities, skipped_sheets: skipped, skipped_rows, counties_from_titles })
}

/// The county a sheet's title rows (above the header) and its name speak
/// of. Agreeing, or only one of them naming one: that county. Naming two:
/// the clash, to be refused once for the sheet.
fn county_of_sheet(sheet: &spreadsheet::Sheet, header_row: usize, known: &[String]) -> std::result::Result<String, (String, String)> {
    let named_in = |text: &str| -> Option<String> {
        let text = fold(text);
        let base = |k: &str| k.trim_end_matches(['县', '区', '市']).to_string();
        // The longest name found, so that 洛龙区 is not read as 洛阳 or the like.
        known
            .iter()
            .filter(|k| text.contains(&fold(k)) || (base(k).chars().count() >= 2 && text.contains(&fold(&base(k)))))
            .max_by_key(|k| k.chars().count())
            .cloned()
    };
    let title: String = sheet.rows.iter().take(header_row).flat_map(|r| r.iter()).filter(|c| !c.is_empty()).cloned().collect::<Vec<_>>().join(" ");
    match (named_in(&title), named_in(&sheet.name)) {
        (Some(a), Some(b)) if a != b => Err((
            format!("没有“所属县区”列，标题写的是{a}，工作表名称却是{b}：请增加“所属县区”列，或改正标题或工作表名称"),
            format!("no county column, and the title says {a} while the sheet is named {b}: add a 所属县区 column or correct one of them"),
        )),
        (Some(c), _) | (None, Some(c)) => Ok(c),
        (None, None) => Err((
            "无法确定所属县区：请增加“所属县区”列，或在标题、工作表名称或机构上方的县区标题行中写明县区".into(),
            "cannot tell the county/district: add a 所属县区 column, or name it in the title, the sheet name or a heading row above".into(),
        )),
    }
}

fn looks_like_county(s: &str) -> bool {
    let n = s.chars().count();
    (2..=12).contains(&n) && (s.ends_with('县') || s.ends_with('区') || s.ends_with('市'))
}

/// “汝阳” → “汝阳县” when exactly one registered county is that name plus a
/// suffix; otherwise the name as written (a new county, reported as such).
pub fn resolve_county(name: &str, known: &[String]) -> String {
    let name = clean(name).replace(' ', "");
    if known.iter().any(|k| *k == name) {
        return name;
    }
    let base = |s: &str| s.trim_end_matches(['县', '区', '市']).to_string();
    let candidates: Vec<&String> = known.iter().filter(|k| base(k) == base(&name) && !base(&name).is_empty()).collect();
    match candidates.as_slice() {
        [one] => (*one).clone(),
        _ => name,
    }
}

fn operator_type_in(kind_cell: &str) -> Option<OperatorType> {
    let f = fold(kind_cell);
    if f.contains("公建民营") || f.contains("公办民营") {
        Some(OperatorType::PublicPrivate)
    } else if f.contains("公办") {
        Some(OperatorType::Public)
    } else if f.contains("民办") {
        Some(OperatorType::Private)
    } else {
        None
    }
}

fn is_blank_value(s: &str) -> bool {
    matches!(fold(s).as_str(), "" | "-" | "—" | "/" | "无" | "暂无")
}

/// “三星级”, “3星”, “★★★”, “3” → 3; blank, 无, 未评定 → none.
fn parse_star(s: &str) -> std::result::Result<Option<u8>, ()> {
    let f = fold(s);
    if is_blank_value(s) || f == "未评定" || f == "未评" || f == "0" {
        return Ok(None);
    }
    let stars = f.chars().filter(|c| *c == '★').count();
    if stars > 0 && f.chars().all(|c| c == '★' || c == '☆') {
        return if stars <= 5 { Ok(Some(stars as u8)) } else { Err(()) };
    }
    let core = f.trim_end_matches('级').trim_end_matches('星').trim_end_matches("star");
    let n = match core {
        "一" | "1" => 1,
        "二" | "两" | "2" => 2,
        "三" | "3" => 3,
        "四" | "4" => 4,
        "五" | "5" => 5,
        _ => return Err(()),
    };
    Ok(Some(n))
}

#[cfg(test)]
mod tests;
