//! Settings of this device that live in the database: the name of the person
//! using it, which the change log records as “who”.

use crate::db::Db;
use crate::error::{Error, Reason, Result};
use crate::text::clean;

const USER_NAME: &str = "user_name";

/// The name set by the person, if any.
pub fn configured_user_name(db: &Db) -> Result<Option<String>> {
    Ok(db.meta_get(USER_NAME)?.filter(|n| !n.trim().is_empty()))
}

/// The configured name, else the system user, else 本机用户.
pub fn user_name(db: &Db) -> Result<String> {
    if let Some(n) = configured_user_name(db)? {
        return Ok(n);
    }
    Ok(std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .map(|s| clean(&s))
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "本机用户".into()))
}

pub fn set_user_name(db: &mut Db, name: &str) -> Result<()> {
    let name = clean(name);
    if name.is_empty() {
        return Err(Error::invalid("name", Reason::Required));
    }
    if name.chars().count() > 50 || name.chars().any(char::is_control) {
        return Err(Error::invalid("name", Reason::TooLong { max: 50 }));
    }
    db.with_tx(|tx| tx.meta_set(USER_NAME, &name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configured_name_wins_and_bad_names_change_nothing() {
        let mut db = Db::open_in_memory().unwrap();
        set_user_name(&mut db, "  张 三 ").unwrap();
        assert_eq!(user_name(&db).unwrap(), "张 三");
        assert!(set_user_name(&mut db, "   ").is_err());
        assert!(set_user_name(&mut db, &"长".repeat(51)).is_err());
        assert_eq!(user_name(&db).unwrap(), "张 三");
    }
}
