//! Writes test spreadsheets the way office workers make them: title rows,
//! merged cells, blank and note rows. Shared by unit and integration tests.

#![allow(dead_code)]

use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};

/// One sheet: its name, its rows (row 0 = spreadsheet row 1; "" = blank cell)
/// and merged ranges (first_row, first_col, last_row, last_col), whose value
/// is the text at the top-left cell.
pub struct SheetSpec<'a> {
    pub name: &'a str,
    pub rows: Vec<Vec<&'a str>>,
    pub merges: Vec<(u32, u16, u32, u16)>,
}

pub fn write(path: &Path, sheets: &[SheetSpec<'_>]) {
    let mut wb = Workbook::new();
    for spec in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(spec.name).expect("sheet name");
        let covered = |r: u32, c: u16| {
            spec.merges.iter().any(|&(r0, c0, r1, c1)| r >= r0 && r <= r1 && c >= c0 && c <= c1 && (r, c) != (r0, c0))
        };
        for &(r0, c0, r1, c1) in &spec.merges {
            let text = spec.rows.get(r0 as usize).and_then(|row| row.get(c0 as usize)).copied().unwrap_or("");
            ws.merge_range(r0, c0, r1, c1, text, &Format::new()).expect("merge");
        }
        for (r, row) in spec.rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if text.is_empty() || covered(r, c) || spec.merges.iter().any(|m| (m.0, m.1) == (r, c)) {
                    continue;
                }
                match text.parse::<f64>() {
                    Ok(n) if !text.starts_with('0') || *text == "0" => ws.write_number(r, c, n).map(|_| ()),
                    _ => ws.write_string(r, c, *text).map(|_| ()),
                }
                .expect("write cell");
            }
        }
    }
    wb.save(path).expect("save xlsx");
}

/// A catalog as a government office might send it: a title and a date line
/// above the header, 序号 instead of codes, groups in merged cells, a blank
/// row, a note at the bottom, full-width digits in the header, and headers
/// named by synonyms. Two sheets named …标准 and …指标 give the kinds.
pub fn messy_catalog(path: &Path) {
    let standards = SheetSpec {
        name: "衡量标准",
        rows: vec![
            vec!["洛阳市养老服务联动监督衡量标准（66条）", "", "", "", "", ""],
            vec!["填报单位：市人大常委会社会建设工委", "", "", "", "２０２４年４月", ""],
            vec!["序号", "类别", "标准内容", "政策依据", "检查方式", "责任单位（部门）"],
            vec!["1", "规划和建设", "县级人民政府应当编制养老服务设施专项规划，并纳入国土空间规划。", "《河南省老年人权益保障条例》第三十三条", "查阅资料", "民政局、自然资源和规划局"],
            vec!["2", "", "新建住宅小区按每百户不少于30平方米配建社区养老服务设施。", "《河南省老年人权益保障条例》第三十四条", "查阅资料、现场查看", "住房和城乡建设局"],
            vec!["", "", "", "", "", ""],
            vec!["3", "机构养老服务", "养老机构应当建立入住评估制度，对老年人身心状况进行评估。", "《养老机构管理办法》第十五条", "查阅资料", "民政局"],
            vec!["4", "机构养老服务", "食品留样每个品种不少于125克，冷藏保存48小时以上。", "GB 31654-2021", "现场查看；抽查", "市场监督管理局"],
            vec!["注：本表依据《河南省养老服务条例》编制。", "", "", "", "", ""],
        ],
        merges: vec![(0, 0, 0, 5), (3, 1, 4, 1), (6, 1, 7, 1), (8, 0, 8, 5)],
    };
    let indicators = SheetSpec {
        name: "工作指标",
        rows: vec![
            vec!["工作指标"],
            vec!["序 号", "指标内容", "依据", "方法"],
            vec!["一、组织领导", "", "", ""],
            vec!["１", "将养老服务纳入国民经济和社会发展规划及财政预算。", "《河南省老年人权益保障条例》第五条", "查阅资料"],
            vec!["二、资金保障", "", "", ""],
            vec!["2", "按规定比例将福彩公益金用于养老服务。", "", "查阅资料、座谈"],
            vec!["3", "落实高龄津贴制度。", "《河南省老年人权益保障条例》第二十八条", ""],
        ],
        merges: vec![(0, 0, 0, 3), (2, 0, 2, 3), (4, 0, 4, 3)],
    };
    let readme = SheetSpec { name: "填表说明", rows: vec![vec!["本工作簿共两张表。"]], merges: vec![] };
    write(path, &[readme, standards, indicators]);
}

/// A facility ledger with a title row, a merged county column, a repeated
/// header, synonyms (县（市、区）, 单位名称, 床位（张）) and full-width digits.
pub fn messy_ledger(path: &Path) {
    let sheet = SheetSpec {
        name: "机构台账",
        rows: vec![
            vec!["洛阳市养老服务机构基本情况统计表", "", "", "", "", "", ""],
            vec!["县（市、区）", "乡镇（街道）", "单位名称", "机构类型", "运营方式", "床位（张）", "入住老人（人）"],
            vec!["汝阳", "城关镇", "汝阳县城关镇敬老院", "乡镇敬老院", "公办", "１２０", "56"],
            vec!["", "上店镇", "上店镇区域养老服务中心", "区域养老服务中心", "公建民营", "80张", "31"],
            vec!["嵩县", "田湖镇", "田湖镇东岭村互助养老服务站", "村级互助养老服务站", "", "12", ""],
            vec!["县（市、区）", "乡镇（街道）", "单位名称", "机构类型", "运营方式", "床位（张）", "入住老人（人）"],
            vec!["嵩县", "", "嵩县颐康养老院", "民办养老机构", "", "200", "120"],
            vec!["合计", "", "", "", "", "412", "207"],
        ],
        merges: vec![(0, 0, 0, 6), (2, 0, 3, 0)],
    };
    write(path, &[sheet]);
}
