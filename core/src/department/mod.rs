//! 责任清单: the government departments pressed on elder-care duties, each
//! duty linked to the catalog items it concerns. A reference set (24
//! departments, 108 duties) ships with the app; an official one is imported
//! from a spreadsheet the same way as the catalog.

pub mod import;
pub mod reference;
mod store;

pub use store::{department_list, store_departments, DepartmentOutcome};

use serde::{Deserialize, Serialize};

/// Short names offices write for departments, and the names of the 责任清单.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("卫健委", "卫生健康委员会"),
    ("卫健局", "卫生健康委员会"),
    ("卫生健康委", "卫生健康委员会"),
    ("卫生健康局", "卫生健康委员会"),
    ("市场监管局", "市场监督管理局"),
    ("住建局", "住房和城乡建设局"),
    ("人社局", "人力资源和社会保障局"),
    ("发改委", "发展和改革委员会"),
    ("发改局", "发展和改革委员会"),
    ("消防救援大队", "消防救援机构"),
    ("消防大队", "消防救援机构"),
    ("消防救援支队", "消防救援机构"),
    ("医保局", "医疗保障局"),
    ("自然资源局", "自然资源和规划局"),
    ("自规局", "自然资源和规划局"),
    ("文旅局", "文化广电和旅游局"),
    ("文广旅局", "文化广电和旅游局"),
    ("残联", "残疾人联合会"),
    ("应急局", "应急管理局"),
    ("退役军人局", "退役军人事务局"),
    ("城管局", "城市管理局"),
    ("生态环境分局", "生态环境局"),
    ("农业农村委", "农业农村局"),
];

/// The department of the list a name as written locally most likely means
/// (县民政局 → 民政局, 宜阳县卫健委 → 卫生健康委员会), for a person to confirm:
/// an import suggests it and never takes it silently. `None` when nothing
/// fits, or when the name is already one of `known`.
pub fn suggest<'a>(name: &str, known: &'a [String]) -> Option<&'a String> {
    let name = crate::text::fold(name);
    if known.iter().any(|k| crate::text::fold(k) == name) {
        return None;
    }
    // The name itself, then without each prefix that ends a jurisdiction's
    // name (县, 宜阳县, 洛阳市): never 市 of 市场监管局 alone.
    let mut bases = vec![name.as_str()];
    for (i, ch) in name.char_indices() {
        if matches!(ch, '县' | '市' | '区') {
            let rest = &name[i + ch.len_utf8()..];
            if rest.chars().count() >= 2 {
                bases.push(rest);
            }
        }
    }
    bases.iter().find_map(|base| {
        let full = SHORT_NAMES.iter().find(|(short, _)| short == base).map_or(*base, |(_, full)| *full);
        known.iter().find(|k| crate::text::fold(k) == full)
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Department {
    pub id: String,
    pub name: String,
    /// 政府部门, 群团组织 or 其他.
    pub kind: String,
    pub position: u32,
    pub duties: Vec<Duty>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Duty {
    pub id: String,
    pub text: String,
    /// Codes of the catalog items this duty concerns (S01, I07 …).
    pub item_codes: Vec<String>,
}

/// Departments as read from a file, before they are stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDepartment {
    pub name: String,
    pub kind: String,
    pub duties: Vec<ParsedDuty>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDuty {
    pub text: String,
    pub item_codes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    fn known() -> Vec<String> {
        ["民政局", "卫生健康委员会", "市场监督管理局", "消防救援机构", "住房和城乡建设局"].iter().map(|s| s.to_string()).collect()
    }

    #[rstest]
    #[case("县民政局", Some("民政局"))]
    #[case("宜阳县民政局", Some("民政局"))]
    #[case("县卫健委", Some("卫生健康委员会"))]
    #[case("县市场监管局", Some("市场监督管理局"))]
    #[case("市场监管局", Some("市场监督管理局"))]
    #[case("县消防救援大队", Some("消防救援机构"))]
    #[case("县住建局", Some("住房和城乡建设局"))]
    #[case("民政局", None)]
    #[case("县教育局", None)]
    #[case("场监管局", None)]
    fn local_department_names_suggest_the_list_s_own(#[case] written: &str, #[case] want: Option<&str>) {
        assert_eq!(super::suggest(written, &known()).map(String::as_str), want);
    }
}
