use super::*;
use rstest::rstest;

#[path = "../../../tests/common/xlsx.rs"]
mod xlsx;

/// A city's compilation of its counties' ledgers, as a city bureau makes it:
/// the county merged down over each county block and its 小计 row, a 合计 row,
/// a note and the signature line.
const CITY: &[&[&str]] = &[
    &["洛阳市养老服务机构情况汇总表", "", "", "", "", ""],
    &["序号", "县（市、区）", "机构名称", "机构类型", "床位数（张）", "入住老人（人）"],
    &["1", "宜阳县", "宜阳县城关镇敬老院", "乡镇敬老院", "60", "35"],
    &["2", "", "宜阳县韩城镇敬老院", "乡镇敬老院", "45", "20"],
    &["", "", "小计", "", "105", "55"],
    &["3", "嵩县", "嵩县颐康养老院", "民办养老机构", "200", "120"],
    &["", "", "小计", "", "200", "120"],
    &["合计", "", "", "", "305", "175"],
    &["注：床位数为核定床位数。", "", "", "", "", ""],
    &["填报人：张敏　　联系电话：0379-68812345", "", "", "", "", ""],
];

fn counties() -> Vec<String> {
    vec!["宜阳县".into(), "嵩县".into()]
}

fn assert_city(ledger: &ParsedLedger) {
    let names: Vec<(&str, &str)> = ledger.facilities.iter().map(|f| (f.county.as_str(), f.name.as_str())).collect();
    assert_eq!(
        names,
        vec![("宜阳县", "宜阳县城关镇敬老院"), ("宜阳县", "宜阳县韩城镇敬老院"), ("嵩县", "嵩县颐康养老院")]
    );
    assert_eq!(ledger.facilities[2].beds, Some(200));
    assert_eq!(ledger.skipped_rows, SkippedRows { totals: 3, notes: 2 });
}

/// Before: the 小计 row, whose county cell the merge fills, was read as a
/// facility named 小计 and the file was refused (机构类型 不能为空).
#[test]
fn a_city_compilation_with_subtotals_imports_every_facility_and_only_those() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("全市汇总.xlsx");
    let rows = CITY.iter().map(|r| r.to_vec()).collect();
    xlsx::write(&path, &[xlsx::SheetSpec { name: "汇总", rows, merges: vec![(0, 0, 0, 5), (2, 1, 4, 1), (5, 1, 6, 1), (7, 0, 7, 3)] }]);
    assert_city(&read_file(&path, &counties()).unwrap());
}

/// The same sheet saved as CSV by a spreadsheet program on a Chinese
/// Windows: GB18030, the merged cells' text only in their first cell.
#[test]
fn the_same_compilation_as_gb18030_csv_imports_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("全市汇总.csv");
    let text: String = CITY.iter().map(|r| r.join(",") + "\r\n").collect();
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    std::fs::write(&path, &bytes).unwrap();
    assert_city(&read_file(&path, &counties()).unwrap());
}

/// 床位情况 over 床位数（张）/入住老人（人）, 负责人信息 over 负责人/联系电话.
const TWO_ROW_HEADER: &[&[&str]] = &[
    &["宜阳县养老机构基本情况表", "", "", "", "", "", ""],
    &["县（市、区）", "机构名称", "机构类型", "床位情况", "", "负责人信息", ""],
    &["", "", "", "床位数（张）", "入住老人（人）", "负责人", "联系电话"],
    &["宜阳县", "宜阳县城关镇敬老院", "乡镇敬老院", "60", "35", "王建军", "0379-68812345"],
    &["嵩县", "嵩县颐康养老院", "民办养老机构", "200", "120", "李淑芬", "13803791234"],
];

fn assert_two_row(ledger: &ParsedLedger) {
    let got: Vec<(&str, Option<u32>, Option<u32>, &str, &str)> = ledger
        .facilities
        .iter()
        .map(|f| (f.name.as_str(), f.beds, f.residents, f.contact_person.as_str(), f.contact_phone.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("宜阳县城关镇敬老院", Some(60), Some(35), "王建军", "0379-68812345"),
            ("嵩县颐康养老院", Some(200), Some(120), "李淑芬", "13803791234")
        ]
    );
}

#[test]
fn a_two_row_merged_header_in_xlsx_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("基本情况表.xlsx");
    let rows = TWO_ROW_HEADER.iter().map(|r| r.to_vec()).collect();
    let merges = vec![(0, 0, 0, 6), (1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 2, 2), (1, 3, 1, 4), (1, 5, 1, 6)];
    xlsx::write(&path, &[xlsx::SheetSpec { name: "基本情况", rows, merges }]);
    assert_two_row(&read_file(&path, &counties()).unwrap());
}

/// Before: the CSV's header is split over two rows (机构名称 above, 床位数 below);
/// the upper row alone was the header, the lower one a facility with no name.
#[test]
fn the_same_header_split_over_two_csv_rows_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("基本情况表.csv");
    let text: String = TWO_ROW_HEADER.iter().map(|r| r.join(",") + "\r\n").collect();
    std::fs::write(&path, encoding_rs::GB18030.encode(&text).0).unwrap();
    assert_two_row(&read_file(&path, &counties()).unwrap());
}

/// A county bureau's own ledger: no county column; the county in the title
/// and the sheet name.
fn county_ledger(path: &std::path::Path, title: &str, sheet: &str) {
    let mut rows = vec![vec![title, "", ""], vec!["机构名称", "机构类型", "床位数（张）"]];
    let names: Vec<String> = (1..=13).map(|i| format!("宜阳县第{i}村互助养老服务站")).collect();
    for n in &names {
        rows.push(vec![n.as_str(), "村级互助养老服务站", "12"]);
    }
    xlsx::write(path, &[xlsx::SheetSpec { name: sheet, rows, merges: vec![(0, 0, 0, 2)] }]);
}

#[test]
fn a_county_ledger_takes_its_county_from_title_and_sheet_name_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("宜阳县台账.xlsx");
    county_ledger(&path, "宜阳县村级互助养老服务站基本情况表", "宜阳");
    let ledger = read_file(&path, &counties()).unwrap();
    assert_eq!(ledger.facilities.len(), 13);
    assert!(ledger.facilities.iter().all(|f| f.county == "宜阳县"));
    assert_eq!(ledger.counties_from_titles, vec![("宜阳".to_string(), "宜阳县".to_string())]);
}

/// Before: 13 identical row errors (无法确定所属县区), one per facility.
#[rstest]
#[case::they_disagree("宜阳县村级互助养老服务站基本情况表", "嵩县", "标题写的是宜阳县，工作表名称却是嵩县")]
#[case::neither_names_one("村级互助养老服务站基本情况表", "Sheet1", "无法确定所属县区")]
fn a_ledger_whose_county_cannot_be_told_is_refused_once(#[case] title: &str, #[case] sheet: &str, #[case] want: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("台账.xlsx");
    county_ledger(&path, title, sheet);
    let err = read_file(&path, &counties()).unwrap_err();
    assert_eq!(err.problems().len(), 1, "{err}");
    assert!(err.to_string().contains(want), "{err}");
}

#[rstest]
#[case("三星级", Ok(Some(3)))]
#[case("3星", Ok(Some(3)))]
#[case("★★★★", Ok(Some(4)))]
#[case("５", Ok(Some(5)))]
#[case("", Ok(None))]
#[case("未评定", Ok(None))]
#[case("六星", Err(()))]
#[case("优秀", Err(()))]
fn star_levels(#[case] s: &str, #[case] want: std::result::Result<Option<u8>, ()>) {
    assert_eq!(parse_star(s), want);
}

#[test]
fn short_county_names_resolve_to_registered_ones() {
    let known = vec!["汝阳县".to_string(), "老城区".to_string()];
    assert_eq!(resolve_county("汝阳", &known), "汝阳县");
    assert_eq!(resolve_county("汝阳县", &known), "汝阳县");
    assert_eq!(resolve_county("嵩县", &known), "嵩县", "unknown counties stay as written");
}
