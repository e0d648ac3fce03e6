use super::*;
use rstest::rstest;

#[path = "../../tests/common/xlsx.rs"]
mod xlsx;

const FIELDS: &[Field] = &[
    Field { key: "name", zh: "机构名称", synonyms: &["单位名称"], required: true },
    Field { key: "beds", zh: "床位数", synonyms: &["床位"], required: false },
    Field { key: "county", zh: "所属县区", synonyms: &["县（市、区）"], required: false },
];

#[test]
fn header_is_found_below_title_rows_with_synonyms_and_units() {
    let sheet = Sheet {
        name: "表1".into(),
        rows: vec![
            vec!["某某统计表".into(), "".into(), "".into()],
            vec!["".into(), "".into(), "".into()],
            vec!["* 单位名称".into(), "县(市、区)".into(), "床位（张）".into()],
            vec!["甲".into(), "汝阳县".into(), "12".into()],
        ],
    };
    let h = sheet.find_header(FIELDS).expect("header found");
    assert_eq!(h.row, 2);
    assert_eq!(h.column("name"), Some(0));
    assert_eq!(h.column("county"), Some(1));
    assert_eq!(h.column("beds"), Some(2), "床位（张） is 床位 with its unit");
}

#[test]
fn no_header_without_the_required_field() {
    let sheet = Sheet { name: "x".into(), rows: vec![vec!["床位".into(), "县(市、区)".into()]] };
    assert!(sheet.find_header(FIELDS).is_none());
    assert_eq!(sheet.missing_required(FIELDS), vec!["机构名称"]);
}

#[rstest]
#[case(&["", "", ""], RowKind::Blank)]
#[case(&["注：数据截至2024年4月", "", ""], RowKind::Note)]
#[case(&["合计", "", "412"], RowKind::Note)]
#[case(&["单位名称", "县（市、区）", "床位"], RowKind::Note)]
#[case(&["一、汝阳县", "一、汝阳县", "一、汝阳县"], RowKind::Single("一、汝阳县".into()))]
#[case(&["甲敬老院", "汝阳县", "30"], RowKind::Data)]
fn rows_are_classified(#[case] cells: &[&str], #[case] want: RowKind) {
    let header_row: Vec<String> = ["单位名称", "县（市、区）", "床位"].iter().map(|s| s.to_string()).collect();
    let sheet = Sheet { name: "s".into(), rows: vec![header_row, cells.iter().map(|s| s.to_string()).collect()] };
    let h = sheet.find_header(FIELDS).unwrap();
    assert_eq!(sheet.classify(&h, 1), want);
}

#[test]
fn csv_in_gb18030_and_utf8_with_bom_read_the_same() {
    let text = "单位名称,床位\n城关镇敬老院,120\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    let a = csv_sheet(&gbk, "a".into()).unwrap();
    let b = csv_sheet(&bom, "b".into()).unwrap();
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.rows[1][0], "城关镇敬老院");
}

#[test]
fn merged_cells_fill_every_cell_they_cover_and_rows_keep_their_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.xlsx");
    xlsx::write(
        &path,
        &[xlsx::SheetSpec {
            name: "台账",
            rows: vec![
                vec!["", "", ""],
                vec!["", "单位名称", "县（市、区）"],
                vec!["", "甲", "汝阳县"],
                vec!["", "乙", ""],
            ],
            merges: vec![(2, 2, 3, 2)],
        }],
    );
    let book = read(&path).unwrap();
    let sheet = &book.sheets[0];
    // The range starts at B2, but rows and columns keep spreadsheet numbering.
    assert_eq!(sheet.rows[1][1], "单位名称");
    assert_eq!(sheet.rows[3][2], "汝阳县", "the merged county cell fills the row below");
}

#[rstest]
#[case("a.docx", "不支持的文件类型")]
#[case("a", "不支持的文件类型")]
fn unsupported_files_are_named(#[case] name: &str, #[case] want: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, b"x").unwrap();
    let err = read(&path).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains(want) && msg.contains(name), "{msg}");
}

#[test]
fn a_corrupt_xlsx_is_a_problem_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.xlsx");
    std::fs::write(&path, b"PK\x03\x04 not really a zip").unwrap();
    let err = read(&path).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("broken.xlsx"));
}

#[test]
fn missing_file_is_a_problem() {
    let err = read(Path::new("/nonexistent/ledger.xlsx")).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("ledger.xlsx"));
}

#[rstest]
#[case("查阅资料、现场查看", vec!["查阅资料", "现场查看"])]
#[case("民政局；财政局, 卫健委", vec!["民政局", "财政局", "卫健委"])]
#[case("县（市、区）政府、职能部门", vec!["县（市、区）政府", "职能部门"])]
#[case("", vec![])]
fn lists_split_on_chinese_and_ascii_separators(#[case] s: &str, #[case] want: Vec<&str>) {
    assert_eq!(split_list(s), want);
}
