//! The demo dataset: Luoyang's county-level divisions with their townships
//! and a few hundred plausible facilities across the whole taxonomy, made by
//! code from a fixed seed, for the demo database and for tests.
//!
//! Names of townships are real; facility names, operators, people and phone
//! numbers are invented (phone numbers use the unassigned 0379-8000 block).

use serde::Serialize;

use crate::catalog::{OperatorType, TargetKind};
use crate::db::Db;
use crate::error::Result;
use crate::registry::{upsert_facilities, FacilityInput, UpsertReport};
use crate::seed::{load_reference, SeedReport};

pub const CITY: &str = "洛阳市";

/// The 15 county-level divisions the campaign covered (7 districts, 7
/// counties and the 伊滨区 functional zone), with townships/streets.
pub const COUNTIES: &[(&str, &[&str])] = &[
    ("老城区", &["西关街道", "东关街道", "西南隅街道", "东北隅街道", "洛浦街道", "邙山街道"]),
    ("西工区", &["王城路街道", "金谷园街道", "西工街道", "邙岭路街道", "唐宫路街道", "汉屯路街道", "红山街道"]),
    ("瀍河回族区", &["瀍西街道", "五股路街道", "北窑街道", "塔湾街道", "杨文街道", "华林街道", "瀍河回族乡"]),
    ("涧西区", &["湖北路街道", "天津路街道", "长安路街道", "重庆路街道", "郑州路街道", "武汉路街道", "周山路街道", "徐家营街道", "工农街道", "瀛洲街道"]),
    ("洛龙区", &["开元路街道", "龙门石窟街道", "科技园街道", "关林街道", "安乐镇", "白马寺镇", "李楼镇", "辛店街道", "古城街道"]),
    ("偃师区", &["首阳山街道", "城关街道", "商城街道", "岳滩镇", "顾县镇", "翟镇镇", "府店镇", "缑氏镇", "大口镇", "邙岭镇", "山化镇"]),
    ("孟津区", &["城关镇", "会盟镇", "平乐镇", "送庄镇", "白鹤镇", "朝阳镇", "小浪底镇", "麻屯镇", "常袋镇", "横水镇"]),
    ("新安县", &["城关镇", "铁门镇", "磁涧镇", "五头镇", "石寺镇", "北冶镇", "石井镇", "仓头镇", "正村镇", "南李村镇", "曹村乡"]),
    ("宜阳县", &["城关镇", "丰李镇", "柳泉镇", "韩城镇", "白杨镇", "香鹿山镇", "锦屏镇", "三乡镇", "张坞镇", "盐镇乡", "高村镇", "莲庄镇", "赵保镇", "樊村镇"]),
    ("洛宁县", &["城关镇", "王范回族镇", "上戈镇", "下峪镇", "河底镇", "兴华镇", "东宋镇", "马店镇", "故县镇", "赵村镇", "长水镇", "景阳镇", "小界乡", "罗岭乡", "底张乡", "涧口乡"]),
    ("伊川县", &["城关街道", "河滨街道", "鸣皋镇", "水寨镇", "彭婆镇", "白沙镇", "江左镇", "高山镇", "吕店镇", "半坡镇", "葛寨镇", "白元镇", "平等乡", "酒后乡"]),
    ("嵩县", &["城关镇", "田湖镇", "车村镇", "旧县镇", "闫庄镇", "德亭镇", "大章镇", "白河镇", "纸房镇", "饭坡镇", "九皋镇", "大坪乡", "库区乡", "何村乡", "黄庄乡", "木植街乡"]),
    ("栾川县", &["城关镇", "赤土店镇", "合峪镇", "潭头镇", "三川镇", "冷水镇", "陶湾镇", "石庙镇", "庙子镇", "狮子庙镇", "白土镇", "叫河镇", "秋扒乡"]),
    ("汝阳县", &["城关镇", "上店镇", "付店镇", "小店镇", "三屯镇", "刘店镇", "内埠镇", "陶营镇", "柏树乡", "十八盘乡", "靳村乡", "王坪乡", "蔡店乡"]),
    ("伊滨区", &["庞村镇", "李村镇", "寇店镇", "佃庄镇", "诸葛镇"]),
];

/// The demo campaign's seven inspection groups (检查组) and the counties each
/// was assigned (任务分配): neighbouring divisions, the first group taking three.
pub const GROUP_COUNTIES: [(&str, &[&str]); 7] = [
    ("第一组", &["老城区", "西工区", "瀍河回族区"]),
    ("第二组", &["涧西区", "洛龙区"]),
    ("第三组", &["偃师区", "孟津区"]),
    ("第四组", &["新安县", "宜阳县"]),
    ("第五组", &["洛宁县", "伊川县"]),
    ("第六组", &["嵩县", "栾川县"]),
    ("第七组", &["汝阳县", "伊滨区"]),
];

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "郑"];
const GIVEN: &[&str] = &["建国", "秀英", "桂兰", "志强", "红霞", "国强", "丽娟", "海燕", "建华", "玉梅", "春生", "晓东", "淑珍", "卫东", "明亮", "雪梅"];
const VILLAGE_PARTS: &[&str] = &["王庄", "李沟", "张营", "柳树", "槐树", "东岭", "西坡", "南寨", "北村", "杨店", "马岭", "石门", "河口", "红旗", "新庄", "上河", "下河", "枣园", "桃园", "牛家"];
const COMMUNITY_PARTS: &[&str] = &["和平", "幸福", "春晖", "金谷", "安康", "康乐", "民主", "建设", "文化", "朝阳"];
const BRANDS: &[&str] = &["颐康", "福寿", "康乐园", "夕阳红", "安和", "孝心", "同乐", "松鹤", "怡养", "仁和"];

/// A small deterministic generator (xorshift64*); the demo must be the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The demo facilities, the same list every time.
pub fn facilities() -> Vec<FacilityInput> {
    let mut rng = Rng(0x5141_4E47_4441_4E21);
    let mut out = Vec::new();
    let mut phone_seq = 0u32;
    let mut contact = |rng: &mut Rng| -> (String, String) {
        phone_seq += 1;
        (format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN)), format!("0379-8000{phone_seq:04}"))
    };
    for (county, townships) in COUNTIES {
        let is_district = county.ends_with('区');
        let short = county.trim_end_matches(['县', '区']).trim_end_matches("回族");
        // County-level public institution
        let beds = 150 + rng.below(150) as u32;
        let (p, ph) = contact(&mut rng);
        out.push(FacilityInput {
            name: format!("{short}社会福利中心"),
            kind: TargetKind::ElderlyCareInstitution,
            operator_type: Some(OperatorType::Public),
            county: county.to_string(),
            township: Some(townships[0].to_string()),
            address: format!("{CITY}{county}{}", townships[0]),
            operator: format!("{county}民政局"),
            beds: Some(beds),
            residents: Some(beds * (45 + rng.below(45) as u32) / 100),
            star_level: Some(2 + rng.below(3) as u8),
            contact_person: p,
            contact_phone: ph,
        });
        // Private and publicly built, privately run institutions
        for i in 0..(2 + rng.below(2)) {
            let brand = BRANDS[(rng.below(BRANDS.len() as u64) as usize + i as usize) % BRANDS.len()];
            let t = rng.pick(townships);
            let op = if i == 0 { OperatorType::PublicPrivate } else { OperatorType::Private };
            let beds = 60 + rng.below(240) as u32;
            let (p, ph) = contact(&mut rng);
            out.push(FacilityInput {
                name: format!("{short}{brand}养老院"),
                kind: TargetKind::ElderlyCareInstitution,
                operator_type: Some(op),
                county: county.to_string(),
                township: Some(t.to_string()),
                address: format!("{CITY}{county}{t}"),
                operator: format!("洛阳{brand}养老服务有限公司"),
                beds: Some(beds),
                residents: Some(beds * (30 + rng.below(60) as u32) / 100),
                star_level: if rng.chance(60) { Some(1 + rng.below(4) as u8) } else { None },
                contact_person: p,
                contact_phone: ph,
            });
        }
        // Medical–elderly care integration (at least one per county)
        let beds = 80 + rng.below(120) as u32;
        let (p, ph) = contact(&mut rng);
        out.push(FacilityInput {
            name: format!("{short}中医院医养结合中心"),
            kind: TargetKind::MedicalCareInstitution,
            operator_type: Some(OperatorType::Public),
            county: county.to_string(),
            township: Some(townships[0].to_string()),
            address: format!("{CITY}{county}{}", townships[0]),
            operator: format!("{short}中医院"),
            beds: Some(beds),
            residents: Some(beds * (40 + rng.below(50) as u32) / 100),
            star_level: None,
            contact_person: p,
            contact_phone: ph,
        });
        for (ti, t) in townships.iter().enumerate() {
            let street = t.ends_with("街道");
            if street || is_district && ti % 2 == 0 {
                let c = rng.pick(COMMUNITY_PARTS);
                let (p, ph) = contact(&mut rng);
                out.push(FacilityInput {
                    name: format!("{}{c}社区养老服务中心", t.trim_end_matches("街道")),
                    kind: TargetKind::CommunityCenter,
                    operator_type: Some(if rng.chance(50) { OperatorType::PublicPrivate } else { OperatorType::Public }),
                    county: county.to_string(),
                    township: Some(t.to_string()),
                    address: format!("{CITY}{county}{t}{c}社区"),
                    operator: format!("{t}办事处"),
                    beds: Some(10 + rng.below(30) as u32),
                    residents: Some(rng.below(20) as u32),
                    star_level: if rng.chance(40) { Some(1 + rng.below(3) as u8) } else { None },
                    contact_person: p,
                    contact_phone: ph,
                });
                continue;
            }
            let base = t.trim_end_matches(['镇', '乡']);
            // Township home for the destitute (乡镇敬老院), or a regional centre
            let (kind, name) = if rng.chance(35) {
                (TargetKind::RegionalCenter, format!("{base}区域养老服务中心"))
            } else {
                (TargetKind::DestituteSupportHome, format!("{base}敬老院"))
            };
            let beds = 30 + rng.below(90) as u32;
            let (p, ph) = contact(&mut rng);
            out.push(FacilityInput {
                name,
                kind,
                operator_type: Some(if rng.chance(30) { OperatorType::PublicPrivate } else { OperatorType::Public }),
                county: county.to_string(),
                township: Some(t.to_string()),
                address: format!("{CITY}{county}{t}"),
                operator: format!("{county}{t}人民政府"),
                beds: Some(beds),
                residents: Some(beds * (30 + rng.below(60) as u32) / 100),
                star_level: if rng.chance(30) { Some(1 + rng.below(3) as u8) } else { None },
                contact_person: p,
                contact_phone: ph,
            });
            // Village facilities
            let mut used = Vec::new();
            for _ in 0..(1 + rng.below(3)) {
                let v = rng.pick(VILLAGE_PARTS);
                if used.contains(&v) {
                    continue;
                }
                used.push(v);
                let (kind, suffix, beds) = match rng.below(3) {
                    0 => (TargetKind::VillageMutualAid, "村互助养老服务站", 8 + rng.below(12) as u32),
                    1 => (TargetKind::SmallGroupCarePoint, "村小型集中养老服务点", 5 + rng.below(10) as u32),
                    _ => (TargetKind::HomeCarePoint, "村居家养老服务点", 0),
                };
                let (p, ph) = contact(&mut rng);
                out.push(FacilityInput {
                    name: format!("{t}{v}{suffix}"),
                    kind,
                    operator_type: Some(OperatorType::Public),
                    county: county.to_string(),
                    township: Some(t.to_string()),
                    address: format!("{CITY}{county}{t}{v}村"),
                    operator: format!("{v}村民委员会"),
                    beds: if beds == 0 { None } else { Some(beds) },
                    residents: if beds == 0 { None } else { Some(rng.below(beds as u64 + 1) as u32) },
                    star_level: if rng.chance(50) { Some(1 + rng.below(3) as u8) } else { None },
                    contact_person: p,
                    contact_phone: ph,
                });
            }
        }
    }
    // Two private homes of one county can draw the same brand: keep the first.
    let mut seen = std::collections::HashSet::new();
    out.retain(|f| seen.insert((f.county.clone(), f.name.clone())));
    out
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    pub reference: SeedReport,
    pub facilities: UpsertReport,
}

/// Creates or refreshes the demo: the reference data, then the registry.
pub fn populate(db: &mut Db) -> Result<DemoReport> {
    let reference = load_reference(db)?;
    let list = facilities();
    let facilities = db.with_tx(|tx| upsert_facilities(tx, Some(CITY), &list))?;
    Ok(DemoReport { reference, facilities })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_is_deterministic_and_covers_the_taxonomy() {
        let a = facilities();
        assert_eq!(a, facilities(), "same seed, same facilities");
        assert!((250..=600).contains(&a.len()), "a few hundred facilities, got {}", a.len());
        for kind in TargetKind::facility_kinds() {
            assert!(a.iter().any(|f| f.kind == kind), "no demo facility of kind {kind:?}");
        }
        let mut keys: Vec<_> = a.iter().map(|f| (f.county.clone(), f.name.clone())).collect();
        keys.sort();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "facility names are unique within a county");
        assert_eq!(COUNTIES.len(), 15);
    }
}

/// What [`populate_campaign`] added.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CampaignReport {
    pub inspections: u32,
    pub problems: u32,
    pub suggestions: u32,
    /// Counties assigned to the seven groups (任务分配).
    pub assignments: u32,
    /// False when the database already held inspections: the campaign is added once.
    pub added: bool,
}

/// Adds a plausible campaign to the demo registry, so that a first look at
/// the app shows work in progress: the 任务分配 of the seven groups over the
/// counties ([`GROUP_COUNTIES`]), signed inspections in every county by its group over
/// the last months, their problems at every stage of rectification (some
/// overdue, some verified and closed, one returned), suggestions and a few
/// evaluations. Runs on its own clock, which it moves through the campaign's
/// days (never past today); `db` must have been opened with `clock`.
/// Does nothing when the database already holds an inspection.
pub fn populate_campaign(db: &mut Db, clock: &crate::clock::FixedClock, today: chrono::DateTime<chrono::Utc>) -> Result<CampaignReport> {
    use crate::inspection::{self, InspectionKind, ItemPatch, Scope, StartInspection, Verdict};
    use crate::lists::{evaluation, suggestions};
    use crate::problem::{self, Plan, ProblemFilter, Source, Status, Verification, VerifyMethod, VerifyResult};
    use crate::registry::{facility_list, FacilityQuery};
    use chrono::Duration;

    if !inspection::list(db, None)?.is_empty() {
        return Ok(CampaignReport::default());
    }
    const LEADERS: [&str; 7] = ["王志强", "李秀英", "张建国", "刘桂兰", "陈国华", "杨淑珍", "赵德明"];
    let start = today - Duration::days(105);
    let at = |d: i64| std::cmp::min(start + Duration::days(d), today);
    let all = facility_list(db, &FacilityQuery::default())?;
    // Two facilities per county, of different kinds where the county has them.
    let mut chosen = Vec::new();
    for (county, _) in COUNTIES {
        let here: Vec<_> = all.iter().filter(|f| f.county == *county).collect();
        if let Some(first) = here.first() {
            chosen.push((*first).clone());
            if let Some(other) = here.iter().find(|f| f.kind != first.kind) {
                chosen.push((*other).clone());
            }
        }
    }
    let mut report = CampaignReport { added: true, ..Default::default() };
    let day_of = |n: usize| (n as i64 * 95) / chosen.len() as i64;
    let group_of = |county: &str| GROUP_COUNTIES.iter().position(|(_, cs)| cs.contains(&county)).unwrap_or(0);
    // The supervisor assigns every county to its group before the first visit,
    // planned for the day its first facility is inspected.
    clock.set(at(0));
    for (group, counties) in GROUP_COUNTIES {
        for county in counties {
            let Some(first) = chosen.iter().position(|f| f.county == *county) else {
                continue;
            };
            let planned = crate::problem::today(at(day_of(first))).format("%Y-%m-%d").to_string();
            let county_id = all.iter().find(|f| f.county == *county).map(|f| f.county_id.clone()).unwrap_or_default();
            let a = crate::assignment::NewAssignment {
                group: group.into(),
                target_kind: crate::assignment::AssignmentTargetKind::County,
                target_id: county_id,
                planned_date: Some(planned),
                note: String::new(),
            };
            crate::assignment::assign(db, &a, "督查组")?;
            report.assignments += 1;
        }
    }
    for (n, f) in chosen.iter().enumerate() {
        clock.set(at(day_of(n)));
        let g = group_of(&f.county);
        let input = StartInspection {
            target_id: f.id.clone(),
            kind: if n % 4 == 3 { InspectionKind::Unannounced } else { InspectionKind::LawEnforcement },
            date: crate::problem::today(crate::clock::Clock::now(clock)).format("%Y-%m-%d").to_string(),
            group: GROUP_COUNTIES[g].0.into(),
            leader: LEADERS[g].into(),
            members: vec![LEADERS[(g + 1) % 7].into()],
            representatives: vec![if f.contact_person.is_empty() { "机构负责人".into() } else { f.contact_person.clone() }],
        };
        let insp = inspection::start(db, &input, LEADERS[g])?;
        let id = insp.summary.id.clone();
        for (k, item) in insp.items.iter().enumerate() {
            // Two or three failures per inspection, at places that differ between inspections.
            let fails = (k * 7 + n * 3) % 11 == 0;
            let partly = !fails && (k * 5 + n) % 13 == 0;
            let phrase = item.quick_phrases.first().cloned().unwrap_or_else(|| format!("{}落实不到位", item.title));
            let patch = if fails {
                ItemPatch {
                    verdict: Some(Some(Verdict::Noncompliant)),
                    finding: Some(phrase),
                    severity: Some(Some(if item.major_hazard { crate::catalog::Severity::Major } else if k % 2 == 0 { crate::catalog::Severity::Serious } else { crate::catalog::Severity::General })),
                    scope: Some(Some(if k % 3 == 0 { Scope::Individual } else { Scope::Partial })),
                    ..Default::default()
                }
            } else if partly {
                ItemPatch { verdict: Some(Some(Verdict::Partial)), finding: Some(format!("{}，台账记录不够完整", item.title)), ..Default::default() }
            } else {
                ItemPatch { verdict: Some(Some(Verdict::Compliant)), ..Default::default() }
            };
            inspection::record(db, &id, &item.code, &patch, &[], LEADERS[g])?;
        }
        if n % 3 == 0 {
            inspection::add_suggestion(db, &id, None, "建议加强护理人员消防安全和应急处置培训，定期组织演练", LEADERS[g])?;
            report.suggestions += 1;
        }
        inspection::sign(db, &id, &[LEADERS[g].to_string(), LEADERS[(g + 1) % 7].to_string()], &input.representatives[0], None, LEADERS[g])?;
        report.inspections += 1;
    }
    // Move each problem along, on the days it would have happened.
    let problems = problem::list(db, &ProblemFilter::default())?;
    report.problems = problems.len() as u32;
    for (k, p) in problems.iter().enumerate() {
        let found = chrono::NaiveDate::parse_from_str(&p.found_on, "%Y-%m-%d").map_err(|e| crate::Error::Internal(e.to_string()))?;
        let day0 = (found - crate::problem::today(start)).num_days();
        let stage = k % 6;
        if stage == 0 {
            continue; // still 待整改
        }
        clock.set(at(day0 + 3));
        let days = if p.severity == crate::catalog::Severity::Major { 7 } else { 30 };
        let deadline = crate::problem::today(crate::clock::Clock::now(clock)) + Duration::days(days);
        let unit = p.department.clone().unwrap_or_else(|| p.responsible_unit.clone());
        let plan = Plan {
            measure: format!("针对“{}”逐项整改，建立台账，明确专人负责", p.description),
            unit,
            person: "分管负责人".into(),
            deadline: deadline.format("%Y-%m-%d").to_string(),
        };
        problem::plan(db, &p.id, &plan, "督查组")?;
        if stage == 1 {
            continue; // 整改中 (overdue once its deadline has passed)
        }
        clock.set(at(day0 + days - 2));
        problem::report_done(db, &p.id, "已按整改措施完成整改，附整改前后照片和制度文件", None, "责任单位")?;
        if stage == 2 {
            continue; // 已整改待核验
        }
        clock.set(at(day0 + days + 5));
        let result = if stage == 5 { VerifyResult::Fail } else { VerifyResult::Pass };
        let note = if result == VerifyResult::Fail { "现场核查仍有部分问题未整改到位" } else { "" };
        let v = Verification { by: LEADERS[k % 7].into(), method: if k % 2 == 0 { VerifyMethod::DocumentReview } else { VerifyMethod::Unannounced }, result, note: note.into(), on: None };
        let after = problem::verify(db, &p.id, &v, None, "督查组")?;
        debug_assert!(after.problem.status == Status::Closed || result == VerifyResult::Fail);
    }
    clock.set(today);
    for (text, source, addressee, county) in [
        ("建议将村级互助养老服务站运营补贴纳入县级财政预算，保障持续运营", Source::Forum, "市民政局", Some("汝阳县")),
        ("建议推进医养结合，乡镇卫生院与敬老院签约服务全覆盖", Source::Deputy, "市卫生健康委", Some("洛宁县")),
        ("反映部分小区养老服务设施被挪作他用", Source::PublicReport, "市住房城乡建设局", None),
    ] {
        let o = suggestions::NewOpinion {
            text: text.into(),
            source,
            addressee: addressee.into(),
            county: county.map(String::from),
            target_name: String::new(),
            group: String::new(),
            made_on: None,
        };
        suggestions::create_opinion(db, &o, "督查组")?;
        report.suggestions += 1;
    }
    for (aspect, evaluator, score) in [
        (evaluation::Aspect::Rectification, evaluation::Evaluator::Congress, 93.5),
        (evaluation::Aspect::Report, evaluation::Evaluator::Congress, 92.79),
        (evaluation::Aspect::Result, evaluation::Evaluator::Public, 95.73),
    ] {
        let e = evaluation::NewEvaluation {
            subject_kind: evaluation::SubjectKind::Department,
            subject: "民政局".into(),
            aspect,
            evaluator,
            evaluated_on: None,
            score,
            comment: String::new(),
        };
        evaluation::create(db, &e, "督查组")?;
    }
    Ok(report)
}
