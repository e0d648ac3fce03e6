//! Hybrid logical clock stamps, the time every recorded change carries.
//!
//! A [`Stamp`] is the wall-clock milliseconds and a counter. It is stored and
//! sent as `MMMMMMMMMMMMM-CCCCC` (13 and 5 digits, zero-padded) so that text
//! order is time order. This laptop's clock ([`Stamp::tick`]) never goes
//! backwards, even when the wall clock does, and after an import it is never
//! behind what it received ([`Stamp::witness`]): a change made after seeing
//! another one sorts after it on every laptop, whatever their clocks say.
//!
//! What this module does not do: decide whether a stamp from elsewhere is
//! believable. An import refuses stamps too far ahead of this laptop's clock
//! ([`MAX_AHEAD`]), so one laptop set to 2036 cannot make its changes win for
//! ten years.

use std::fmt;

use chrono::{DateTime, Utc};

/// The largest counter that fits the five digits; the next tick carries into
/// the milliseconds instead.
pub const MAX_COUNTER: u32 = 99_999;

/// The largest millisecond value that fits the thirteen digits (year 2286).
pub const MAX_MILLIS: u64 = 9_999_999_999_999;

/// How far ahead of this laptop's clock a received stamp may be. A day and a
/// half covers time zones set wrongly both ways and a clock that drifted for
/// months; a year typed wrongly is far beyond it.
pub const MAX_AHEAD: chrono::Duration = chrono::Duration::hours(36);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Stamp {
    millis: u64,
    counter: u32,
}

impl Stamp {
    pub const ZERO: Stamp = Stamp { millis: 0, counter: 0 };

    pub fn new(millis: u64, counter: u32) -> Option<Stamp> {
        (millis <= MAX_MILLIS && counter <= MAX_COUNTER).then_some(Stamp { millis, counter })
    }

    /// Reads the stored form; `None` for anything else (a 14-digit millisecond
    /// part, a 6-digit counter, a sign, spaces).
    pub fn parse(s: &str) -> Option<Stamp> {
        let (ms, counter) = s.split_once('-')?;
        if ms.len() != 13 || counter.len() != 5 || !ms.bytes().chain(counter.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        Stamp::new(ms.parse().ok()?, counter.parse().ok()?)
    }

    /// A stamp at wall-clock time `t` with counter 0.
    pub fn at(t: DateTime<Utc>) -> Stamp {
        Stamp { millis: (t.timestamp_millis().max(0) as u64).min(MAX_MILLIS), counter: 0 }
    }

    pub fn millis(self) -> u64 {
        self.millis
    }

    /// The stamp of a new change made at wall-clock time `now`: later than
    /// `self` (the last stamp issued or received) and not before `now`.
    pub fn tick(self, now: DateTime<Utc>) -> Stamp {
        let wall = Stamp::at(now);
        if wall.millis > self.millis {
            return wall;
        }
        if self.counter < MAX_COUNTER {
            return Stamp { millis: self.millis, counter: self.counter + 1 };
        }
        // 100,000 changes within one millisecond value (or a clock held still
        // behind a stamp received): borrow the next millisecond.
        Stamp { millis: (self.millis + 1).min(MAX_MILLIS), counter: 0 }
    }

    /// The clock after receiving `other`: never behind it.
    pub fn witness(self, other: Stamp) -> Stamp {
        self.max(other)
    }

    /// The wall-clock part.
    pub fn wall(self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.millis as i64).unwrap_or_default()
    }

    /// Whether a received stamp is further ahead of `now` than [`MAX_AHEAD`].
    pub fn too_far_ahead_of(self, now: DateTime<Utc>) -> bool {
        self.millis > Stamp::at(now + MAX_AHEAD).millis
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:013}-{:05}", self.millis, self.counter)
    }
}

/// No record of this app can be dated before this day: the linked
/// supervision its reference catalog was written for began in 2024. A clock
/// showing an earlier day lost its battery (2000-01-01) or was set wrongly.
pub const EARLIEST_PLAUSIBLE: (i32, u32, u32) = (2024, 1, 1);

/// How far this laptop's clock may run ahead of the newest change received
/// from another laptop before it is called wrong. A laptop left in a drawer
/// for a season is fine; a year typed as 2036 is not.
pub const FAR_AHEAD_OF_RECEIVED: chrono::Duration = chrono::Duration::days(400);

/// What is obviously wrong with this laptop's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ClockFault {
    /// Before [`EARLIEST_PLAUSIBLE`].
    BeforeEarliest,
    /// Behind a change this laptop already stamped or received: set back.
    BehindRecorded,
    /// Far ahead of the newest change received from others.
    FarAhead,
}

/// A warning for the person at the laptop, in both languages, with the two
/// times compared (Beijing time, to the minute).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ClockWarning {
    pub fault: ClockFault,
    pub now: String,
    pub reference: String,
    pub zh: String,
    pub en: String,
}

fn beijing_minute(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8")).format("%Y-%m-%d %H:%M").to_string()
}

/// Judges the wall clock `now` against `recorded` (this laptop's clock, the
/// latest stamp it issued or witnessed) and the newest stamp received from
/// another laptop. `None` when nothing is obviously wrong.
pub fn judge_clock(now: DateTime<Utc>, recorded: Stamp, newest_received: Option<Stamp>) -> Option<ClockWarning> {
    let (y, m, d) = EARLIEST_PLAUSIBLE;
    let earliest = chrono::NaiveDate::from_ymd_opt(y, m, d).expect("valid date").and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let warn = |fault, reference: DateTime<Utc>, zh: String, en: String| {
        Some(ClockWarning { fault, now: beijing_minute(now), reference: beijing_minute(reference), zh, en })
    };
    let shown = beijing_minute(now);
    if now < earliest {
        return warn(
            ClockFault::BeforeEarliest,
            earliest,
            format!("本机时钟显示 {shown}，早于本程序任何记录可能的日期，可能是主板电池耗尽或时间设置错误。请先校准系统时间，再录入或同步。"),
            format!("This laptop's clock says {shown}, earlier than any record of this app can be; set the system time before recording or syncing."),
        );
    }
    if recorded.millis() > Stamp::at(now + MAX_AHEAD).millis() {
        let r = beijing_minute(recorded.wall());
        return warn(
            ClockFault::BehindRecorded,
            recorded.wall(),
            format!("本机时钟显示 {shown}，却已有 {r} 的记录，时钟可能被调慢。新录入的内容仍会排在已有记录之后，但请校准系统时间。"),
            format!("This laptop's clock says {shown}, yet it already holds records of {r}: the clock was set back. New entries still sort after them, but please set the time."),
        );
    }
    if let Some(seen) = newest_received {
        if seen > Stamp::ZERO && now > seen.wall() + FAR_AHEAD_OF_RECEIVED {
            let r = beijing_minute(seen.wall());
            return warn(
                ClockFault::FarAhead,
                seen.wall(),
                format!("本机时钟显示 {shown}，比收到的最新记录（{r}）晚一年以上，可能年份设置错误。其他电脑会拒收时间明显超前的记录，请先校准系统时间。"),
                format!("This laptop's clock says {shown}, over a year after the newest record received ({r}); the year may be wrong. Other laptops refuse records stamped far ahead, so set the time first."),
            );
        }
    }
    None
}

/// The wall-clock part of a stored stamp as RFC 3339, for people.
pub fn wall_time(s: &str) -> Option<String> {
    Stamp::parse(s).map(|st| crate::db::timestamp(st.wall()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t(ms: i64) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(ms).unwrap()
    }

    #[test]
    fn text_form_sorts_as_time_and_bad_forms_are_refused() {
        assert!(Stamp::new(999, 1).unwrap().to_string() < Stamp::new(1000, 0).unwrap().to_string());
        assert_eq!(Stamp::parse("1716166800000-00007"), Stamp::new(1_716_166_800_000, 7));
        for bad in ["0001716166800000-00001", "1716166800000-0000x", "1716166800000-100000", "1716166800000", "-1716166800000-00001", ""] {
            assert_eq!(Stamp::parse(bad), None, "{bad}");
        }
        assert_eq!(wall_time("1716166800000-00007").as_deref(), Some("2024-05-20T01:00:00.000Z"));
    }

    #[test]
    fn the_counter_carries_into_the_milliseconds_instead_of_growing_a_digit() {
        let full = Stamp::new(5_000, MAX_COUNTER).unwrap();
        let next = full.tick(t(4_000));
        assert_eq!(next, Stamp::new(5_001, 0).unwrap());
        assert_eq!(next.to_string().len(), full.to_string().len());
        assert!(next.to_string() > full.to_string());
    }

    #[test]
    fn a_clock_set_back_does_not_move_the_stamp_back() {
        let late = Stamp::at(t(1_800_000_000_000));
        let after = late.tick(t(946_684_800_000)); // 2000-01-01
        assert!(after > late);
        assert_eq!(after.millis(), late.millis());
    }

    #[test]
    fn far_ahead_is_measured_from_the_receivers_clock() {
        let now = t(1_716_166_800_000);
        assert!(!Stamp::at(now + chrono::Duration::hours(35)).too_far_ahead_of(now));
        assert!(Stamp::at(now + chrono::Duration::days(365 * 10)).too_far_ahead_of(now));
    }

    #[test]
    fn a_clock_is_called_wrong_only_when_it_obviously_is() {
        let may_2024 = t(1_716_166_800_000);
        let fine = Stamp::at(may_2024 - chrono::Duration::hours(2));
        assert_eq!(judge_clock(may_2024, fine, Some(fine)), None);
        // A flat battery.
        let w = judge_clock(t(946_684_800_000), Stamp::ZERO, None).unwrap();
        assert_eq!(w.fault, ClockFault::BeforeEarliest);
        assert!(w.zh.contains("2000-01-01 08:00"), "{}", w.zh);
        // Set back after recording.
        let w = judge_clock(may_2024, Stamp::at(may_2024 + chrono::Duration::days(3)), Some(fine)).unwrap();
        assert_eq!(w.fault, ClockFault::BehindRecorded);
        // A year typed as 2036; a season in a drawer is not flagged.
        assert_eq!(judge_clock(may_2024 + chrono::Duration::days(120), fine, Some(fine)), None);
        let w = judge_clock(may_2024 + chrono::Duration::days(365 * 12), fine, Some(fine)).unwrap();
        assert_eq!(w.fault, ClockFault::FarAhead);
        assert!(w.reference.starts_with("2024-05-20"), "{}", w.reference);
    }

    proptest! {
        /// Whatever the wall clock does, each tick is later than the last, and
        /// a tick after witnessing a stamp is later than that stamp.
        #[test]
        fn ticks_only_go_forward(start in 0u64..MAX_MILLIS / 2, walls in proptest::collection::vec(-10_000i64..10_000, 1..200), seen in 0u64..MAX_MILLIS / 2) {
            let mut s = Stamp::new(start, 0).unwrap();
            let received = Stamp::new(seen, 3).unwrap();
            for (i, w) in walls.iter().enumerate() {
                let before = s;
                s = s.tick(t(start as i64 + w));
                prop_assert!(s > before);
                prop_assert!(Stamp::parse(&s.to_string()) == Some(s));
                if i == walls.len() / 2 {
                    s = s.witness(received);
                    let next = s.tick(t(0));
                    prop_assert!(next > received);
                    s = next;
                }
            }
        }
    }
}
