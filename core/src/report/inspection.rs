//! 检查报告: the printed report of one inspection.

use super::flow::{Align, Flow, Footer, Page, Style};
use super::fonts::{check_texts, Face};
use super::pdf::{DocInfo, Picture, MM};
use crate::catalog::Severity;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::evidence::{EvidenceStore, Variant};
use crate::inspection::{self, ChecklistItem, InspectionDetail, Verdict};
use crate::registry;

const TITLE: Style = Style::new(Face::SansBold, 20.0, 30.0);
const H1: Style = Style::new(Face::SansBold, 14.0, 24.0);
const H2: Style = Style::new(Face::SansBold, 11.0, 18.0);
const BODY: Style = Style::new(Face::Sans, 11.0, 19.0);
const SMALL: Style = Style::new(Face::Sans, 9.0, 13.0);
const SMALL_BOLD: Style = Style::new(Face::SansBold, 9.0, 13.0);
const CAPTION: Style = Style::new(Face::Sans, 9.0, 14.0);

/// Longest edge, in pixels, of a photo as embedded (about 250 dpi at 80 mm).
const PHOTO_EDGE: u32 = 800;

/// The target block: what was inspected.
struct Target {
    name: String,
    kind: String,
    rows: Vec<(&'static str, String)>,
}

fn target(db: &Db, d: &InspectionDetail) -> Result<Target> {
    let s = &d.summary;
    let kind = s.target_kind.label(crate::Lang::Zh).to_string();
    if !s.target_kind.is_facility() {
        return Ok(Target { name: s.target_name.clone(), kind, rows: Vec::new() });
    }
    let f = registry::get_facility(db, &s.target_id)?;
    let place = [Some(f.county.clone()), f.township.clone()].into_iter().flatten().collect::<Vec<_>>().join("");
    let or_dash = |s: String| if s.trim().is_empty() { "—".to_string() } else { s };
    let num = |n: Option<u32>, unit: &str| n.map(|n| format!("{n}{unit}")).unwrap_or_else(|| "未填报".into());
    let stars = f.star_level.map(|n| format!("{}星级", ["", "一", "二", "三", "四", "五"][n.min(5) as usize])).unwrap_or_else(|| "未评定".into());
    let operator = match f.operator_type {
        Some(t) => format!("{}（{}）", or_dash(f.operator.clone()), t.label(crate::Lang::Zh)),
        None => or_dash(f.operator.clone()),
    };
    Ok(Target {
        name: f.name.clone(),
        kind: kind.clone(),
        rows: vec![
            ("所在地", or_dash(place)),
            ("地址", or_dash(f.address.clone())),
            ("运营单位", operator),
            ("床位／在住", format!("床位{}，在住老人{}", num(f.beds, "张"), num(f.residents, "人"))),
            ("星级", stars),
        ],
    })
}

fn verdict_label(v: Option<Verdict>) -> &'static str {
    v.map(|v| v.label(crate::Lang::Zh)).unwrap_or("未检查")
}

/// 执法检查报告, 专项督查报告, 暗访检查报告, 回头看检查报告, 自查核查报告.
pub fn title(kind: inspection::InspectionKind) -> String {
    let label = kind.label(crate::Lang::Zh);
    if ["检查", "督查", "核查"].iter().any(|e| label.ends_with(e)) {
        format!("{label}报告")
    } else {
        format!("{label}检查报告")
    }
}

/// The report number: 检查日期 and the first characters of the inspection id.
pub fn report_number(d: &InspectionDetail) -> String {
    format!("JC{}-{}", d.summary.date.replace('-', ""), d.summary.id.chars().take(8).collect::<String>().to_uppercase())
}

fn problems(d: &InspectionDetail) -> Vec<&ChecklistItem> {
    let mut v: Vec<&ChecklistItem> = d.items.iter().filter(|i| i.verdict == Some(Verdict::Noncompliant)).collect();
    let rank = |i: &ChecklistItem| match i.severity {
        Some(Severity::Major) => 0,
        Some(Severity::Serious) => 1,
        _ => 2,
    };
    v.sort_by_key(|i| (rank(i), !i.major_hazard));
    v
}

fn load_photo(store: &EvidenceStore, sha: &str, variant: Variant, place: &str, name: &str) -> Result<Picture> {
    let path = store.path(sha, variant);
    let bytes = std::fs::read(&path).map_err(|e| {
        Error::refuse(
            place,
            format!("照片“{name}”的文件 {} 无法读取（{e}），报告未生成。请从备份恢复证据文件夹，或重新附上该照片。", path.display()),
            format!("the photo '{name}' ({}) cannot be read ({e}); no report was written", path.display()),
        )
    })?;
    let img = image::load_from_memory(&bytes).map_err(|e| {
        Error::refuse(
            place,
            format!("照片“{name}”的文件 {} 已损坏，无法解码（{e}），报告未生成。", path.display()),
            format!("the photo '{name}' ({}) is damaged and cannot be decoded ({e}); no report was written", path.display()),
        )
    })?;
    let img = if img.width().max(img.height()) > PHOTO_EDGE { img.thumbnail(PHOTO_EDGE, PHOTO_EDGE) } else { img };
    // Transparent parts (a signature drawn on a transparent pad) on white paper.
    let rgba = img.to_rgba8();
    let mut rgb = Vec::with_capacity(rgba.width() as usize * rgba.height() as usize * 3);
    for p in rgba.pixels() {
        let a = p[3] as u32;
        for c in 0..3 {
            rgb.push(((p[c] as u32 * a + 255 * (255 - a)) / 255) as u8);
        }
    }
    Ok(Picture { width: rgba.width(), height: rgba.height(), rgb })
}

/// Fits a picture into `max_w` × `max_h` points, keeping its proportions.
fn fit(p: &Picture, max_w: f32, max_h: f32) -> (f32, f32) {
    let s = (max_w / p.width as f32).min(max_h / p.height as f32);
    (p.width as f32 * s, p.height as f32 * s)
}

/// Every text of the report that came from a record, with where it came from.
fn record_texts<'a>(d: &'a InspectionDetail, t: &'a Target) -> Vec<(Face, String, &'a str)> {
    let mut v: Vec<(Face, String, &'a str)> = vec![
        (Face::Sans, "检查对象名称".into(), t.name.as_str()),
        (Face::Sans, "检查组".into(), d.summary.group.as_str()),
        (Face::Sans, "组长".into(), d.summary.leader.as_str()),
    ];
    for (k, val) in &t.rows {
        v.push((Face::Sans, format!("检查对象{k}"), val.as_str()));
    }
    for m in &d.members {
        v.push((Face::Sans, "检查组成员".into(), m.as_str()));
    }
    for m in &d.representatives {
        v.push((Face::Sans, "被检查单位代表".into(), m.as_str()));
    }
    for i in &d.items {
        v.push((Face::Sans, format!("条目 {} 的标题", i.code), i.title.as_str()));
        v.push((Face::Sans, format!("条目 {} 的要求", i.code), i.requirement.as_str()));
        v.push((Face::Sans, format!("条目 {} 的依据", i.code), i.basis.as_str()));
        v.push((Face::Sans, format!("条目 {} 的问题描述", i.code), i.finding.as_str()));
        v.push((Face::Sans, format!("条目 {} 的不适用理由", i.code), i.na_reason.as_str()));
    }
    for a in &d.attachments {
        v.push((Face::Sans, "附件文件名".into(), a.original_name.as_str()));
    }
    for s in &d.suggestions {
        v.push((Face::Sans, "意见建议".into(), s.text.as_str()));
    }
    if let Some(s) = &d.signoff {
        for m in &s.inspectors {
            v.push((Face::Sans, "签字检查人员".into(), m.as_str()));
        }
        v.push((Face::Sans, "签字被检查单位代表".into(), s.representative.as_str()));
    }
    v
}

/// Builds the 检查报告 of inspection `id` as PDF bytes.
pub fn build(db: &Db, store: &EvidenceStore, id: &str) -> Result<Vec<u8>> {
    let d = inspection::show(db, id)?;
    let t = target(db, &d)?;
    let texts = record_texts(&d, &t);
    // A character is refused only when no bundled face has it, whichever face it is set in.
    check_texts(texts.iter().map(|(f, place, text)| (*f, place.as_str(), *text)))?;

    let s = &d.summary;
    let mut flow = Flow::new(Page::A4_REPORT);
    flow.footer = Some(Footer::PageOfTotal(SMALL));
    let tw = flow.page.text_width();

    flow.paragraph("养老服务联动监督", SMALL, 0.0, Align::Center, false);
    flow.heading(&title(s.kind), TITLE, Align::Center);
    flow.paragraph(&format!("编号：{}", report_number(&d)), SMALL, 0.0, Align::Right, false);
    flow.space(6.0);

    // 一、基本情况
    flow.heading("一、基本情况", H1, Align::Left);
    let mut rows: Vec<Vec<String>> = vec![
        vec!["检查对象".into(), t.name.clone()],
        vec!["对象类型".into(), t.kind.clone()],
    ];
    for (k, v) in &t.rows {
        rows.push(vec![k.to_string(), v.clone()]);
    }
    rows.push(vec!["检查类型".into(), s.kind.label(crate::Lang::Zh).into()]);
    rows.push(vec!["检查日期".into(), date_zh(&s.date)]);
    rows.push(vec!["检查组".into(), s.group.clone()]);
    rows.push(vec!["组长".into(), if s.leader.is_empty() { "—".into() } else { s.leader.clone() }]);
    rows.push(vec!["成员".into(), if d.members.is_empty() { "—".into() } else { d.members.join("、") }]);
    if !d.representatives.is_empty() {
        rows.push(vec!["被检查单位代表".into(), d.representatives.join("、")]);
    }
    flow.table(&[("项目", 1.0, false), ("内容", 4.0, false)], &rows, SMALL, SMALL_BOLD, "");
    flow.space(8.0);

    // 二、检查结果
    flow.heading("二、检查结果统计", H1, Align::Left);
    let count = |v: Option<Verdict>| d.items.iter().filter(|i| i.verdict == v).count();
    let nc: Vec<&ChecklistItem> = d.items.iter().filter(|i| i.verdict == Some(Verdict::Noncompliant)).collect();
    let sev = |x: Severity| nc.iter().filter(|i| i.severity == Some(x)).count();
    let mut counts = vec![
        vec!["符合".into(), count(Some(Verdict::Compliant)).to_string()],
        vec!["基本符合".into(), count(Some(Verdict::Partial)).to_string()],
        vec!["不符合".into(), count(Some(Verdict::Noncompliant)).to_string()],
        vec!["不适用".into(), count(Some(Verdict::NotApplicable)).to_string()],
    ];
    if count(None) > 0 {
        counts.push(vec!["未检查".into(), count(None).to_string()]);
    }
    counts.push(vec!["合计".into(), d.items.len().to_string()]);
    let severity_rows = vec![
        vec!["重大隐患".into(), sev(Severity::Major).to_string()],
        vec!["较重".into(), sev(Severity::Serious).to_string()],
        vec!["一般".into(), sev(Severity::General).to_string()],
    ];
    flow.paragraph("（一）按检查结论", H2, 0.0, Align::Left, true);
    flow.table(&[("检查结论", 1.0, true), ("条目数", 1.0, true)], &counts, SMALL, SMALL_BOLD, "");
    flow.space(4.0);
    flow.paragraph("（二）不符合项按问题等级", H2, 0.0, Align::Left, true);
    flow.table(&[("问题等级", 1.0, true), ("条目数", 1.0, true)], &severity_rows, SMALL, SMALL_BOLD, "");
    flow.space(8.0);

    // 三、逐项检查情况
    flow.heading("三、逐项检查情况", H1, Align::Left);
    let items: Vec<Vec<String>> = d
        .items
        .iter()
        .map(|i| {
            let mut finding = i.finding.trim().to_string();
            if i.verdict == Some(Verdict::NotApplicable) && finding.is_empty() {
                finding = i.na_reason.trim().to_string();
            }
            if let (Some(Verdict::Noncompliant), Some(sv)) = (i.verdict, i.severity) {
                let scope = i.scope.map(|x| format!("，{}", x.label(crate::Lang::Zh))).unwrap_or_default();
                finding = format!("［{}{}］{}", sv.label(crate::Lang::Zh), scope, finding);
            }
            vec![i.code.clone(), format!("{}：{}", i.title, i.requirement), verdict_label(i.verdict).into(), finding]
        })
        .collect();
    flow.table(
        &[("编号", 0.9, true), ("检查内容和要求", 4.6, false), ("结论", 1.1, true), ("情况说明", 3.6, false)],
        &items,
        SMALL,
        SMALL_BOLD,
        "……（全文见“发现的问题”）",
    );
    flow.space(8.0);

    // 四、发现的问题
    flow.heading("四、发现的问题", H1, Align::Left);
    let probs = problems(&d);
    if probs.is_empty() {
        flow.paragraph("\u{3000}\u{3000}本次检查未发现不符合项。", BODY, 0.0, Align::Left, false);
    }
    let mut figure = 0;
    for (n, i) in probs.iter().enumerate() {
        let sv = i.severity.map(|x| x.label(crate::Lang::Zh)).unwrap_or("未定级");
        let scope = i.scope.map(|x| format!("，{}", x.label(crate::Lang::Zh))).unwrap_or_default();
        flow.space_before(4.0);
        flow.paragraph(&format!("{}. {} {}（{}{}）", n + 1, i.code, i.title, sv, scope), H2, 0.0, Align::Left, true);
        flow.paragraph(&format!("\u{3000}\u{3000}{}", i.finding.trim()), BODY, 0.0, Align::Left, false);
        if !i.basis.trim().is_empty() {
            flow.paragraph(&format!("依据：{}", i.basis.trim()), SMALL, 2.0 * BODY.size, Align::Left, false);
        }
        for sha in &i.evidence {
            let Some(a) = d.attachments.iter().find(|a| &a.sha256 == sha) else { continue };
            if !a.media_type.starts_with("image/") {
                flow.paragraph(&format!("附件：{}", a.original_name), SMALL, 2.0 * BODY.size, Align::Left, false);
                continue;
            }
            let place = format!("条目 {} 的照片", i.code);
            let p = load_photo(store, sha, Variant::Display, &place, &a.original_name)?;
            let (w, h) = fit(&p, 110.0 * MM, 75.0 * MM);
            figure += 1;
            flow.picture(p, w.min(tw), h, None);
            flow.paragraph(&format!("图{figure}　{} {}（{}）", i.code, i.title, a.original_name), CAPTION, 0.0, Align::Center, false);
        }
    }
    flow.space(8.0);

    // 五、意见建议
    flow.heading("五、意见建议", H1, Align::Left);
    if d.suggestions.is_empty() {
        flow.paragraph("\u{3000}\u{3000}无。", BODY, 0.0, Align::Left, false);
    }
    for (n, sg) in d.suggestions.iter().enumerate() {
        let on = sg.item_code.as_ref().map(|c| format!("（针对 {c}）")).unwrap_or_default();
        flow.paragraph(&format!("\u{3000}\u{3000}{}. {}{}", n + 1, sg.text.trim(), on), BODY, 0.0, Align::Left, false);
    }
    flow.space(8.0);

    // 六、检查结论
    flow.heading("六、检查结论", H1, Align::Left);
    let major = nc.iter().filter(|i| i.severity == Some(Severity::Major)).count();
    let mut conclusion = format!(
        "本次检查共涉及{}项，其中符合{}项，基本符合{}项，不符合{}项，不适用{}项。",
        d.items.len(),
        count(Some(Verdict::Compliant)),
        count(Some(Verdict::Partial)),
        count(Some(Verdict::Noncompliant)),
        count(Some(Verdict::NotApplicable)),
    );
    if count(None) > 0 {
        conclusion.push_str(&format!("另有{}项尚未作出结论。", count(None)));
    }
    if nc.is_empty() {
        conclusion.push_str("未发现不符合项。");
    } else {
        if major > 0 {
            conclusion.push_str(&format!("发现重大隐患{major}项，须立即整改。"));
        }
        conclusion.push_str("请被检查单位对照上述问题逐项制定整改措施，明确责任人和整改时限，按期完成整改并报送整改情况。");
    }
    flow.paragraph(&format!("\u{3000}\u{3000}{conclusion}"), BODY, 0.0, Align::Left, false);
    flow.space(12.0);

    // 签字
    flow.space_before(0.0);
    flow.heading("检查组和被检查单位签字", H2, Align::Left);
    match &d.signoff {
        Some(so) => {
            flow.paragraph(&format!("检查组成员（签字）：{}", so.inspectors.join("、")), BODY, 0.0, Align::Left, true);
            if let Some(sig) = &so.signature {
                let name = d.attachments.iter().find(|a| &a.sha256 == sig).map(|a| a.original_name.clone()).unwrap_or_else(|| "签名".into());
                // The original: its display copy is a JPEG, which has lost any transparency.
                let p = load_photo(store, sig, Variant::Original, "签名图像", &name)?;
                let (w, h) = fit(&p, 60.0 * MM, 22.0 * MM);
                flow.picture(p, w, h, Some(9.0 * BODY.size));
                flow.keep_last_with_next();
            }
            flow.paragraph(&format!("被检查单位代表（签字）：{}", so.representative), BODY, 0.0, Align::Left, true);
            flow.paragraph(&format!("签字确认时间：{}", datetime_zh(&so.signed_at)), BODY, 0.0, Align::Left, false);
        }
        None => {
            flow.paragraph("检查组成员（签字）：", BODY, 0.0, Align::Left, true);
            flow.space_before(18.0);
            flow.paragraph("被检查单位代表（签字）：", BODY, 0.0, Align::Left, true);
            flow.space_before(18.0);
            flow.paragraph("（本检查尚未签字确认，内容可能变更。）", SMALL, 0.0, Align::Left, false);
        }
    }

    let pages = flow.render();
    let info = DocInfo {
        title: format!("{}{}（{}）", t.name, title(s.kind), date_zh(&s.date)),
        author: if s.leader.is_empty() { s.group.clone() } else { format!("{}（{}）", s.group, s.leader) },
        subject: format!("{} {}", s.kind.label(crate::Lang::Zh), report_number(&d)),
        created: db.now(),
    };
    super::pdf::write(flow.page.width * MM, flow.page.height * MM, &pages, &flow.pictures, &info)
}

/// 2024-05-20 → 2024年5月20日.
pub fn date_zh(s: &str) -> String {
    match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => {
            use chrono::Datelike;
            format!("{}年{}月{}日", d.year(), d.month(), d.day())
        }
        Err(_) => s.to_string(),
    }
}

fn datetime_zh(s: &str) -> String {
    match crate::db::parse_timestamp(s) {
        Ok(t) => {
            let local = t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
            use chrono::{Datelike, Timelike};
            format!("{}年{}月{}日 {:02}:{:02}", local.year(), local.month(), local.day(), local.hour(), local.minute())
        }
        Err(_) => s.to_string(),
    }
}
