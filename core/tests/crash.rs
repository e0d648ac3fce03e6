//! The crash test: “a crash, a kill or a power cut loses nothing the UI showed
//! as saved” (issue 3), for the kill.
//!
//! The test binary re-runs itself as a child (selected by `QINGDAN_CRASH_CHILD`)
//! that opens a file database and records verdicts in a loop through
//! `inspection::record`, the path the desktop command and the CLI take. It
//! prints `saved <code> <verdict>` only after a call returns, as the UI shows
//! “saved” only then. The parent kills it with SIGKILL at random moments, many
//! times, and after every round reopens the database the way the app does and
//! checks that every reported verdict is there with its change-log row, that
//! the last one per item is the item's value, and that the file is intact.
//!
//! At most one change per round can be committed without having been
//! reported (killed between the commit and the print); it is found by its
//! actor tag and counted as saved. Anything else unexpected fails the test.
//! A kill cannot simulate a power cut; `synchronous=FULL` covers that.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use qingdan_core::catalog::TargetKind;
use qingdan_core::inspection::{self, InspectionKind, ItemPatch, StartInspection, Verdict};
use qingdan_core::registry::{self, FacilityQuery};
use qingdan_core::{demo, Db};

const CHILD_ENV: &str = "QINGDAN_CRASH_CHILD";
const TEST_NAME: &str = "verdicts_reported_as_saved_survive_sigkill";
const ROUNDS: u32 = 60;
/// Items the child cycles through; few, so that each changes many times.
const CODES: usize = 8;

#[test]
fn verdicts_reported_as_saved_survive_sigkill() {
    match std::env::var(CHILD_ENV) {
        Ok(spec) => child(&spec),
        Err(_) => parent(),
    }
}

fn next(v: Option<Verdict>) -> Verdict {
    match v {
        None | Some(Verdict::NotApplicable) => Verdict::Compliant,
        Some(Verdict::Compliant) => Verdict::Partial,
        Some(Verdict::Partial) => Verdict::Noncompliant,
        Some(Verdict::Noncompliant) => Verdict::NotApplicable,
    }
}

fn actor(round: u32, step: usize) -> String {
    format!("crash-r{round}-s{step}")
}

/// Runs until killed: record, then report.
fn child(spec: &str) -> ! {
    let mut parts = spec.split('|');
    let (path, id, round) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap().parse::<u32>().unwrap());
    let mut db = Db::open(path).expect("the child opens the database");
    let detail = inspection::show(&db, id).unwrap();
    let mut current: BTreeMap<String, Option<Verdict>> =
        detail.items.iter().take(CODES).map(|i| (i.code.clone(), i.verdict)).collect();
    let codes: Vec<String> = current.keys().cloned().collect();
    let stdout = std::io::stdout();
    // The kill moments count from here, so a slow start on a loaded machine does not eat them.
    writeln!(stdout.lock(), "ready").unwrap();
    stdout.lock().flush().unwrap();
    let started = Instant::now();
    for step in 0.. {
        // A child the parent forgot must not run forever.
        assert!(started.elapsed() < Duration::from_secs(20), "crash child was never killed");
        let code = &codes[(step * 3 + round as usize) % codes.len()];
        let verdict = next(current[code]);
        let patch = ItemPatch { verdict: Some(Some(verdict)), ..Default::default() };
        inspection::record(&mut db, id, code, &patch, &[], &actor(round, step)).unwrap();
        let mut out = stdout.lock();
        writeln!(out, "saved {code} {}", verdict.slug()).unwrap();
        out.flush().unwrap();
        current.insert(code.clone(), Some(verdict));
    }
    unreachable!()
}

/// xorshift64*: the kill moments are the same on every run of one seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

fn parent() {
    let seed: u64 = std::env::var("QINGDAN_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5EED_C4A5);
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    let id = {
        let mut db = Db::open(&path).unwrap();
        demo::populate(&mut db).unwrap();
        let facility = registry::facility_list(
            &db,
            &FacilityQuery { kind: Some(TargetKind::ElderlyCareInstitution), ..Default::default() },
        )
        .unwrap()
        .remove(0);
        let input = StartInspection {
            target_id: facility.id,
            kind: InspectionKind::Unannounced,
            date: "2024-05-20".into(),
            group: "第三组".into(),
            leader: String::new(),
            members: vec![],
            representatives: vec![],
        };
        inspection::start(&mut db, &input, "setup").unwrap().summary.id
    };
    let exe = std::env::current_exe().unwrap();
    // The value each item must have: every reported save, plus at most one
    // committed-but-unreported save per round, in the order they happened.
    let mut model: BTreeMap<String, String> = BTreeMap::new();
    let (mut total_saves, mut rounds_with_saves, mut in_flight_commits) = (0usize, 0u32, 0u32);
    let started = Instant::now();

    for round in 0..ROUNDS {
        let delay = Duration::from_millis(rng.below(60));
        let mut child = Command::new(&exe)
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, format!("{}|{id}|{round}", path.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            let mut buf = [0u8; 4096];
            loop {
                match stdout.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        s.push_str(&String::from_utf8_lossy(&buf[..n]));
                        if s.contains("ready\n") {
                            let _ = ready_tx.send(());
                        }
                    }
                }
            }
            s
        });
        // A child that never gets ready is killed after the timeout and fails the round below.
        let _ = ready_rx.recv_timeout(Duration::from_secs(30));
        std::thread::sleep(delay);
        child.kill().unwrap();
        let status = child.wait().unwrap();
        let out = reader.join().unwrap();
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        assert_eq!(status.signal(), Some(9), "round {round}: the child died by itself ({status}):\n{err}");

        // Only whole lines count: a line cut by the kill was never shown. The
        // test harness prints “test NAME ... ” without a line break before the
        // test runs, so the first report may share its line.
        let saved: Vec<(String, String)> = out
            .split_inclusive('\n')
            .filter(|l| l.ends_with('\n'))
            .filter_map(|l| l.trim_end().rsplit_once("saved ").map(|(_, rest)| rest))
            .map(|l| {
                let (code, verdict) = l.split_once(' ').expect("saved CODE VERDICT");
                (code.to_string(), verdict.to_string())
            })
            .collect();
        total_saves += saved.len();
        rounds_with_saves += u32::from(!saved.is_empty());

        let db = Db::open(&path).unwrap_or_else(|e| panic!("round {round}: the app cannot reopen the database: {e}"));
        let conn = db.conn();
        let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(integrity, "ok", "round {round}");
        let logged = |actor: &str| -> Vec<(String, String)> {
            let mut st = conn
                .prepare(
                    "SELECT entity_id, coalesce(new_value, '') FROM change_log
                     WHERE actor = ?1 AND entity = 'inspection_item' AND field = 'verdict'",
                )
                .unwrap();
            st.query_map([actor], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap().map(|r| r.unwrap()).collect()
        };
        for (step, (code, verdict)) in saved.iter().enumerate() {
            assert_eq!(
                logged(&actor(round, step)),
                vec![(format!("{id}/{code}"), verdict.clone())],
                "round {round}, step {step}: the reported save of {code} = {verdict} has its change-log row (seed {seed})"
            );
            model.insert(code.clone(), verdict.clone());
        }
        match logged(&actor(round, saved.len())).as_slice() {
            [] => {}
            [(entity, verdict)] => {
                in_flight_commits += 1;
                let code = entity.rsplit('/').next().unwrap().to_string();
                model.insert(code, verdict.clone());
            }
            more => panic!("round {round}: one step logged twice: {more:?}"),
        }
        let mut later = conn.prepare("SELECT count(*) FROM change_log WHERE actor LIKE ?1").unwrap();
        let beyond: i64 = later.query_row([format!("crash-r{round}-s%")], |r| r.get(0)).unwrap();
        assert!(
            beyond as usize <= saved.len() + 1,
            "round {round}: {beyond} verdict changes logged but only {} reported (+1 in flight)",
            saved.len()
        );

        let detail = inspection::show(&db, &id).unwrap();
        for (code, want) in &model {
            let got = detail.items.iter().find(|i| &i.code == code).unwrap().verdict.map(|v| v.slug().to_string());
            assert_eq!(got.as_deref(), Some(want.as_str()), "round {round}: {code} (seed {seed})");
        }
    }

    eprintln!(
        "crash test: {ROUNDS} kills, {total_saves} reported saves ({rounds_with_saves} rounds with saves, \
         {in_flight_commits} committed just before the kill) in {:.1?}",
        started.elapsed()
    );
    assert!(total_saves >= 100, "the child saved too little to test anything ({total_saves})");
    assert!(rounds_with_saves >= ROUNDS / 2, "most kills should hit a child that was saving");
}
