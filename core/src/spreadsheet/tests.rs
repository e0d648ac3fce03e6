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
#[case(&["合计", "", "412"], RowKind::Total)]
#[case(&["宜阳县", "小计", "95"], RowKind::Total)]
#[case(&["", "宜阳县小计：", "95"], RowKind::Total)]
#[case(&["填报人：张敏 联系电话：0379-68812345", "", ""], RowKind::Note)]
#[case(&["宜阳县合计村养老服务站", "宜阳县", "12"], RowKind::Data)]
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

/// Files that crashed, hung or exhausted the process before these limits:
/// each must now be a refusal that names the file, quickly.
mod hostile {
    use super::*;
    use std::io::{Read, Write};

    fn refused(path: &Path, want: &str) -> String {
        let started = std::time::Instant::now();
        let err = read(path).unwrap_err();
        let msg = err.to_string();
        assert_eq!(err.exit_code(), 2, "{msg}");
        assert!(msg.contains(want), "{msg}");
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(msg.contains(&*name), "the message names the file: {msg}");
        // Generous for a debug build; the limits are about minutes, not milliseconds.
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "took {:?}", started.elapsed());
        msg
    }

    /// A real workbook with some of its parts replaced or added.
    fn rewrite(from: &Path, to: &Path, mut replace: impl FnMut(&str, Vec<u8>) -> Vec<u8>) {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
        let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1))
            .large_file(true);
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            out.start_file(name.as_str(), options).unwrap();
            out.write_all(&replace(&name, bytes)).unwrap();
        }
        out.finish().unwrap();
    }

    fn small_ledger(path: &Path) {
        xlsx::write(
            path,
            &[xlsx::SheetSpec { name: "台账", rows: vec![vec!["单位名称", "床位"], vec!["城关镇敬老院", "40"]], merges: vec![] }],
        );
    }

    /// Before: calamine's dense range of 1,048,576 × 16,384 cells aborted the
    /// process (memory allocation of 550 GB failed).
    #[test]
    fn a_stray_cell_at_xfd1048576_is_refused_naming_the_cell() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stray.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("台账").unwrap();
        ws.write_string(0, 0, "单位名称").unwrap();
        ws.write_string(1_048_575, 16_383, "x").unwrap();
        wb.save(&path).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() < 10_000);
        let msg = refused(&path, "单元格 XFD1048576 有内容");
        assert!(msg.contains("工作表“台账”") && msg.contains("1048576 行 16384 列"), "{msg}");
    }

    /// Before: refused as “100001 行”超出范围, without saying where the table
    /// goes on; now the first row too many is named, and blank lines after
    /// the limit are let be.
    #[test]
    fn a_csv_longer_than_the_limit_is_refused_not_cut_short() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("长表.csv");
        let mut text = String::from("单位名称,床位\n");
        for i in 1..MAX_ROWS {
            text.push_str(&format!("敬老院{i},10\n"));
        }
        std::fs::write(&path, format!("{text},\n,\n")).unwrap();
        assert_eq!(read(&path).unwrap().sheets[0].rows.len(), MAX_ROWS, "the limit itself, and blank lines after it, are fine");
        std::fs::write(&path, format!("{text}末行敬老院,10\n")).unwrap();
        refused(&path, "单元格 A100001 有内容");
    }

    #[test]
    fn a_filled_cell_just_inside_the_limits_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("edge.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "单位名称").unwrap();
        ws.write_string(0, (MAX_COLUMNS - 1) as u16, "备注").unwrap();
        ws.write_string(20_000, 0, "末行").unwrap();
        wb.save(&path).unwrap();
        let book = read(&path).unwrap();
        assert_eq!(book.sheets[0].rows.len(), 20_001);
        assert_eq!(book.sheets[0].rows[0][MAX_COLUMNS - 1], "备注");
        assert_eq!(book.sheets[0].rows[20_000][0], "末行");
    }

    /// Before: the 1 GiB inline string was read whole, several times over
    /// (quick-xml's buffer, the cell, the cleaned text): gigabytes of memory.
    #[test]
    fn a_sheet_that_inflates_to_a_gibibyte_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.xlsx");
        small_ledger(&plain);
        let bomb = dir.path().join("bomb.xlsx");
        // The sheet is written in pieces, so the test itself never holds the gibibyte.
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&plain).unwrap()).unwrap();
        let mut out = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(9))
            .large_file(true);
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            out.start_file(name.as_str(), options).unwrap();
            if name != "xl/worksheets/sheet1.xml" {
                std::io::copy(&mut entry, &mut out).unwrap();
                continue;
            }
            out.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>"#).unwrap();
            let chunk = vec![b'a'; 1 << 20];
            for _ in 0..1024 {
                out.write_all(&chunk).unwrap();
            }
            out.write_all(b"</t></is></c></row></sheetData></worksheet>").unwrap();
        }
        out.finish().unwrap();
        assert!(std::fs::metadata(&bomb).unwrap().len() < 8 * 1024 * 1024);
        refused(&bomb, "解压后超过 128 MB");
    }

    /// An ODS written as LibreOffice writes one: empty stretches as repeat
    /// counts, the rest of the sheet as one row repeated a million times.
    fn ods(path: &Path, rows_xml: &str) {
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="台账">{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
        zip.start_file("content.xml", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
        zip.start_file("META-INF/manifest.xml", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
        zip.finish().unwrap();
    }

    fn ods_text(t: &str) -> String {
        format!(r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#)
    }

    #[test]
    fn an_ods_with_repeated_empty_rows_and_columns_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("台账.ods");
        let rows = format!(
            r#"<table:table-row>{}<table:table-cell table:number-columns-repeated="3"/>{}<table:table-cell table:number-columns-repeated="1019"/></table:table-row><table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="1024"/></table:table-row><table:table-row>{}<table:table-cell table:number-columns-repeated="3"/><table:table-cell office:value-type="float" office:value="40"><text:p>40</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1048572"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#,
            ods_text("单位名称"),
            ods_text("床位"),
            ods_text("城关镇敬老院")
        );
        ods(&path, &rows);
        let book = read(&path).unwrap();
        assert_eq!(book.sheets[0].rows.len(), 4);
        assert_eq!(book.sheets[0].rows[0][4], "床位");
        assert_eq!(book.sheets[0].rows[3][0], "城关镇敬老院");
        assert_eq!(book.sheets[0].rows[3][4], "40");
    }

    /// Before: calamine expanded the repeats into a dense range of 100
    /// million cells: 31 s and 6.3 GB of memory for a 2 KB file, then refused
    /// it for its 10,000 columns.
    #[test]
    fn an_ods_with_a_cell_far_out_is_refused_before_it_is_expanded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("台账.ods");
        let rows = format!(
            r#"<table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="9997"><table:table-cell table:number-columns-repeated="10000"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="9999"/>{}</table:table-row>"#,
            ods_text("单位名称"),
            ods_text("x")
        );
        ods(&path, &rows);
        let msg = refused(&path, "单元格 NTP9999 有内容");
        assert!(msg.contains("工作表“台账”"), "{msg}");
    }

    /// Before: every one of 20,000 areas over the whole sheet was filled cell
    /// by cell (10¹⁰ steps: hours).
    #[test]
    fn overlapping_merged_areas_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "单位名称").unwrap();
        ws.write_string(9_999, 49, "末").unwrap();
        wb.save(&plain).unwrap();
        let merged = dir.path().join("merged.xlsx");
        rewrite(&plain, &merged, |name, bytes| {
            if name != "xl/worksheets/sheet1.xml" {
                return bytes;
            }
            let xml = String::from_utf8(bytes).unwrap();
            let areas: String = std::iter::repeat_n(r#"<mergeCell ref="A1:AX10000"/>"#, 20_000).collect();
            xml.replace("</sheetData>", &format!("</sheetData><mergeCells count=\"20000\">{areas}</mergeCells>")).into_bytes()
        });
        refused(&merged, "合并区域有重叠");
    }

    #[test]
    fn merged_areas_are_clipped_to_the_grid() {
        let mut rows = vec![vec!["甲".to_string(), String::new()], vec![String::new(), String::new()]];
        fill_merged(&mut rows, [((0, 0), (1_048_575, 16_383))].into_iter()).unwrap();
        assert_eq!(rows, vec![vec!["甲"; 2]; 2]);
        assert!(fill_merged(&mut rows, std::iter::repeat_n(((0, 0), (1, 1)), 2)).is_err());
    }

    #[cfg(unix)]
    #[rstest]
    #[case::pipe("ledger.csv", "管道")]
    #[case::pipe_xlsx("ledger.xlsx", "管道")]
    #[case::dev_zero("zero.csv", "设备文件")]
    #[case::folder("folder.xlsx", "文件夹")]
    fn what_is_not_a_file_is_refused_before_it_is_opened(#[case] name: &str, #[case] want: &str) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        // Before: a pipe blocked the import forever, /dev/zero filled memory.
        match name {
            "zero.csv" => std::os::unix::fs::symlink("/dev/zero", &path).unwrap(),
            "folder.xlsx" => {
                let target = dir.path().join("real-folder");
                std::fs::create_dir(&target).unwrap();
                std::os::unix::fs::symlink(&target, &path).unwrap();
            }
            _ => assert!(std::process::Command::new("mkfifo").arg(&path).status().unwrap().success()),
        }
        refused(&path, want);
    }

    #[test]
    fn a_file_read_whole_stops_at_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.toml");
        std::fs::write(&path, vec![b'#'; 2048]).unwrap();
        assert!(matches!(read_bounded(&path, 1024), Err(Reason::FileUnreadable(_))));
        assert_eq!(read_bounded(&path, 4096).unwrap().len(), 2048);
    }
}
