//! 监督工作总结: the campaign summary — the figures, vector charts drawn in
//! the PDF (by county, by problem category, close-outs per month), the
//! overdue list and the close-out list. `--county` narrows everything.
//!
//! Every number comes from [`crate::problem::stats`] (the same SQL aggregates
//! as the dashboard), every list from the same filter as `problem list`, so
//! the paper and the screen agree.

use chrono::NaiveDate;

use self::chart::Series;
use super::flow::{Align, Flow, Footer, Page, Style};
use super::fonts::{check_texts, Face};
use super::pdf::{DocInfo, Ink, MM};
use crate::db::Db;
use crate::error::Result;
use crate::problem::stats::{self, BreakdownRow, Dimension, Figure, Figures, StatsFilter};
use crate::problem::{self, ProblemRow};
use crate::text::clean;
use crate::Lang;

const TITLE: Style = Style::new(Face::SansBold, 20.0, 30.0);
const SUBTITLE: Style = Style::new(Face::Sans, 12.0, 20.0);
const H1: Style = Style::new(Face::SansBold, 14.0, 24.0);
const BODY: Style = Style::new(Face::Sans, 11.0, 19.0);
const SMALL: Style = Style::new(Face::Sans, 9.0, 13.0);
const SMALL_BOLD: Style = Style::new(Face::SansBold, 9.0, 13.0);
const LIST: Style = Style::new(Face::Sans, 8.0, 11.5);
const LIST_BOLD: Style = Style::new(Face::SansBold, 8.0, 11.5);
const CAPTION: Style = Style::new(Face::Sans, 9.0, 16.0);
const INDENT: &str = "\u{3000}\u{3000}";

/// Rows of the overdue list and of the close-out list printed in the summary.
/// A city-wide campaign has thousands of each (7,566 and 8,085 in the bench),
/// which would make an 800-page “summary”: beyond this many, the summary
/// prints the longest overdue and the latest closed, says how many there are
/// and where the whole list is (`report list`).
pub const LIST_ROWS: usize = 300;

/// Categories shown in the chart and table of 主要问题类别.
pub const TOP_CATEGORIES: usize = 10;

// The charts' colours: a dark red for problems and blues for what was done
// about them, restrained enough for an official report, and far enough apart
// in lightness (0.27, 0.48, 0.77; see the test) to stay apart when the
// summary is printed or copied in black and white.
const PROBLEMS: Series = Series { name: "问题数", ink: Ink::Rgb([158, 31, 37]) };
const RECTIFIED: Series = Series { name: "已整改", ink: Ink::Rgb([74, 134, 190]) };
const CLOSED: Series = Series { name: "已销号", ink: Ink::Rgb([174, 203, 228]) };
/// The bars of close-outs by month, a single series: the dark blue of the palette.
const CLOSED_BY_MONTH: Ink = Ink::Rgb([31, 73, 125]);

/// 2024-05-20 → 2024年5月20日.
fn date_zh(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A date in a table cell: 2024-05-20 (narrow enough for one line), or “—”.
fn day_iso(s: Option<&str>) -> String {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).unwrap_or_else(|| "—".into())
}

/// Median days as people write it: “12”, “12.5”, or “—”.
pub fn days(d: Option<f64>) -> String {
    match d {
        Some(d) if d.is_finite() => {
            let r = (d * 10.0).round() / 10.0;
            if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r:.1}") }
        }
        _ => "—".into(),
    }
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() { "—".into() } else { s.trim().to_string() }
}

/// The figures of a row as table cells: 问题, 意见建议, 已整改, 已销号, 逾期, 整改率, 销号率.
fn figure_cells(label: &str, f: &Figures) -> Vec<String> {
    vec![
        label.to_string(),
        f.problems.to_string(),
        f.suggestions.to_string(),
        f.rectified.to_string(),
        f.closed.to_string(),
        f.overdue.to_string(),
        stats::percent(f.rectification_rate),
        stats::percent(f.closeout_rate),
    ]
}

/// What the summary is made of, read once.
struct Data {
    today: NaiveDate,
    scope: Option<String>,
    totals: Figures,
    /// By county (or, for one county, by target type).
    by_place: Vec<BreakdownRow>,
    categories: Vec<BreakdownRow>,
    months: Vec<(String, u32)>,
    /// The longest overdue first, at most [`LIST_ROWS`].
    overdue: Vec<ProblemRow>,
    overdue_total: usize,
    /// The latest closed first, at most [`LIST_ROWS`].
    closed: Vec<ProblemRow>,
    closed_total: usize,
}

fn read(db: &Db, county: Option<&str>) -> Result<Data> {
    let scope = county.map(clean).filter(|c| !c.is_empty());
    if let Some(c) = &scope {
        if !crate::registry::counties(db)?.iter().any(|j| &j.name == c) {
            return Err(crate::error::Error::NotFound { what: "县（市、区）", key: c.clone() });
        }
    }
    let filter = StatsFilter { county: scope.clone(), ..Default::default() };
    let today = problem::today(db.now());
    let dimension = if scope.is_some() { Dimension::TargetKind } else { Dimension::County };
    let mut categories: Vec<BreakdownRow> =
        stats::breakdown(db, Dimension::Category, &filter)?.into_iter().filter(|r| r.figures.problems > 0 && !r.key.is_empty()).collect();
    categories.truncate(TOP_CATEGORIES);
    let mut overdue = stats::problems(db, &filter, Figure::Overdue)?;
    // Longest overdue first.
    overdue.sort_by(|a, b| (&a.deadline, &a.number).cmp(&(&b.deadline, &b.number)));
    let mut closed = stats::problems(db, &filter, Figure::Closed)?;
    closed.sort_by(|a, b| (&b.closed_on, &b.number).cmp(&(&a.closed_on, &a.number)));
    let (overdue_total, closed_total) = (overdue.len(), closed.len());
    overdue.truncate(LIST_ROWS);
    closed.truncate(LIST_ROWS);
    Ok(Data {
        today,
        totals: stats::totals(db, &filter)?,
        by_place: stats::breakdown(db, dimension, &filter)?,
        categories,
        months: stats::closures_by_month(db, &filter)?,
        overdue,
        overdue_total,
        closed,
        closed_total,
        scope,
    })
}

fn check(d: &Data) -> Result<()> {
    let mut texts: Vec<(String, &str)> = Vec::new();
    for r in &d.by_place {
        texts.push(("县（市、区）名称".into(), r.label.as_str()));
    }
    for r in &d.categories {
        texts.push(("问题类别".into(), r.label.as_str()));
    }
    for p in d.overdue.iter().chain(&d.closed) {
        texts.push((format!("问题 {} 的检查对象", p.number), p.target_name.as_str()));
        texts.push((format!("问题 {} 的描述", p.number), p.description.as_str()));
        texts.push((format!("问题 {} 的责任单位", p.number), p.responsible_unit.as_str()));
        texts.push((format!("问题 {} 的编号", p.number), p.number.as_str()));
    }
    check_texts(texts.iter().map(|(place, t)| (Face::Sans, place.as_str(), *t)))
}

/// The opening paragraph of 一、总体情况.
fn overview(d: &Data) -> String {
    let t = &d.totals;
    let scope = d.scope.clone().unwrap_or_else(|| "各县（市、区）".into());
    if t.problems == 0 {
        let suggestions = if t.suggestions > 0 { format!("，共收集意见建议{}条", t.suggestions) } else { String::new() };
        return format!("{INDENT}截至{}，{scope}尚无问题记录{suggestions}。整改率、销号率待有问题后统计。", date_zh(d.today));
    }
    let mut s = format!(
        "{INDENT}截至{}，{scope}共发现问题{}个，收集意见建议{}条。已整改问题{}个，整改率{}；已销号问题{}个，销号率{}",
        date_zh(d.today),
        t.problems,
        t.suggestions,
        t.rectified,
        stats::percent(t.rectification_rate),
        t.closed,
        stats::percent(t.closeout_rate),
    );
    if t.overdue > 0 {
        s.push_str(&format!("；逾期未整改问题{}个，须督促加快整改", t.overdue));
    } else {
        s.push_str("；无逾期未整改问题");
    }
    s.push('。');
    match t.median_days_to_close {
        Some(m) => s.push_str(&format!("已销号问题从发现到销号用时中位数为{}天。", days(Some(m)))),
        None => s.push_str("尚无已销号问题。"),
    }
    s
}

/// “问题数居前的类别依次为“甲”“乙”“丙”。其中“甲”类问题最多，……” — ties named as ties.
fn categories_text(categories: &[BreakdownRow], problems: u32) -> String {
    let share = |n: u32| stats::percent(Some(n as f64 / problems.max(1) as f64));
    let quoted = |rows: &[BreakdownRow]| rows.iter().map(|r| format!("“{}”", r.label)).collect::<String>();
    let most = categories[0].figures.problems;
    let tied: Vec<BreakdownRow> = categories.iter().take_while(|r| r.figures.problems == most).cloned().collect();
    let lead = if categories.len() == 1 {
        format!("{INDENT}问题均属{}类，共{most}个。", quoted(&categories[..1]))
    } else {
        format!("{INDENT}问题数居前的类别依次为{}。", quoted(&categories[..categories.len().min(3)]))
    };
    if categories.len() == 1 {
        return lead;
    }
    if tied.len() == 1 {
        format!("{lead}其中{}类问题最多，共{most}个，占问题总数的{}。", quoted(&tied), share(most))
    } else {
        format!("{lead}其中{}等{}类问题最多，各{most}个，各占问题总数的{}。", quoted(&tied[..1]), tied.len(), share(most))
    }
}

fn month_labels(months: &[(String, u32)]) -> Vec<(String, String)> {
    let mut last_year = String::new();
    months
        .iter()
        .map(|(m, _)| {
            let (y, mo) = m.split_once('-').unwrap_or((m.as_str(), ""));
            let month = mo.trim_start_matches('0');
            let year = if y != last_year { format!("{y}年") } else { String::new() };
            last_year = y.to_string();
            (format!("{month}月"), year)
        })
        .collect()
}

/// Builds the 监督工作总结 (of one county when `county` is given) as PDF bytes.
pub fn build(db: &Db, county: Option<&str>) -> Result<Vec<u8>> {
    let d = read(db, county)?;
    check(&d)?;
    let t = &d.totals;
    let mut flow = Flow::new(Page::A4_REPORT);
    flow.footer = Some(Footer::PageOfTotal(SMALL));
    let w = flow.page.text_width();

    flow.paragraph("养老服务联动监督", SMALL, 0.0, Align::Center, false);
    flow.heading("养老服务监督工作总结", TITLE, Align::Center);
    if let Some(c) = &d.scope {
        flow.paragraph(&format!("（{c}）"), SUBTITLE, 0.0, Align::Center, false);
    }
    flow.paragraph(&format!("数据截至{}", date_zh(d.today)), SMALL, 0.0, Align::Center, false);
    flow.space(8.0);

    // 一、总体情况
    flow.heading("一、总体情况", H1, Align::Left);
    flow.paragraph(&overview(&d), BODY, 0.0, Align::Left, false);
    flow.space(4.0);
    let figures = vec![vec![
        t.problems.to_string(),
        t.suggestions.to_string(),
        t.rectified.to_string(),
        t.closed.to_string(),
        t.overdue.to_string(),
        stats::percent(t.rectification_rate),
        stats::percent(t.closeout_rate),
        days(t.median_days_to_close),
    ]];
    flow.table(
        &[
            ("问题总数（个）", 1.0, true),
            ("意见建议（条）", 1.0, true),
            ("已整改（个）", 1.0, true),
            ("已销号（个）", 1.0, true),
            ("逾期未整改（个）", 1.0, true),
            ("整改率", 1.0, true),
            ("销号率", 1.0, true),
            ("销号用时中位数（天）", 1.0, true),
        ],
        &figures,
        SMALL,
        SMALL_BOLD,
        "",
    );
    flow.paragraph("注：整改率＝已整改问题数÷问题总数，已整改含已整改待核验和已销号；销号率＝已销号问题数÷问题总数；已撤销的问题不计入。", SMALL, 0.0, Align::Left, false);
    flow.space(8.0);

    // 二、分县（市、区）情况
    let (place_heading, place_col, figure_no) = if d.scope.is_some() {
        ("二、分检查对象类型情况", "对象类型", "图1　各类检查对象问题整改和销号情况")
    } else {
        ("二、分县（市、区）情况", "县（市、区）", "图1　各县（市、区）问题整改和销号情况")
    };
    flow.heading(place_heading, H1, Align::Left);
    let names: Vec<String> = d.by_place.iter().map(|r| r.label.clone()).collect();
    let values: Vec<Vec<u32>> = d.by_place.iter().map(|r| vec![r.figures.problems, r.figures.rectified, r.figures.closed]).collect();
    let ch = 190.0;
    flow.drawing(chart::grouped_bars(w, ch, &names, &[PROBLEMS, RECTIFIED, CLOSED], &values, "个"), ch, true);
    flow.paragraph(figure_no, CAPTION, 0.0, Align::Center, false);
    flow.space(4.0);
    let mut rows: Vec<Vec<String>> = d.by_place.iter().map(|r| figure_cells(&r.label, &r.figures)).collect();
    rows.push(figure_cells("合计", t));
    flow.table(
        &[
            (place_col, 1.6, false),
            ("问题", 1.0, true),
            ("意见建议", 1.0, true),
            ("已整改", 1.0, true),
            ("已销号", 1.0, true),
            ("逾期", 1.0, true),
            ("整改率", 1.0, true),
            ("销号率", 1.0, true),
        ],
        &rows,
        SMALL,
        SMALL_BOLD,
        "",
    );
    flow.space(8.0);

    // 三、主要问题类别
    flow.heading("三、主要问题类别", H1, Align::Left);
    if !d.categories.is_empty() {
        flow.paragraph(&categories_text(&d.categories, t.problems), BODY, 0.0, Align::Left, true);
    }
    let labels: Vec<String> = d.categories.iter().map(|r| r.label.clone()).collect();
    let counts: Vec<u32> = d.categories.iter().map(|r| r.figures.problems).collect();
    let (ops, h) = chart::horizontal_bars(w, &labels, &counts, PROBLEMS.ink, "个");
    flow.drawing(ops, h, true);
    let caption = match d.categories.len() {
        0 | 1 => "图2　主要问题类别".to_string(),
        n => format!("图2　问题数居前{n}位的问题类别"),
    };
    flow.paragraph(&caption, CAPTION, 0.0, Align::Center, false);
    if !d.categories.is_empty() {
        flow.space(4.0);
        let rows: Vec<Vec<String>> = d
            .categories
            .iter()
            .enumerate()
            .map(|(n, r)| {
                let f = &r.figures;
                vec![
                    (n + 1).to_string(),
                    r.label.clone(),
                    f.problems.to_string(),
                    stats::percent(Some(f.problems as f64 / t.problems.max(1) as f64)),
                    f.rectified.to_string(),
                    f.closed.to_string(),
                    stats::percent(f.rectification_rate),
                ]
            })
            .collect();
        flow.table(
            &[
                ("序号", 0.6, true),
                ("问题类别", 2.6, false),
                ("问题数", 1.0, true),
                ("占比", 1.0, true),
                ("已整改", 1.0, true),
                ("已销号", 1.0, true),
                ("整改率", 1.0, true),
            ],
            &rows,
            SMALL,
            SMALL_BOLD,
            "",
        );
    }
    flow.space(8.0);

    // 四、销号进展
    flow.heading("四、销号进展", H1, Align::Left);
    flow.paragraph(
        &if t.closed == 0 {
            format!("{INDENT}尚无已销号问题。")
        } else {
            format!(
                "{INDENT}已销号问题{}个，各月销号情况见图3。从发现到销号用时中位数为{}天。",
                t.closed,
                days(t.median_days_to_close)
            )
        },
        BODY,
        0.0,
        Align::Left,
        true,
    );
    let mlabels = month_labels(&d.months);
    let mvalues: Vec<u32> = d.months.iter().map(|m| m.1).collect();
    let mh = 160.0;
    flow.drawing(chart::bars(w, mh, &mlabels, &mvalues, CLOSED_BY_MONTH, "个"), mh, true);
    flow.paragraph("图3　每月销号问题数", CAPTION, 0.0, Align::Center, false);
    flow.space(8.0);

    // 五、逾期未整改问题清单
    flow.heading("五、逾期未整改问题清单", H1, Align::Left);
    if d.overdue.is_empty() {
        flow.paragraph(&format!("{INDENT}无逾期未整改问题。"), BODY, 0.0, Align::Left, false);
    } else {
        let intro = if d.overdue_total > d.overdue.len() {
            format!(
                "{INDENT}共{}个。下表按整改期限先后列出逾期时间最长的{}个，全部问题见逾期未整改问题清单（另行打印）。",
                d.overdue_total,
                d.overdue.len()
            )
        } else {
            format!("{INDENT}共{}个，按整改期限先后排列。", d.overdue_total)
        };
        flow.paragraph(&intro, BODY, 0.0, Align::Left, true);
        let rows: Vec<Vec<String>> = d
            .overdue
            .iter()
            .enumerate()
            .map(|(n, p)| {
                let late = p
                    .deadline
                    .as_deref()
                    .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                    .map(|dl| (d.today - dl).num_days().to_string())
                    .unwrap_or_else(|| "—".into());
                vec![
                    (n + 1).to_string(),
                    p.number.clone(),
                    p.target_name.clone(),
                    p.county.clone().unwrap_or_else(|| "—".into()),
                    p.description.trim().to_string(),
                    p.severity.label(Lang::Zh).to_string(),
                    or_dash(&p.responsible_unit),
                    day_iso(p.deadline.as_deref()),
                    late,
                ]
            })
            .collect();
        flow.table(
            &[
                ("序号", 0.65, true),
                ("问题编号", 2.1, true),
                ("检查对象", 1.5, false),
                ("县（市、区）", 1.5, true),
                ("问题描述", 2.2, false),
                ("等级", 0.65, true),
                ("责任单位", 1.15, false),
                ("整改期限", 1.3, true),
                ("逾期天数", 1.05, true),
            ],
            &rows,
            LIST,
            LIST_BOLD,
            "……",
        );
    }
    flow.space(8.0);

    // 六、已销号问题清单
    flow.heading("六、已销号问题清单", H1, Align::Left);
    if d.closed.is_empty() {
        flow.paragraph(&format!("{INDENT}尚无已销号问题。"), BODY, 0.0, Align::Left, false);
    } else {
        let intro = if d.closed_total > d.closed.len() {
            format!("{INDENT}共{}个。下表列出最近销号的{}个，按销号日期由近及远排列，全部问题见销号清单（另行打印）。", d.closed_total, d.closed.len())
        } else {
            format!("{INDENT}共{}个，按销号日期由近及远排列。", d.closed_total)
        };
        flow.paragraph(&intro, BODY, 0.0, Align::Left, true);
        let rows: Vec<Vec<String>> = d
            .closed
            .iter()
            .enumerate()
            .map(|(n, p)| {
                let took = match (NaiveDate::parse_from_str(&p.found_on, "%Y-%m-%d"), p.closed_on.as_deref().map(|c| NaiveDate::parse_from_str(c, "%Y-%m-%d"))) {
                    (Ok(f), Some(Ok(c))) => (c - f).num_days().to_string(),
                    _ => "—".into(),
                };
                vec![
                    (n + 1).to_string(),
                    p.number.clone(),
                    p.target_name.clone(),
                    p.county.clone().unwrap_or_else(|| "—".into()),
                    p.description.trim().to_string(),
                    p.severity.label(Lang::Zh).to_string(),
                    day_iso(Some(&p.found_on)),
                    day_iso(p.closed_on.as_deref()),
                    took,
                ]
            })
            .collect();
        flow.table(
            &[
                ("序号", 0.65, true),
                ("问题编号", 2.1, true),
                ("检查对象", 1.5, false),
                ("县（市、区）", 1.5, true),
                ("问题描述", 2.2, false),
                ("等级", 0.65, true),
                ("发现日期", 1.3, true),
                ("销号日期", 1.3, true),
                ("用时（天）", 0.9, true),
            ],
            &rows,
            LIST,
            LIST_BOLD,
            "……",
        );
    }

    let pages = flow.render();
    let title = match &d.scope {
        Some(c) => format!("{c}养老服务监督工作总结（{}）", date_zh(d.today)),
        None => format!("养老服务监督工作总结（{}）", date_zh(d.today)),
    };
    let info = DocInfo {
        title,
        author: "养老服务联动监督".into(),
        subject: format!(
            "问题{}个，整改率{}，销号率{}",
            t.problems,
            stats::percent(t.rectification_rate),
            stats::percent(t.closeout_rate)
        ),
        created: db.now(),
    };
    super::pdf::write(flow.page.width * MM, flow.page.height * MM, &pages, &flow.pictures, &info)
}

/// Writes the 监督工作总结 to `out`, whole or not at all (temporary file, sync, rename).
pub fn write(db: &Db, county: Option<&str>, out: &std::path::Path) -> Result<super::ReportSummary> {
    let path = super::check_out(out)?;
    let bytes = build(db, county)?;
    crate::evidence::write_durably(&path, &bytes)?;
    Ok(super::ReportSummary { path: out.display().to_string(), bytes: bytes.len() as u64, pages: super::count_pages(&bytes) })
}

mod chart {
    //! Vector charts for printed reports, drawn with the same operations as the
    //! rest of a page ([`Draw`]: lines, filled rectangles, text), so they stay
    //! sharp at any zoom and their labels are selectable text. Grey levels, not
    //! colours: the papers are printed on office black-and-white printers.
    //!
    //! Every chart returns its operations in points from the top-left corner of
    //! its box; a chart with nothing to show says 暂无数据 instead of dividing by zero.

    use crate::report::fonts::Face;
    use crate::report::layout;
    use crate::report::pdf::{self, Draw, Ink};

    const LABEL: f32 = 7.5;
    const LEGEND: f32 = 8.0;
    const AXIS: f32 = 0.6;
    const GRID: f32 = 0.3;

    /// One series: its name in the legend and its colour.
    #[derive(Debug, Clone, Copy)]
    pub struct Series {
        pub name: &'static str,
        pub ink: Ink,
    }

    fn text(x: f32, y: f32, size: f32, s: &str) -> Draw {
        Draw::Text { x, y, face: Face::Sans, size, tracking: 0.0, text: s.to_string() }
    }

    fn width(size: f32, s: &str) -> f32 {
        pdf::text_width(Face::Sans, size, s)
    }

    fn line(x1: f32, y1: f32, x2: f32, y2: f32, w: f32, gray: f32) -> Draw {
        Draw::Line { x1, y1, x2, y2, width: w, gray }
    }

    /// A text centred on `cx`, its middle at `cy`.
    fn centred(cx: f32, cy: f32, size: f32, s: &str) -> Draw {
        text(cx - width(size, s) / 2.0, cy + size * 0.35, size, s)
    }

    /// The axis scale: a step of 1, 2 or 5 × 10ⁿ (at least 1) giving about five
    /// ticks, and the top of the axis, a whole number of steps ≥ `max`.
    pub fn scale(max: u32) -> (u32, u32) {
        let max = max.max(1);
        let raw = max as f64 / 5.0;
        let mut mag = 1u32;
        while (mag as f64) * 10.0 <= raw {
            mag *= 10;
        }
        let step = [1, 2, 5, 10].iter().map(|m| m * mag).find(|s| *s as f64 >= raw).unwrap_or(10 * mag).max(1);
        (step, max.div_ceil(step) * step)
    }

    /// The frame of an empty chart with 暂无数据 in the middle.
    fn no_data(w: f32, h: f32) -> Vec<Draw> {
        vec![
            line(0.0, 0.0, w, 0.0, GRID, 0.6),
            line(0.0, h, w, h, GRID, 0.6),
            line(0.0, 0.0, 0.0, h, GRID, 0.6),
            line(w, 0.0, w, h, GRID, 0.6),
            centred(w / 2.0, h / 2.0, 10.0, "暂无数据"),
        ]
    }

    /// The legend, right-aligned on the first line of the box.
    fn legend(ops: &mut Vec<Draw>, w: f32, series: &[Series]) {
        let sw = 8.0;
        let total: f32 = series.iter().map(|s| sw + 3.0 + width(LEGEND, s.name) + 10.0).sum::<f32>() - 10.0;
        let mut x = w - total;
        for s in series {
            ops.push(Draw::Fill { x, y: 1.0, w: sw, h: sw, ink: s.ink });
            ops.push(text(x + sw + 3.0, 1.0 + sw * 0.5 + LEGEND * 0.35, LEGEND, s.name));
            x += sw + 3.0 + width(LEGEND, s.name) + 10.0;
        }
    }

    /// Horizontal grid lines and tick labels of a vertical value axis from
    /// `top` (value `max`) to `bottom` (0), between `left` and `right`.
    #[allow(clippy::too_many_arguments)]
    fn value_axis(ops: &mut Vec<Draw>, left: f32, right: f32, top: f32, bottom: f32, step: u32, max: u32, unit: &str) {
        let mut v = 0;
        while v <= max {
            let y = bottom - (bottom - top) * v as f32 / max as f32;
            if v > 0 {
                ops.push(line(left, y, right, y, GRID, 0.8));
            }
            ops.push(line(left - 3.0, y, left, y, AXIS, 0.0));
            let label = v.to_string();
            ops.push(text(left - 5.0 - width(LABEL, &label), y + LABEL * 0.35, LABEL, &label));
            v += step;
        }
        ops.push(line(left, top - 4.0, left, bottom, AXIS, 0.0));
        ops.push(line(left, bottom, right, bottom, AXIS, 0.0));
        if !unit.is_empty() {
            ops.push(text(left - 5.0 - width(LABEL, unit) / 2.0, top - 8.0, LABEL, unit));
        }
    }

    /// Category labels under the axis, broken into at most two lines of `w` points.
    fn category_label(ops: &mut Vec<Draw>, cx: f32, y: f32, w: f32, label: &str) {
        let adv = |c: char| pdf::advance(Face::Sans, c);
        let mut lines = layout::break_lines(label, w, LABEL, &adv);
        if lines.len() > 2 {
            lines.truncate(2);
            lines[1].pop();
            lines[1].push('…');
        }
        for (i, l) in lines.iter().enumerate() {
            ops.push(centred(cx, y + 6.0 + i as f32 * (LABEL + 2.0), LABEL, l));
        }
    }

    /// Vertical bars in groups: one group per category, one bar per series;
    /// `values[c][s]`. `unit` is written above the value axis (“个”).
    pub fn grouped_bars(w: f32, h: f32, categories: &[String], series: &[Series], values: &[Vec<u32>], unit: &str) -> Vec<Draw> {
        let max = values.iter().flatten().copied().max().unwrap_or(0);
        if categories.is_empty() || max == 0 {
            return no_data(w, h);
        }
        let mut ops = Vec::new();
        legend(&mut ops, w, series);
        let (step, top_value) = scale(max);
        let left = 8.0 + width(LABEL, &top_value.to_string()) + 6.0;
        let (top, bottom, right) = (26.0, h - 2.0 * (LABEL + 2.0) - 8.0, w - 2.0);
        value_axis(&mut ops, left, right, top, bottom, step, top_value, unit);
        let gw = (right - left) / categories.len() as f32;
        let bw = (gw * 0.78 / series.len() as f32).min(24.0);
        for (c, label) in categories.iter().enumerate() {
            let gx = left + gw * (c as f32 + 0.5) - bw * series.len() as f32 / 2.0;
            for (s, ser) in series.iter().enumerate() {
                let v = values[c].get(s).copied().unwrap_or(0);
                let bh = (bottom - top) * v as f32 / top_value as f32;
                if bh > 0.0 {
                    ops.push(Draw::Fill { x: gx + bw * s as f32, y: bottom - bh, w: bw, h: bh, ink: ser.ink });
                }
            }
            category_label(&mut ops, left + gw * (c as f32 + 0.5), bottom, gw - 2.0, label);
        }
        // The axis over the bars.
        ops.push(line(left, bottom, right, bottom, AXIS, 0.0));
        ops
    }

    /// Vertical bars of one series with their values above them; `labels` are
    /// (first line, second line) under each bar.
    pub fn bars(w: f32, h: f32, labels: &[(String, String)], values: &[u32], ink: Ink, unit: &str) -> Vec<Draw> {
        let max = values.iter().copied().max().unwrap_or(0);
        if labels.is_empty() || max == 0 {
            return no_data(w, h);
        }
        let mut ops = Vec::new();
        let (step, top_value) = scale(max);
        let left = 8.0 + width(LABEL, &top_value.to_string()) + 6.0;
        let (top, bottom, right) = (18.0, h - 2.0 * (LABEL + 2.0) - 8.0, w - 2.0);
        value_axis(&mut ops, left, right, top, bottom, step, top_value, unit);
        let gw = (right - left) / labels.len() as f32;
        let bw = (gw * 0.6).min(28.0);
        let show_values = gw >= width(LABEL, &max.to_string()) + 2.0;
        for (i, ((l1, l2), v)) in labels.iter().zip(values).enumerate() {
            let cx = left + gw * (i as f32 + 0.5);
            let bh = (bottom - top) * *v as f32 / top_value as f32;
            if bh > 0.0 {
                ops.push(Draw::Fill { x: cx - bw / 2.0, y: bottom - bh, w: bw, h: bh, ink });
            }
            if show_values {
                ops.push(centred(cx, bottom - bh - 5.0, LABEL, &v.to_string()));
            }
            ops.push(centred(cx, bottom + 6.0, LABEL, l1));
            if !l2.is_empty() {
                ops.push(centred(cx, bottom + 6.0 + LABEL + 2.0, LABEL, l2));
            }
        }
        ops.push(line(left, bottom, right, bottom, AXIS, 0.0));
        ops
    }

    /// Horizontal bars, one per row, the label on the left and the value at the
    /// end of the bar; ticks along the bottom axis.
    pub fn horizontal_bars(w: f32, labels: &[String], values: &[u32], ink: Ink, unit: &str) -> (Vec<Draw>, f32) {
        const ROW: f32 = 17.0;
        let max = values.iter().copied().max().unwrap_or(0);
        if labels.is_empty() || max == 0 {
            return (no_data(w, 90.0), 90.0);
        }
        let h = labels.len() as f32 * ROW + 28.0;
        let mut ops = Vec::new();
        let (step, top_value) = scale(max);
        let label_w = labels.iter().map(|l| width(LABEL, l)).fold(0.0, f32::max).min(w * 0.32);
        let left = label_w + 10.0;
        let right = w - 8.0 - width(LABEL, &max.to_string()).max(width(LABEL, &top_value.to_string()) / 2.0 + width(LABEL, unit));
        let (top, bottom) = (4.0, 4.0 + labels.len() as f32 * ROW);
        let span = right - left;
        let mut v = 0;
        while v <= top_value {
            let x = left + span * v as f32 / top_value as f32;
            if v > 0 {
                ops.push(line(x, top, x, bottom, GRID, 0.8));
            }
            ops.push(line(x, bottom, x, bottom + 3.0, AXIS, 0.0));
            ops.push(centred(x, bottom + 9.0, LABEL, &v.to_string()));
            v += step;
        }
        if !unit.is_empty() {
            ops.push(text(right + width(LABEL, &top_value.to_string()) / 2.0 + 3.0, bottom + 9.0 + LABEL * 0.35, LABEL, unit));
        }
        let adv = |c: char| pdf::advance(Face::Sans, c);
        for (i, (l, v)) in labels.iter().zip(values).enumerate() {
            let cy = top + ROW * (i as f32 + 0.5);
            let mut shown = layout::break_lines(l, label_w, LABEL, &adv).into_iter().next().unwrap_or_default();
            if shown.chars().count() < l.chars().count() {
                shown.pop();
                shown.push('…');
            }
            ops.push(text(left - 5.0 - width(LABEL, &shown), cy + LABEL * 0.35, LABEL, &shown));
            let bw = span * *v as f32 / top_value as f32;
            if bw > 0.0 {
                ops.push(Draw::Fill { x: left, y: cy - 5.5, w: bw, h: 11.0, ink });
            }
            ops.push(text(left + bw + 3.0, cy + LABEL * 0.35, LABEL, &v.to_string()));
        }
        ops.push(line(left, top, left, bottom, AXIS, 0.0));
        ops.push(line(left, bottom, right, bottom, AXIS, 0.0));
        (ops, h)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn scales_have_round_steps() {
            assert_eq!(scale(0), (1, 1));
            assert_eq!(scale(3), (1, 3));
            assert_eq!(scale(7), (2, 8));
            assert_eq!(scale(10), (2, 10));
            assert_eq!(scale(23), (5, 25));
            assert_eq!(scale(96), (20, 100));
            assert_eq!(scale(2_140), (500, 2_500));
        }

        fn texts(ops: &[Draw]) -> Vec<String> {
            ops.iter().filter_map(|d| if let Draw::Text { text, .. } = d { Some(text.clone()) } else { None }).collect()
        }

        #[test]
        fn an_empty_chart_says_so() {
            let s = [Series { name: "问题", ink: Ink::Gray(0.3) }];
            for ops in [
                grouped_bars(400.0, 150.0, &["汝阳县".into()], &s, &[vec![0]], "个"),
                grouped_bars(400.0, 150.0, &[], &s, &[], "个"),
                bars(400.0, 150.0, &[], &[], Ink::Gray(0.3), "个"),
                horizontal_bars(400.0, &[], &[], Ink::Gray(0.3), "个").0,
            ] {
                assert_eq!(texts(&ops), vec!["暂无数据"]);
                assert!(ops.iter().all(|d| !matches!(d, Draw::Fill { .. })));
            }
        }

        #[test]
        fn bars_are_proportional_and_stay_in_the_box() {
            let s = [Series { name: "问题", ink: Ink::Gray(0.3) }, Series { name: "已销号", ink: Ink::Gray(0.7) }];
            let ops = grouped_bars(400.0, 150.0, &["甲县".into(), "乙区".into()], &s, &[vec![10, 5], vec![4, 0]], "个");
            let fills: Vec<(f32, f32)> = ops
                .iter()
                .filter_map(|d| if let Draw::Fill { h, y, .. } = d { Some((*h, *y)) } else { None })
                .skip(2) // the legend swatches
                .collect();
            assert_eq!(fills.len(), 3, "a zero value draws no bar");
            assert!((fills[0].0 / fills[1].0 - 2.0).abs() < 0.01);
            for d in &ops {
                if let Draw::Text { x, y, .. } | Draw::Fill { x, y, .. } = d {
                    assert!((0.0..=400.0).contains(x) && (0.0..=150.0).contains(y), "{d:?}");
                }
            }
            let t = texts(&ops);
            for needle in ["问题", "已销号", "甲县", "乙区", "0", "10"] {
                assert!(t.iter().any(|x| x == needle), "{needle} in {t:?}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_colours_stay_apart_in_black_and_white() {
        // Printed or copied in greyscale, each series must still be told from
        // the others and from the white page and black text.
        let l: Vec<f32> = [PROBLEMS.ink, RECTIFIED.ink, CLOSED.ink].iter().map(|i| i.luminance()).collect();
        for pair in l.windows(2) {
            assert!(pair[1] - pair[0] >= 0.18, "{l:?}");
        }
        assert!(l[0] >= 0.2 && l[2] <= 0.85, "{l:?}");
        assert!(CLOSED_BY_MONTH.luminance() <= 0.35);
        // In colour, the series are not grey.
        for ink in [PROBLEMS.ink, RECTIFIED.ink, CLOSED.ink, CLOSED_BY_MONTH] {
            assert!(matches!(ink, Ink::Rgb([r, g, b]) if r.max(g).max(b) - r.min(g).min(b) >= 50), "{ink:?}");
        }
    }

    #[test]
    fn median_days_are_written_plainly() {
        assert_eq!(days(Some(12.0)), "12");
        assert_eq!(days(Some(12.5)), "12.5");
        assert_eq!(days(None), "—");
        assert_eq!(days(Some(f64::NAN)), "—");
    }

    fn cat(label: &str, problems: u32) -> BreakdownRow {
        BreakdownRow { key: label.into(), label: label.into(), figures: Figures { problems, ..Default::default() } }
    }

    #[test]
    fn the_leading_category_is_named_and_ties_are_said_to_be_ties() {
        let one = categories_text(&[cat("安全管理", 5), cat("生活照料", 3), cat("医疗护理", 2)], 10);
        assert_eq!(one, "\u{3000}\u{3000}问题数居前的类别依次为“安全管理”“生活照料”“医疗护理”。其中“安全管理”类问题最多，共5个，占问题总数的50.0%。");
        let tie = categories_text(&[cat("安全管理", 4), cat("生活照料", 4), cat("医疗护理", 2)], 10);
        assert!(tie.ends_with("其中“安全管理”等2类问题最多，各4个，各占问题总数的40.0%。"), "{tie}");
        assert_eq!(categories_text(&[cat("安全管理", 3)], 3), "\u{3000}\u{3000}问题均属“安全管理”类，共3个。");
    }

    #[test]
    fn month_labels_name_the_year_once() {
        let m = |s: &str| (s.to_string(), 1);
        let l = month_labels(&[m("2024-11"), m("2024-12"), m("2025-01")]);
        assert_eq!(
            l,
            vec![("11月".into(), "2024年".into()), ("12月".into(), String::new()), ("1月".into(), "2025年".into())]
        );
    }
}
