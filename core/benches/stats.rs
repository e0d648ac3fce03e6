//! How long the campaign statistics take on a city-scale campaign, next to
//! a bare `SELECT count(*)` over the findings table. Issue 4's target: each
//! breakdown under 100 ms. Results and the machine go into
//! `docs/performance.md`.
//!
//! `cargo bench -p qingdan-core --bench stats` (`QINGDAN_BENCH_RUNS` sets
//! the number of timed rounds, default 15). The database is a file in Cargo's
//! target temporary folder, opened with `Db::open` (WAL, `synchronous=FULL`,
//! as the app). It holds the demo registry and reference catalog, then a
//! generated campaign written in one transaction with plain INSERTs (not
//! timed): 5,000 facilities over the 15 counties, one signed inspection of
//! each (5,000), every one of the 117 catalog items answered (585,000
//! findings), 30,000 problems — 27,000 raised from 不符合 findings, 3,000
//! from other sources — spread over 7 groups, the catalog's categories, the
//! 24 departments, the three severities, the sources and every status, with
//! deadlines before and after today; 15,000 suggestions made during the
//! inspections and 2,000 from other sources. The database is then closed and
//! opened again, so the statistics run on a connection with nothing cached in
//! SQLite (the operating system's file cache is warm, as on a laptop that has
//! been using the file).
//!
//! Each round runs the baseline and every statistic once, in turn, so all see
//! the same background load; the first round is reported apart (SQLite's page
//! cache starts empty and the statements are prepared) and is included in the
//! maximum.

use std::time::{Duration, Instant};

use qingdan_core::problem::{stats, Dimension, StatsFilter};
use qingdan_core::Db;

#[path = "common/campaign.rs"]
mod campaign;

use campaign::*;

struct Summary {
    first: Duration,
    median: Duration,
    max: Duration,
}

fn summary(xs: &[Duration]) -> Summary {
    let mut sorted = xs.to_vec();
    sorted.sort();
    Summary { first: xs[0], median: sorted[sorted.len() / 2], max: *sorted.last().unwrap() }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let runs: usize = std::env::var("QINGDAN_BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(15).max(1);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let path = dir.path().join("stats.db");
    // QINGDAN_BENCH_KEEP=1 keeps the database for a look with `sqlite3` (EXPLAIN QUERY PLAN …).
    let _dir = if std::env::var_os("QINGDAN_BENCH_KEEP").is_some() {
        println!("keeping {}", path.display());
        Err(dir.keep())
    } else {
        Ok(dir)
    };
    let generated = {
        let mut db = Db::open(&path).unwrap();
        let took = generate(&mut db);
        // QINGDAN_BENCH_SQL runs once after the generation: to try a candidate index.
        if let Ok(sql) = std::env::var("QINGDAN_BENCH_SQL") {
            println!("after generation: {sql}");
            db.conn().execute_batch(&sql).unwrap();
        }
        took
    };
    let db = Db::open(&path).unwrap();
    let rows: Vec<(&str, i64)> = ["facility", "inspection", "inspection_item", "problem", "problem_finding", "suggestion", "opinion"]
        .into_iter()
        .map(|t| (t, count(&db, t)))
        .collect();
    assert_eq!(rows[0].1 as usize, FACILITIES);
    assert_eq!(rows[1].1 as usize, INSPECTIONS);
    assert_eq!(rows[2].1, 585_000);
    assert_eq!(rows[3].1 as usize, PROBLEMS);
    let size = std::fs::metadata(&path).unwrap().len() + std::fs::metadata(path.with_extension("db-wal")).map(|m| m.len()).unwrap_or(0);
    println!("generated in {generated:.1?}; database {:.0} MB; SQLite {}", size as f64 / 1e6, rusqlite::version());
    println!("rows: {}", rows.iter().map(|(t, n)| format!("{t} {n}")).collect::<Vec<_>>().join(", "));
    // Counting just read the whole file into SQLite's cache: close and reopen,
    // so the first round starts with an empty cache.
    drop(db);
    let reopened = Db::open(&path).unwrap();
    let db = &reopened;

    let all = StatsFilter::default();
    let county_name: String = db.conn().query_row("SELECT name FROM jurisdiction WHERE level = 'county' ORDER BY position LIMIT 1", [], |r| r.get(0)).unwrap();
    let one_county = StatsFilter { county: Some(county_name.clone()), ..Default::default() };
    type Job<'a> = (String, Box<dyn Fn() -> usize + 'a>);
    let mut jobs: Vec<Job> = vec![(
        "SELECT count(*) FROM inspection_item".into(),
        Box::new(|| db.conn().prepare_cached("SELECT count(*) FROM inspection_item").unwrap().query_row([], |r| r.get::<_, i64>(0)).unwrap() as usize),
    )];
    jobs.push(("totals".into(), Box::new(|| stats::totals(&db, &all).unwrap().problems as usize)));
    for d in Dimension::ALL {
        jobs.push((format!("breakdown by {}", d.slug()), Box::new(move || stats::breakdown(&db, *d, &StatsFilter::default()).unwrap().len())));
    }
    jobs.push(("closures_by_month".into(), Box::new(|| stats::closures_by_month(&db, &all).unwrap().len())));
    jobs.push((format!("by category within {county_name}"), Box::new(|| stats::breakdown(&db, Dimension::Category, &one_county).unwrap().len())));

    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(runs); jobs.len()];
    let mut answers = vec![0usize; jobs.len()];
    for _ in 0..runs {
        for (j, (_, job)) in jobs.iter().enumerate() {
            let t = Instant::now();
            answers[j] = std::hint::black_box(job());
            times[j].push(t.elapsed());
        }
    }

    // The figures are those of the campaign: a check that the timed calls did the work.
    let t = stats::totals(&db, &all).unwrap();
    let withdrawn: i64 = db.conn().query_row("SELECT count(*) FROM problem WHERE status = 'withdrawn'", [], |r| r.get(0)).unwrap();
    assert_eq!(t.problems as i64, PROBLEMS as i64 - withdrawn);
    assert_eq!(t.suggestions as usize, SUGGESTIONS + OPINIONS);
    println!(
        "campaign: {} problems (+{withdrawn} withdrawn), {} suggestions, {} rectified ({}), {} closed ({}), {} overdue, median {:.0} days to close",
        t.problems,
        t.suggestions,
        t.rectified,
        stats::percent(t.rectification_rate),
        t.closed,
        stats::percent(t.closeout_rate),
        t.overdue,
        t.median_days_to_close.unwrap_or(f64::NAN)
    );
    println!("{runs} rounds; target: each breakdown < 100 ms");
    println!("{:<36} {:>6} {:>10} {:>10} {:>10}", "", "rows", "first", "median", "max");
    let mut missed = false;
    for (j, (name, _)) in jobs.iter().enumerate() {
        let s = summary(&times[j]);
        let verdict = if j == 0 {
            ""
        } else if s.max.as_secs_f64() < 0.1 {
            "met"
        } else {
            missed = true;
            "MISSED"
        };
        println!("{name:<36} {:>6} {:>10} {:>10} {:>10}  {verdict}", answers[j], ms(s.first), ms(s.median), ms(s.max));
    }
    println!("target (every breakdown < 100 ms, max of {runs} rounds): {}", if missed { "MISSED" } else { "met" });
}
