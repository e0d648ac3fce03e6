//! Hybrid logical clock stamps: `MMMMMMMMMMMMM-CCCCC`, the wall-clock
//! milliseconds and a counter, both zero-padded so the text sorts in time
//! order. A device's stamp never goes backwards, even when its clock does,
//! and after an import it is later than every stamp it has seen, so "newer"
//! means the same thing on every laptop.

use crate::error::{Error, Result};

pub const ZERO: &str = "0000000000000-00000";

/// Moves this device's stamp forward for a new transaction.
pub(crate) const TICK_SQL: &str = "UPDATE sync_state SET hlc = CASE
    WHEN ?1 > substr(hlc, 1, 13) THEN ?1 || '-00000'
    ELSE substr(hlc, 1, 13) || '-' || printf('%05d', CAST(substr(hlc, 15) AS INTEGER) + 1) END";

/// After an import: never behind what came in.
pub(crate) const WITNESS_SQL: &str = "UPDATE sync_state SET hlc = ?1 WHERE hlc < ?1";

pub fn millis_text(ms: i64) -> String {
    format!("{:013}", ms.max(0))
}

/// Checks the shape of a stamp that came from a file.
pub fn parse(s: &str) -> Result<(i64, u32)> {
    let bad = || Error::Internal(format!("bad clock stamp '{s}'"));
    let (ms, counter) = s.split_once('-').ok_or_else(bad)?;
    if ms.len() != 13 || counter.len() != 5 || !ms.bytes().chain(counter.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    Ok((ms.parse().map_err(|_| bad())?, counter.parse().map_err(|_| bad())?))
}

/// The wall-clock part as RFC 3339, for people.
pub fn wall_time(s: &str) -> Option<String> {
    let (ms, _) = parse(s).ok()?;
    chrono::DateTime::from_timestamp_millis(ms).map(crate::db::timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_sort_as_text_and_bad_ones_are_refused() {
        assert!(format!("{}-00001", millis_text(999)) < format!("{}-00000", millis_text(1000)));
        assert_eq!(parse("0001716166800000-00001").is_err(), true, "14 digits");
        assert_eq!(parse("1716166800000-00007").unwrap(), (1_716_166_800_000, 7));
        assert!(parse("1716166800000-0000x").is_err());
        assert_eq!(wall_time("1716166800000-00007").as_deref(), Some("2024-05-20T01:00:00.000Z"));
    }
}
