//! 整改通知书: the rectification notice to one facility, county/district
//! government or department, laid out after GB/T 9704-2012 (党政机关公文格式):
//! A4; text area 156 × 225 mm with margins top 37, left 28, right 26, bottom
//! 35 mm; title 22 pt (二号) in the serif face; body 16 pt (三号) serif on a grid of
//! 22 lines × 28 characters; first-level headings “一、” in the sans face (黑体);
//! page numbers “— N —” 14 pt (四号), odd pages right and even pages left;
//! the attachment (the problem list as a table) on a new page.

use super::flow::{Align, Flow, Footer, Page, Style};
use super::fonts::{check_texts, Face};
use super::inspection::date_zh;
use super::layout::chinese_date;
use super::pdf::{DocInfo, MM};
use crate::catalog::Severity;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::inspection;
use crate::problem::{self, ProblemFilter, ProblemRow, Status};

/// One grid cell: 156 mm / 28 characters.
pub const PITCH: f32 = 156.0 * MM / 28.0;
/// One grid line: 225 mm / 22 lines.
pub const LINE: f32 = 225.0 * MM / 22.0;
const TRACK: f32 = PITCH - 16.0;

const BODY: Style = Style::new(Face::Serif, 16.0, LINE).tracked(TRACK);
const HEAD: Style = Style::new(Face::Sans, 16.0, LINE).tracked(TRACK);
const TITLE: Style = Style::new(Face::Serif, 22.0, 36.0);
const TABLE: Style = Style::new(Face::Sans, 10.5, 15.0);
const TABLE_HEAD: Style = Style::new(Face::SansBold, 10.5, 15.0);
const PAGE_NO: Style = Style::new(Face::Serif, 14.0, 20.0);

const INDENT: &str = "\u{3000}\u{3000}";

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// 1 → 一, 12 → 十二, 23 → 二十三 (heading numbers).
pub fn chinese_number(n: usize) -> String {
    match n {
        1..=10 => NUMERALS[n - 1].to_string(),
        11..=19 => format!("十{}", NUMERALS[n - 11]),
        20..=99 => format!("{}十{}", NUMERALS[n / 10 - 1], if n.is_multiple_of(10) { "" } else { NUMERALS[n % 10 - 1] }),
        _ => n.to_string(),
    }
}

fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() || s.ends_with(['。', '！', '？', '；']) {
        s.to_string()
    } else {
        format!("{s}。")
    }
}

struct Entry {
    row: ProblemRow,
    basis: String,
    requirement: String,
}

impl Entry {
    fn measure(&self) -> String {
        if !self.row.measure.trim().is_empty() {
            self.row.measure.trim().to_string()
        } else if !self.requirement.trim().is_empty() {
            self.requirement.trim().to_string()
        } else {
            "按照有关规定整改到位".to_string()
        }
    }

    fn deadline(&self) -> String {
        match &self.row.deadline {
            Some(d) => format!("{}前", date_zh(d)),
            None if self.row.severity == Severity::Major => "立即整改".into(),
            None => "在整改方案中明确，报送本机关".into(),
        }
    }
}

/// The notice's title and where it may break: after the target's name (best),
/// after 存在问题, after 的 (…限期整改的 / 通知), inside the name only after
/// an administrative division (…市 / …区 / …街道 …), after 关于 only as a last
/// resort.
pub fn title_with_breaks(target: &str) -> (String, Vec<(usize, f32)>) {
    let name: Vec<char> = target.chars().collect();
    let n = name.len();
    let mut breaks = vec![(2, 3.0), (2 + n, 0.0), (2 + n + 4, 0.5), (2 + n + 9, 1.0)];
    for i in 0..n.saturating_sub(1) {
        let (c, next) = (name[i], name[i + 1]);
        let division = matches!(c, '省' | '市' | '县' | '区' | '镇' | '乡') || (c == '道' && i > 0 && name[i - 1] == '街');
        // “区域养老服务中心”, “县级”, “乡镇”: the character starts a word, not a division.
        if division && !matches!(next, '域' | '级' | '镇' | '直' | '属' | '内' | '外') {
            breaks.push((2 + i + 1, 1.5));
        }
    }
    (format!("关于{target}存在问题限期整改的通知"), breaks)
}

/// Builds the 整改通知书 to `target_id` for its problems still to rectify
/// (待整改, 整改中) as PDF bytes.
pub fn build(db: &Db, target_id: &str, number: Option<&str>, issuer: Option<&str>) -> Result<Vec<u8>> {
    let rows = problem::list(
        db,
        &ProblemFilter { target_id: Some(target_id.to_string()), statuses: vec![Status::Pending, Status::InProgress], ..Default::default() },
    )?;
    if rows.is_empty() {
        let known = crate::registry::get_facility(db, target_id).is_ok()
            || crate::registry::counties(db)?.iter().any(|c| c.id == target_id)
            || crate::department::department_list(db)?.iter().any(|d| d.id == target_id);
        if !known {
            return Err(Error::NotFound { what: "检查对象", key: target_id.to_string() });
        }
        return Err(Error::refuse(
            "TARGET_ID",
            format!("对象 {target_id} 没有待整改或整改中的问题，无需发出整改通知书"),
            format!("{target_id} has no problem to rectify; there is nothing to notify"),
        ));
    }
    let target = rows[0].target_name.clone();
    let entries: Vec<Entry> = rows
        .into_iter()
        .map(|row| {
            let item = match (&row.inspection_id, &row.item_code) {
                (Some(i), Some(c)) => inspection::item(db, i, c).ok(),
                _ => None,
            };
            let (basis, requirement) = item.map(|i| (i.basis, i.requirement)).unwrap_or_default();
            Entry { row, basis, requirement }
        })
        .collect();
    let number = number.map(str::trim).filter(|s| !s.is_empty());
    let issuer = issuer.map(str::trim).filter(|s| !s.is_empty());

    let mut texts: Vec<(Face, String, String)> = vec![(Face::Serif, "检查对象名称".into(), target.clone())];
    if let Some(n) = number {
        texts.push((Face::Serif, "--number".into(), n.to_string()));
    }
    if let Some(i) = issuer {
        texts.push((Face::Serif, "--issuer".into(), i.to_string()));
    }
    for e in &entries {
        let p = &e.row.number;
        texts.push((Face::Sans, format!("问题 {p} 的描述"), e.row.description.clone()));
        texts.push((Face::Serif, format!("问题 {p} 的依据"), e.basis.clone()));
        texts.push((Face::Serif, format!("问题 {p} 的整改措施"), e.measure()));
    }
    check_texts(texts.iter().map(|(f, p, t)| (*f, p.as_str(), t.as_str())))?;

    let today = problem::today(db.now());
    let mut flow = Flow::new(Page::GB9704);
    flow.footer = Some(Footer::Gb9704(PAGE_NO));
    if let Some(n) = number {
        flow.paragraph(n, BODY, 0.0, Align::Center, false);
        flow.space(LINE);
    }
    let (title, breaks) = title_with_breaks(&target);
    flow.title(&title, &breaks, TITLE);
    flow.space(LINE);
    flow.paragraph(&format!("{target}："), BODY, 0.0, Align::Left, false);
    flow.paragraph(
        &format!(
            "{INDENT}在养老服务联动监督工作中，经检查发现你单位存在以下{}个问题。根据《河南省养老服务条例》等有关规定，现将问题及整改要求通知如下：",
            entries.len()
        ),
        BODY,
        0.0,
        Align::Left,
        false,
    );
    for (n, e) in entries.iter().enumerate() {
        flow.heading(&format!("{INDENT}{}、{}", chinese_number(n + 1), sentence(&e.row.description)), HEAD, Align::Left);
        flow.paragraph(&format!("{INDENT}问题等级：{}。", e.row.severity.label(crate::Lang::Zh)), BODY, 0.0, Align::Left, false);
        if !e.basis.trim().is_empty() {
            flow.paragraph(&format!("{INDENT}依据：{}", sentence(&e.basis)), BODY, 0.0, Align::Left, false);
        }
        flow.paragraph(&format!("{INDENT}整改要求：{}", sentence(&e.measure())), BODY, 0.0, Align::Left, false);
        flow.paragraph(&format!("{INDENT}整改期限：{}。", e.deadline()), BODY, 0.0, Align::Left, false);
    }
    flow.paragraph(
        &format!("{INDENT}请你单位高度重视，对照上述问题逐项制定整改措施，明确责任人，按期整改到位，并于整改期限届满前将整改情况书面报送。"),
        BODY,
        0.0,
        Align::Left,
        false,
    );
    flow.space(LINE);
    flow.paragraph(&format!("{INDENT}附件：问题清单"), BODY, 0.0, Align::Left, false);
    // Signature block (GB/T 9704 §7.3.5.2, without a seal): 成文日期 four
    // characters in from the right, the issuer centred above it. Kept together.
    flow.space_before(2.0 * LINE);
    let date = chinese_date(today);
    let date_pad = 4.0 * PITCH;
    if let Some(i) = issuer {
        let pad = date_pad + (BODY.width(&date) - BODY.width(i)) / 2.0;
        flow.paragraph(i, BODY, pad.max(0.0), Align::Right, true);
    }
    flow.paragraph(&date, BODY, date_pad, Align::Right, false);

    // 附件
    flow.page_break();
    flow.paragraph("附件", HEAD, 0.0, Align::Left, true);
    flow.space_before(LINE / 2.0);
    flow.heading("问题清单", TITLE, Align::Center);
    flow.space_before(LINE / 2.0);
    let table: Vec<Vec<String>> = entries
        .iter()
        .enumerate()
        .map(|(n, e)| {
            vec![
                (n + 1).to_string(),
                e.row.number.clone(),
                e.row.description.trim().to_string(),
                e.row.severity.label(crate::Lang::Zh).to_string(),
                e.measure(),
                e.deadline(),
            ]
        })
        .collect();
    flow.table(
        &[("序号", 0.9, true), ("问题编号", 2.8, true), ("问题描述", 2.9, false), ("问题等级", 1.4, true), ("整改要求", 2.9, false), ("整改期限", 1.6, false)],
        &table,
        TABLE,
        TABLE_HEAD,
        "……",
    );

    let pages = flow.render();
    let info = DocInfo {
        title: format!("关于{target}存在问题限期整改的通知"),
        author: issuer.unwrap_or("养老服务联动监督").to_string(),
        subject: number.map(|n| format!("整改通知书 {n}")).unwrap_or_else(|| "整改通知书".into()),
        created: db.now(),
    };
    super::pdf::write(flow.page.width * MM, flow.page.height * MM, &pages, &flow.pictures, &info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_numbers() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(23), "二十三");
    }

    fn title_of(target: &str) -> Vec<String> {
        let (text, breaks) = title_with_breaks(target);
        let adv = |c| super::super::pdf::advance(Face::Serif, c);
        super::super::layout::title_lines(&text, &breaks, Page::GB9704.text_width(), TITLE.size, &adv).unwrap()
    }

    #[test]
    fn the_title_breaks_after_the_name_not_inside_a_word() {
        // Balancing by narrowing the line used to give “…服务中心存 / 在问题限期整改的通知”.
        assert_eq!(title_of("老城区西关街道社区养老服务中心"), vec!["关于老城区西关街道社区养老服务中心", "存在问题限期整改的通知"]);
        assert_eq!(title_of("老城社会福利中心"), vec!["关于老城社会福利中心", "存在问题限期整改的通知"]);
        // A name too long for one line with 关于 breaks after a division, not mid-word.
        let l = title_of("洛阳市老城区西关街道办事处社区居家养老服务中心");
        assert!(l.len() <= 3, "{l:?}");
        assert!(l[0].ends_with('区') || l[0].ends_with('市') || l[0].ends_with("街道") || l[0].ends_with("中心"), "{l:?}");
        // A short name fits in one line.
        assert_eq!(title_of("某院").len(), 1);
        // “区域” is a word: no break between 区 and 域.
        let (_, breaks) = title_with_breaks("西工区区域养老服务中心");
        assert!(breaks.contains(&(2 + 3, 1.5)));
        assert!(!breaks.contains(&(2 + 4, 1.5)));
    }

    #[test]
    fn the_grid_is_28_characters_by_22_lines() {
        assert!((28.0 * PITCH - 156.0 * MM).abs() < 0.01);
        assert!((22.0 * LINE - 225.0 * MM).abs() < 0.01);
        // 28 ideographs fill a line exactly; a 29th does not fit.
        let line: String = "养".repeat(28);
        let lines = super::super::layout::break_lines(&format!("{line}老"), Page::GB9704.text_width(), 16.0, &|c| {
            super::super::pdf::advance(Face::Serif, c) + TRACK / 16.0
        });
        assert_eq!(lines, vec![line, "老".to_string()]);
    }
}

#[cfg(test)]
mod grid_tests {
    use super::*;
    use crate::report::layout::{paginate, FlowBox};

    #[test]
    fn a_full_page_of_body_text_holds_22_lines() {
        let boxes = vec![FlowBox::new(LINE); 50];
        let pages = paginate(&boxes, &[], Page::GB9704.text_height());
        assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), vec![22, 22, 6]);
    }
}
