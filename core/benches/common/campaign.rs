//! The city-scale campaign both the statistics and the summary-report benches
//! run on: facilities, inspections with their findings, problems in every
//! status, suggestions and opinions, written in one transaction with plain
//! inserts. Included by each bench with `#[path]`; not a bench of its own.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use qingdan_core::catalog::TargetKind;
use qingdan_core::inspection::InspectionKind;
use qingdan_core::problem::{self, Source};
use qingdan_core::{demo, Db};
use rusqlite::params;

pub const FACILITIES: usize = 5_000;
pub const INSPECTIONS: usize = 5_000;
pub const PROBLEMS: usize = 30_000;
pub const FROM_FINDINGS: usize = 27_000;
pub const SUGGESTIONS: usize = 15_000;
pub const OPINIONS: usize = 2_000;
pub const GROUPS: [&str; 7] = ["第一组", "第二组", "第三组", "第四组", "第五组", "第六组", "第七组"];

/// xorshift64*: the same campaign on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

pub fn ids(db: &Db, sql: &str) -> Vec<String> {
    db.conn().prepare(sql).unwrap().query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
}

pub fn count(db: &Db, table: &str) -> i64 {
    db.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

/// Writes the campaign; returns the time it took.
pub fn generate(db: &mut Db) -> Duration {
    let started = Instant::now();
    demo::populate(db).unwrap();
    let today = problem::today(db.now());
    let counties = ids(db, "SELECT id FROM jurisdiction WHERE level = 'county' ORDER BY position");
    let departments = ids(db, "SELECT id FROM department ORDER BY position");
    let version: String = db.conn().query_row("SELECT id FROM catalog_version ORDER BY imported_at DESC LIMIT 1", [], |r| r.get(0)).unwrap();
    let active = qingdan_core::catalog::active_version(db).unwrap().unwrap().id;
    assert_eq!(version, active, "the reference catalog is the active version");
    let items: Vec<(String, String)> = db
        .conn()
        .prepare("SELECT ci.code, g.name FROM catalog_item ci JOIN catalog_group g ON g.id = ci.group_id WHERE ci.version_id = ?1 ORDER BY g.position, ci.position")
        .unwrap()
        .query_map([&version], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(items.len(), 117, "66 standards and 51 indicators");
    let kinds: Vec<TargetKind> = TargetKind::facility_kinds().collect();
    let inspection_kinds = [InspectionKind::LawEnforcement, InspectionKind::LawEnforcement, InspectionKind::Special, InspectionKind::Unannounced, InspectionKind::SelfCheckReview];
    let other_sources = [Source::SelfCheck, Source::PublicReport, Source::Forum, Source::Deputy];
    let mut rng = Rng(0x5354_4154_5321_0001);
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let plus = |d: NaiveDate, n: usize| d.checked_add_days(Days::new(n as u64)).unwrap();
    let stamp = "2026-01-01T00:00:00.000Z";
    // The campaign ran over the 240 days before today.
    let start = today.checked_sub_days(Days::new(240)).unwrap();

    db.with_tx(|tx| {
        let device = tx.device_id();
        // Facilities: the demo's, then generated ones up to 5,000.
        let have = tx.query_row("SELECT count(*) FROM facility", [], |r| r.get::<_, i64>(0))? as usize;
        {
            let mut st = tx.prepare(
                "INSERT INTO facility (id, name, kind, county_id, created_at, updated_at, device_id) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
            )?;
            for n in have..FACILITIES {
                let kind = rng.pick(&kinds).slug();
                st.execute(params![uuid::Uuid::now_v7().to_string(), format!("压测养老服务机构{n:05}"), kind, rng.pick(&counties), stamp, device])?;
            }
        }
        let facilities: Vec<(String, String, String, String)> = {
            let mut st = tx.prepare("SELECT id, kind, name, county_id FROM facility ORDER BY id")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        assert_eq!(facilities.len(), FACILITIES);

        // One signed inspection per facility, every item answered; 27,000 不符合 spread over them.
        let mut ins = tx.prepare(
            "INSERT INTO inspection (id, target_kind, target_id, target_name, kind, date, catalog_version_id, group_name, leader,
                 status, signed_at, signed_inspectors, signed_representative, created_at, updated_at, device_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '组长', 'signed', ?9, '[\"检查员\"]', '负责人', ?9, ?9, ?10)",
        )?;
        let mut item = tx.prepare(
            "INSERT INTO inspection_item (id, inspection_id, item_code, position, verdict, finding, severity, scope, na_reason, created_at, updated_at, device_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)",
        )?;
        let mut prob = tx.prepare(
            "INSERT INTO problem (id, number, target_kind, target_id, target_name, county_id, item_code, category, description,
                 severity, scope, source, group_name, found_on, inspection_id, department_id, responsible_unit, responsible_person,
                 measure, deadline, status, rectified_on, closed_on, created_at, updated_at, device_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?24, ?25)",
        )?;
        let mut pf = tx.prepare("INSERT INTO problem_finding (inspection_id, item_code, problem_id, created_at, device_id) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        let mut ev = tx.prepare(
            "INSERT INTO problem_event (id, problem_id, kind, on_date, actor, note, inspection_id, to_status, created_at, device_id)
             VALUES (?1, ?2, 'created', ?3, '压测', '', ?4, 'pending', ?5, ?6)",
        )?;
        let mut sug = tx.prepare(
            "INSERT INTO suggestion (id, inspection_id, item_code, text, addressee, created_at, updated_at, device_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
        )?;
        let dept_names: Vec<String> = {
            let mut st = tx.prepare("SELECT name FROM department ORDER BY position")?;
            let rows = st.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };

        let mut numbered = 0usize;
        // A problem's life: status, deadline, rectified and closed dates.
        let life = |rng: &mut Rng, found: NaiveDate| -> (&'static str, Option<String>, Option<String>, Option<String>) {
            let span = (today - found).num_days().max(0) as usize;
            let deadline = |rng: &mut Rng| Some(day(plus(found, 10 + rng.below(110))));
            match rng.below(100) {
                0..=24 => ("pending", None, None, None),
                25..=54 => ("in_progress", deadline(rng), None, None),
                55..=69 => {
                    let done = plus(found, rng.below(span + 1));
                    ("awaiting_verification", deadline(rng), Some(day(done)), None)
                }
                70..=96 => {
                    let closed = plus(found, rng.below(span + 1));
                    ("closed", deadline(rng), Some(day(closed)), Some(day(closed)))
                }
                _ => ("withdrawn", None, None, None),
            }
        };
        let severity = |rng: &mut Rng| match rng.below(100) {
            0..=4 => "major",
            5..=29 => "serious",
            _ => "general",
        };
        let department = |rng: &mut Rng| if rng.below(20) == 0 { None } else { Some(rng.pick(&departments).clone()) };

        // Which (inspection, item) pairs are 不符合: 27,000 distinct ones.
        let mut noncompliant = std::collections::HashSet::new();
        while noncompliant.len() < FROM_FINDINGS {
            noncompliant.insert((rng.below(INSPECTIONS), rng.below(items.len())));
        }
        let mut suggestions_left = SUGGESTIONS;
        for (n, (fid, fkind, fname, county)) in facilities.iter().enumerate().take(INSPECTIONS) {
            let iid = uuid::Uuid::now_v7().to_string();
            let date = plus(start, rng.below(200));
            let kind = *rng.pick(&inspection_kinds);
            let group = rng.pick(&GROUPS);
            ins.execute(params![iid, fkind, fid, fname, kind.slug(), day(date), version, group, stamp, device])?;
            for (pos, (code, category)) in items.iter().enumerate() {
                let bad = noncompliant.contains(&(n, pos));
                let (verdict, finding, sev, scope, na) = if bad {
                    ("noncompliant", "现场检查发现未达到要求", Some(severity(&mut rng)), Some("partial"), "")
                } else {
                    match rng.below(20) {
                        0 => ("partial", "基本符合，个别记录不全", None, None, ""),
                        1 => ("na", "", None, None, "该机构无此项服务"),
                        _ => ("compliant", "", None, None, ""),
                    }
                };
                item.execute(params![uuid::Uuid::now_v7().to_string(), iid, code, pos as i64, verdict, finding, sev, scope, na, stamp, device])?;
                if bad {
                    let pid = uuid::Uuid::now_v7().to_string();
                    numbered += 1;
                    let (status, deadline, rectified, closed) = life(&mut rng, date);
                    prob.execute(params![
                        pid,
                        format!("WT{}-{numbered:06}", date.format("%Y%m%d")),
                        fkind,
                        fid,
                        fname,
                        county,
                        code,
                        category,
                        finding,
                        sev,
                        scope,
                        Source::of_inspection(kind).slug(),
                        group,
                        day(date),
                        iid,
                        department(&mut rng),
                        fname,
                        if deadline.is_some() { "负责人" } else { "" },
                        if deadline.is_some() { "限期整改" } else { "" },
                        deadline,
                        status,
                        rectified,
                        closed,
                        stamp,
                        device,
                    ])?;
                    pf.execute(params![iid, code, pid, stamp, device])?;
                    ev.execute(params![uuid::Uuid::now_v7().to_string(), pid, day(date), iid, stamp, device])?;
                }
            }
            // Three suggestions per inspection, some on an item, some addressed to a department.
            let k = (suggestions_left).min(3);
            for _ in 0..k {
                let code = if rng.below(2) == 0 { Some(rng.pick(&items).0.clone()) } else { None };
                let addressee = if rng.below(3) == 0 { rng.pick(&dept_names).clone() } else { String::new() };
                sug.execute(params![uuid::Uuid::now_v7().to_string(), iid, code, "建议加强护理员培训", addressee, stamp, device])?;
            }
            suggestions_left -= k;
        }

        // 3,000 problems from other sources, about county governments or
        // (a few) the whole city, without a county.
        for _ in FROM_FINDINGS..PROBLEMS {
            let pid = uuid::Uuid::now_v7().to_string();
            numbered += 1;
            let found = plus(start, rng.below(230));
            let (status, deadline, rectified, closed) = life(&mut rng, found);
            let citywide = rng.below(30) == 0;
            let county = (!citywide).then(|| rng.pick(&counties).clone());
            let cat = rng.pick(&items).1.clone();
            prob.execute(params![
                pid,
                format!("WT{}-{numbered:06}", found.format("%Y%m%d")),
                "county_government",
                county,
                if citywide { "全市" } else { "县（市、区）人民政府" },
                county,
                None::<String>,
                cat,
                "群众反映的问题",
                severity(&mut rng),
                None::<String>,
                rng.pick(&other_sources).slug(),
                rng.pick(&GROUPS),
                day(found),
                None::<String>,
                department(&mut rng),
                "",
                "",
                "",
                deadline,
                status,
                rectified,
                closed,
                stamp,
                device,
            ])?;
            ev.execute(params![uuid::Uuid::now_v7().to_string(), pid, day(found), None::<String>, stamp, device])?;
        }
        let mut op = tx.prepare(
            "INSERT INTO opinion (id, text, source, addressee, county_id, target_name, group_name, made_on, created_at, updated_at, device_id)
             VALUES (?1, '建议完善农村互助养老设施', ?2, ?3, ?4, '', ?5, ?6, ?7, ?7, ?8)",
        )?;
        for _ in 0..OPINIONS {
            let addressee = if rng.below(2) == 0 { rng.pick(&dept_names).clone() } else { String::new() };
            op.execute(params![
                uuid::Uuid::now_v7().to_string(),
                rng.pick(&other_sources).slug(),
                addressee,
                rng.pick(&counties),
                rng.pick(&GROUPS),
                day(plus(start, rng.below(230))),
                stamp,
                device
            ])?;
        }
        Ok(())
    })
    .unwrap();
    started.elapsed()
}
