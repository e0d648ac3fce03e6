//! How long the 监督工作总结 (campaign summary PDF, `report summary`) takes for
//! a city-scale campaign: 5,000 facilities, 5,000 signed inspections, 585,000
//! findings, 30,000 problems (the generator of `benches/stats.rs`, copied so
//! that each bench stays one self-contained program). Issue 5's target: under
//! 2 s. Results and the machine go into `docs/performance.md`.
//!
//! `cargo bench -p qingdan-core --bench report_summary` (`QINGDAN_BENCH_RUNS`
//! sets the number of timed rounds, default 3). Each round makes, in memory,
//! the whole-city summary, the summary of one county, and the print of the
//! whole 问题清单; the first round starts with SQLite's cache empty and the
//! font metrics unread. `QINGDAN_BENCH_OUT=DIR` writes the PDFs there.
use std::time::{Duration, Instant};

use qingdan_core::problem::{stats, StatsFilter};
use qingdan_core::{report, Db};

#[path = "common/campaign.rs"]
mod campaign;

use campaign::*;

fn main() {
    let runs: usize = std::env::var("QINGDAN_BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(3).max(1);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let path = dir.path().join("summary.db");
    let generated = {
        let mut db = Db::open(&path).unwrap();
        generate(&mut db)
    };
    println!("generated in {generated:.1?}");
    let db = Db::open(&path).unwrap();
    let t = stats::totals(&db, &StatsFilter::default()).unwrap();
    println!(
        "campaign: {} facilities, {} problems, {} overdue, {} closed, {} suggestions",
        count(&db, "facility"),
        t.problems,
        t.overdue,
        t.closed,
        t.suggestions
    );
    let county: String = db.conn().query_row("SELECT name FROM jurisdiction WHERE level = 'county' ORDER BY position LIMIT 1", [], |r| r.get(0)).unwrap();
    type Job<'a> = (String, Box<dyn Fn() -> Vec<u8> + 'a>);
    let jobs: Vec<Job> = vec![
        ("summary (whole city)".into(), Box::new(|| report::summary_bytes(&db, None).unwrap())),
        (format!("summary ({county})"), Box::new(|| report::summary_bytes(&db, Some(&county)).unwrap())),
        ("list problems (all)".into(), Box::new(|| report::list_bytes(&db, report::PrintList::Problems, &Default::default()).unwrap())),
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); jobs.len()];
    let mut sizes = vec![(0usize, 0u32); jobs.len()];
    for round in 0..runs {
        for (j, (name, job)) in jobs.iter().enumerate() {
            let started = Instant::now();
            let bytes = std::hint::black_box(job());
            times[j].push(started.elapsed());
            if round == 0 {
                sizes[j] = (bytes.len(), report::count_pages(&bytes));
                if let Some(out) = std::env::var_os("QINGDAN_BENCH_OUT") {
                    std::fs::write(std::path::Path::new(&out).join(format!("bench-{j}.pdf")), &bytes).unwrap();
                    println!("wrote {name} to bench-{j}.pdf");
                }
            }
        }
    }
    println!("{runs} rounds; target: the whole-city summary < 2 s");
    println!("{:<28} {:>6} {:>10} {:>10} {:>10} {:>10}", "", "pages", "KB", "first", "median", "max");
    for (j, (name, _)) in jobs.iter().enumerate() {
        let mut sorted = times[j].clone();
        sorted.sort();
        let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1e3);
        println!(
            "{name:<28} {:>6} {:>10} {:>10} {:>10} {:>10}",
            sizes[j].1,
            sizes[j].0 / 1024,
            ms(times[j][0]),
            ms(sorted[sorted.len() / 2]),
            ms(*sorted.last().unwrap())
        );
    }
    let worst = times[0].iter().max().unwrap().as_secs_f64();
    println!("target (whole-city summary < 2 s, max of {runs} rounds): {}", if worst < 2.0 { "met" } else { "MISSED" });
}
