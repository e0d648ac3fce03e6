use super::*;
use crate::spreadsheet::{Sheet, Workbook};
use proptest::prelude::*;
use rstest::rstest;

#[path = "../../../tests/common/xlsx.rs"]
mod xlsx;

fn opts() -> ImportOptions {
    ImportOptions { name: None, kind: None }
}

fn book(sheets: Vec<(&str, Vec<Vec<&str>>)>) -> Workbook {
    Workbook {
        file: "t.xlsx".into(),
        sheets: sheets
            .into_iter()
            .map(|(name, rows)| Sheet {
                name: name.into(),
                rows: rows.into_iter().map(|r| r.into_iter().map(String::from).collect()).collect(),
            })
            .collect(),
    }
}

#[test]
fn messy_office_workbook_imports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("official.xlsx");
    xlsx::messy_catalog(&path);
    let parsed = read_file(&path, &opts()).unwrap();
    let c = &parsed.catalog;
    assert_eq!(c.count(ItemKind::Standard), 4);
    assert_eq!(c.count(ItemKind::Indicator), 3);
    assert_eq!(parsed.skipped_sheets, vec!["填表说明".to_string()]);
    let names: Vec<_> = c.groups.iter().map(|g| (g.kind, g.name.as_str(), g.items.len())).collect();
    assert_eq!(
        names,
        vec![
            (ItemKind::Standard, "规划和建设", 2),
            (ItemKind::Standard, "机构养老服务", 2),
            (ItemKind::Indicator, "组织领导", 1),
            (ItemKind::Indicator, "资金保障", 2),
        ]
    );
    let s2 = &c.groups[0].items[1];
    assert_eq!(s2.code, "S02", "序号 2 becomes S02");
    assert_eq!(s2.methods, vec![CheckMethod::Documents, CheckMethod::Site]);
    let s4 = &c.groups[1].items[1];
    assert_eq!(s4.methods, vec![CheckMethod::Site, CheckMethod::Sampling]);
    assert_eq!(s4.departments, vec!["市场监督管理局".to_string()]);
    assert_eq!(c.groups[2].items[0].code, "I01", "full-width １ still numbers the row");
    assert_eq!(c.groups[0].items[0].departments, vec!["民政局".to_string(), "自然资源和规划局".to_string()]);
    assert_eq!(c.name, "official");
}

#[test]
fn same_content_has_the_same_hash_whatever_the_name() {
    let b = book(vec![("衡量标准", vec![vec!["编号", "内容"], vec!["S01", "应当建立制度。"]])]);
    let a = parse_workbook(&b, "a", &opts()).unwrap().catalog;
    let b2 = parse_workbook(&b, "b", &ImportOptions { name: Some("别名".into()), kind: None }).unwrap().catalog;
    assert_ne!(a.name, b2.name);
    assert_eq!(a.content_hash(), b2.content_hash());
}

#[rstest]
#[case::type_column(vec![vec!["编号", "类型", "内容"], vec!["1", "工作指标", "落实补贴。"]], None, ItemKind::Indicator)]
#[case::kind_option(vec![vec!["编号", "内容"], vec!["1", "落实补贴。"]], Some(ItemKind::Indicator), ItemKind::Indicator)]
#[case::explicit_code(vec![vec!["编号", "类型", "内容"], vec!["s7", "衡量标准", "应当……"]], None, ItemKind::Standard)]
fn kind_comes_from_column_then_sheet_then_option(
    #[case] rows: Vec<Vec<&str>>,
    #[case] kind: Option<ItemKind>,
    #[case] want: ItemKind,
) {
    let b = book(vec![("Sheet1", rows)]);
    let parsed = parse_workbook(&b, "x", &ImportOptions { name: None, kind }).unwrap();
    assert_eq!(parsed.catalog.groups[0].kind, want);
}

#[test]
fn explicit_codes_are_normalised() {
    let b = book(vec![("衡量标准", vec![vec!["编号", "内容"], vec!["Ｓ７", "应当……"]])]);
    let parsed = parse_workbook(&b, "x", &opts()).unwrap();
    assert_eq!(parsed.catalog.groups[0].items[0].code, "S07");
}

#[test]
fn every_problem_is_listed_with_row_and_column() {
    let b = book(vec![(
        "Sheet1",
        vec![
            vec!["标题行"],
            vec!["编号", "类型", "内容", "检查方法", "适用对象", "重大事故隐患"],
            vec!["S01", "衡量标准", "应当……", "查阅资料", "养老机构", "是"],
            vec!["S01", "衡量标准", "重复编号", "", "", ""],
            vec!["S02", "条款", "类型错误", "", "", ""],
            vec!["S03", "衡量标准", "", "", "", ""],
            vec!["S04", "衡量标准", "方法错误", "拍照", "托儿所", "也许"],
            vec!["I05", "衡量标准", "编号与类型不符", "", "", ""],
        ],
    )]);
    let err = parse_workbook(&b, "x", &opts()).unwrap_err();
    let msgs: Vec<String> = err.problems().iter().map(|p| p.message(crate::Lang::Zh)).collect();
    let expect = [
        "工作表“Sheet1”，第 4 行，A 列（编号）：编号“S01”重复，第 3 行已使用",
        "第 5 行，B 列（类型）：“条款”无法识别",
        "第 6 行，C 列（内容）：不能为空",
        "第 7 行，D 列（检查方法）：“拍照”无法识别",
        "第 7 行，E 列（适用对象）：“托儿所”无法识别",
        "第 7 行，F 列（重大事故隐患）：“也许”无法识别",
        "第 8 行，A 列（编号）：编号“I05”与类型不符",
    ];
    for e in expect {
        assert!(msgs.iter().any(|m| m.contains(e)), "missing «{e}» in {msgs:#?}");
    }
    assert_eq!(msgs.len(), expect.len(), "{msgs:#?}");
    assert!(msgs.iter().all(|m| m.starts_with("文件 t.xlsx")), "every problem names the file");
}

#[test]
fn no_kind_anywhere_is_one_clear_problem_per_sheet() {
    let b = book(vec![("Sheet1", vec![vec!["序号", "内容"], vec!["1", "甲"], vec!["2", "乙"]])]);
    let err = parse_workbook(&b, "x", &opts()).unwrap_err();
    assert_eq!(err.problems().len(), 1);
    assert!(err.problems()[0].message(crate::Lang::En).contains("--kind"));
}

#[test]
fn a_sheet_without_header_is_refused_naming_the_missing_column() {
    let b = book(vec![("Sheet1", vec![vec!["编号", "依据"], vec!["S01", "某法"]])]);
    let err = parse_workbook(&b, "x", &opts()).unwrap_err();
    let m = err.problems()[0].message(crate::Lang::Zh);
    assert!(m.contains("找不到表头") && m.contains("内容"), "{m}");
}

#[test]
fn duplicate_codes_across_sheets_name_the_other_sheet() {
    let b = book(vec![
        ("衡量标准一", vec![vec!["编号", "内容"], vec!["S01", "甲"]]),
        ("衡量标准二", vec![vec!["编号", "内容"], vec!["S01", "乙"]]),
    ]);
    let err = parse_workbook(&b, "x", &opts()).unwrap_err();
    assert!(err.problems()[0].message(crate::Lang::Zh).contains("工作表“衡量标准一”第 2 行"));
}

#[test]
fn overlong_text_is_refused() {
    let long = "长".repeat(limits::TEXT + 1);
    let b = book(vec![("衡量标准", vec![vec!["编号", "内容"], vec!["S01", &long]])]);
    let err = parse_workbook(&b, "x", &opts()).unwrap_err();
    assert!(matches!(err.problems()[0].reason, Reason::TooLong { .. }));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Whatever a sheet holds, parsing returns a catalog or problems; it
    /// never panics, and a catalog comes only when no row was refused.
    #[test]
    fn arbitrary_rows_never_panic(rows in prop::collection::vec(
        prop::collection::vec(prop_oneof![
            Just(String::new()),
            "[0-9]{1,3}",
            "[SI][0-9]{1,2}",
            Just("衡量标准".to_string()),
            Just("工作指标".to_string()),
            Just("查阅资料、现场查看".to_string()),
            Just("养老机构".to_string()),
            Just("是".to_string()),
            "\\PC{0,12}",
        ], 0..7),
        0..25,
    )) {
        let mut all = vec![vec!["编号".to_string(), "类型".into(), "内容".into(), "检查方法".into(), "适用对象".into(), "重大事故隐患".into()]];
        all.extend(rows);
        let b = Workbook { file: "p.xlsx".into(), sheets: vec![Sheet { name: "衡量标准".into(), rows: all }] };
        match parse_workbook(&b, "p", &opts()) {
            Ok(parsed) => {
                let codes: Vec<_> = parsed.catalog.groups.iter().flat_map(|g| g.items.iter().map(|i| i.code.clone())).collect();
                let mut dedup = codes.clone();
                dedup.sort();
                dedup.dedup();
                prop_assert_eq!(codes.len(), dedup.len(), "codes are unique in an accepted catalog");
            }
            Err(e) => prop_assert!(!e.problems().is_empty()),
        }
    }
}

/// Before: a .toml catalog was read whole, so /dev/zero behind the name
/// filled memory until the process died.
#[cfg(unix)]
#[test]
fn a_toml_catalog_that_is_a_device_or_too_large_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let zero = dir.path().join("catalog.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let msg = read_file(&zero, &opts()).unwrap_err().to_string();
    assert!(msg.contains("catalog.toml") && msg.contains("设备文件"), "{msg}");

    let big = dir.path().join("big.toml");
    std::fs::write(&big, vec![b'#'; MAX_TOML_BYTES as usize + 1]).unwrap();
    let msg = read_file(&big, &opts()).unwrap_err().to_string();
    assert!(msg.contains("big.toml") && msg.contains("超过上限"), "{msg}");
}
