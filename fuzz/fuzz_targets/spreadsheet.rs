//! Any bytes as a spreadsheet an office sends: as .xlsx, .ods, .xls or .csv
//! (the first byte picks which), read and handed to the catalog, registry
//! and department importers. Never a panic, never more rows or columns than
//! the limits, and a refusal always names the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qingdan_core::{catalog, department, registry, spreadsheet};

const KINDS: [&str; 4] = ["xlsx", "ods", "xls", "csv"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let dir = tempfile::tempdir().unwrap();
    let name = format!("台账.{}", KINDS[pick as usize % KINDS.len()]);
    let path = dir.path().join(&name);
    std::fs::write(&path, bytes).unwrap();
    let book = match spreadsheet::read(&path) {
        Ok(book) => book,
        Err(e) => {
            assert!(e.to_string().contains(&name), "a refusal names the file: {e}");
            return;
        }
    };
    for sheet in &book.sheets {
        assert!(sheet.rows.len() <= spreadsheet::MAX_ROWS, "rows {}", sheet.rows.len());
        assert!(sheet.rows.iter().all(|r| r.len() <= spreadsheet::MAX_COLUMNS));
    }
    let _ = catalog::import::parse_workbook(&book, "台账", &catalog::import::ImportOptions { name: None, kind: None });
    let _ = registry::import::parse_workbook(&book, &["瀍河回族区".to_string(), "宜阳县".to_string()]);
    let _ = department::import::read_file(&path, &[]);
});
