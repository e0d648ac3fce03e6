//! The schema, as forward-only migrations. Never edit a migration that has
//! shipped; add a new one. Each runs in a transaction (rusqlite_migration).

use rusqlite_migration::{Migrations, M};

/// Every record that travels between laptops has a UUIDv7 `id`, UTC
/// `created_at`/`updated_at` (RFC 3339) and the `device_id` that last changed it.
const V1_FOUNDATION: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE catalog_version (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    source       TEXT NOT NULL,
    is_reference INTEGER NOT NULL DEFAULT 0 CHECK (is_reference IN (0, 1)),
    imported_at  TEXT NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    device_id    TEXT NOT NULL
) STRICT;

CREATE TABLE catalog_group (
    id         TEXT PRIMARY KEY,
    version_id TEXT NOT NULL REFERENCES catalog_version(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('standard', 'indicator')),
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    UNIQUE (version_id, kind, name)
) STRICT;

CREATE TABLE catalog_item (
    id               TEXT PRIMARY KEY,
    version_id       TEXT NOT NULL REFERENCES catalog_version(id) ON DELETE CASCADE,
    group_id         TEXT NOT NULL REFERENCES catalog_group(id) ON DELETE CASCADE,
    code             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('standard', 'indicator')),
    title            TEXT NOT NULL,
    requirement      TEXT NOT NULL,
    basis            TEXT NOT NULL,
    methods          TEXT NOT NULL,   -- JSON array of check-method slugs
    applies_to       TEXT NOT NULL,   -- JSON array of target-kind slugs
    departments      TEXT NOT NULL,   -- JSON array of department names
    default_severity TEXT NOT NULL CHECK (default_severity IN ('general', 'serious', 'major')),
    major_hazard     INTEGER NOT NULL CHECK (major_hazard IN (0, 1)),
    quick_phrases    TEXT NOT NULL,   -- JSON array of typical findings
    position         INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    device_id        TEXT NOT NULL,
    UNIQUE (version_id, code)
) STRICT;
CREATE INDEX catalog_item_group ON catalog_item (group_id, position);

CREATE TABLE department (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    device_id  TEXT NOT NULL
) STRICT;

CREATE TABLE duty (
    id            TEXT PRIMARY KEY,
    department_id TEXT NOT NULL REFERENCES department(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    text          TEXT NOT NULL,
    item_codes    TEXT NOT NULL,   -- JSON array of catalog item codes
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    UNIQUE (department_id, text)
) STRICT;

CREATE TABLE jurisdiction (
    id         TEXT PRIMARY KEY,
    parent_id  TEXT REFERENCES jurisdiction(id),
    level      TEXT NOT NULL CHECK (level IN ('city', 'county', 'township')),
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    device_id  TEXT NOT NULL
) STRICT;
-- A NULL parent would escape a plain UNIQUE constraint.
CREATE UNIQUE INDEX jurisdiction_name ON jurisdiction (coalesce(parent_id, ''), name);

CREATE TABLE facility (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    operator_type  TEXT CHECK (operator_type IN ('public', 'public_private', 'private')),
    county_id      TEXT NOT NULL REFERENCES jurisdiction(id),
    township_id    TEXT REFERENCES jurisdiction(id),
    address        TEXT NOT NULL DEFAULT '',
    operator       TEXT NOT NULL DEFAULT '',
    beds           INTEGER CHECK (beds >= 0),
    residents      INTEGER CHECK (residents >= 0),
    star_level     INTEGER CHECK (star_level BETWEEN 1 AND 5),
    contact_person TEXT NOT NULL DEFAULT '',
    contact_phone  TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    UNIQUE (county_id, name)
) STRICT;
CREATE INDEX facility_kind ON facility (kind);
"#;

/// Field inspection: inspections pinned to a catalog version, one row per
/// checklist item, evidence by content hash, suggestions, sign-off,
/// amendments after signing, and the append-only change log.
const V2_INSPECTION: &str = r#"
CREATE TABLE attachment (
    sha256        TEXT PRIMARY KEY,
    media_type    TEXT NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size          INTEGER NOT NULL CHECK (size > 0),
    width         INTEGER,
    height        INTEGER,
    original_name TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    device_id     TEXT NOT NULL
) STRICT;

CREATE TABLE inspection (
    id                 TEXT PRIMARY KEY,
    target_kind        TEXT NOT NULL,
    target_id          TEXT NOT NULL,
    target_name        TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('law_enforcement', 'special', 'unannounced', 'look_back', 'self_check_review')),
    date               TEXT NOT NULL,
    catalog_version_id TEXT NOT NULL REFERENCES catalog_version(id),
    group_name         TEXT NOT NULL,
    leader             TEXT NOT NULL DEFAULT '',
    members            TEXT NOT NULL DEFAULT '[]',
    representatives    TEXT NOT NULL DEFAULT '[]',
    status             TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
    signed_at          TEXT,
    signed_inspectors  TEXT NOT NULL DEFAULT '[]',
    signed_representative TEXT NOT NULL DEFAULT '',
    signature_sha256   TEXT REFERENCES attachment(sha256),
    last_item_code     TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    device_id          TEXT NOT NULL
) STRICT;
CREATE INDEX inspection_target ON inspection (target_id, date);

CREATE TABLE inspection_item (
    id            TEXT PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
    item_code     TEXT NOT NULL,
    position      INTEGER NOT NULL,
    added_by_hand INTEGER NOT NULL DEFAULT 0 CHECK (added_by_hand IN (0, 1)),
    verdict       TEXT CHECK (verdict IN ('compliant', 'partial', 'noncompliant', 'na')),
    finding       TEXT NOT NULL DEFAULT '',
    severity      TEXT CHECK (severity IN ('general', 'serious', 'major')),
    scope         TEXT CHECK (scope IN ('individual', 'partial', 'widespread')),
    na_reason     TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    UNIQUE (inspection_id, item_code)
) STRICT;

CREATE TABLE evidence (
    id            TEXT PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
    item_code     TEXT,
    sha256        TEXT NOT NULL REFERENCES attachment(sha256),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    device_id     TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX evidence_once ON evidence (inspection_id, coalesce(item_code, ''), sha256);

CREATE TABLE suggestion (
    id            TEXT PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
    item_code     TEXT,
    text          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    device_id     TEXT NOT NULL
) STRICT;

CREATE TABLE amendment (
    id            TEXT PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
    item_code     TEXT NOT NULL,
    reason        TEXT NOT NULL,
    before        TEXT NOT NULL,   -- JSON of the item's verdict, finding, severity, scope
    after         TEXT NOT NULL,
    actor         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    device_id     TEXT NOT NULL
) STRICT;

-- The audit trail and the raw material of file sync: never updated, never deleted.
CREATE TABLE change_log (
    id        TEXT PRIMARY KEY,
    at        TEXT NOT NULL,
    device_id TEXT NOT NULL,
    actor     TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field     TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
) STRICT;
CREATE INDEX change_log_entity ON change_log (entity, entity_id);
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
"#;

/// The seven lists: problems (from findings or other sources) and their
/// life — rectification plan, progress, verification, close-out — as an
/// append-only event trail; suggestions outside inspections; evaluations;
/// the learning list's "studied" marks.
const V3_LISTS: &str = r#"
CREATE TABLE problem (
    id                 TEXT PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    target_kind        TEXT NOT NULL,
    target_id          TEXT,
    target_name        TEXT NOT NULL,
    county_id          TEXT REFERENCES jurisdiction(id),
    item_code          TEXT,
    category           TEXT NOT NULL,
    description        TEXT NOT NULL,
    severity           TEXT NOT NULL CHECK (severity IN ('general', 'serious', 'major')),
    scope              TEXT CHECK (scope IN ('individual', 'partial', 'widespread')),
    source             TEXT NOT NULL CHECK (source IN ('law_enforcement', 'special', 'unannounced', 'look_back',
                           'self_check', 'public_report', 'forum', 'deputy')),
    group_name         TEXT NOT NULL DEFAULT '',
    found_on           TEXT NOT NULL,
    inspection_id      TEXT REFERENCES inspection(id),
    department_id      TEXT REFERENCES department(id),
    responsible_unit   TEXT NOT NULL DEFAULT '',
    responsible_person TEXT NOT NULL DEFAULT '',
    measure            TEXT NOT NULL DEFAULT '',
    deadline           TEXT,
    status             TEXT NOT NULL DEFAULT 'pending'
                           CHECK (status IN ('pending', 'in_progress', 'awaiting_verification', 'closed', 'withdrawn')),
    rectified_on       TEXT,
    closed_on          TEXT,
    merged_into        TEXT REFERENCES problem(id),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    device_id          TEXT NOT NULL,
    CHECK (deadline IS NULL OR deadline >= found_on)
) STRICT;
CREATE INDEX problem_status ON problem (status, deadline);
CREATE INDEX problem_county ON problem (county_id, status);
CREATE INDEX problem_target ON problem (target_id, status);
CREATE INDEX problem_inspection ON problem (inspection_id);

-- Which findings a problem stands for (several when the inspector merged them).
CREATE TABLE problem_finding (
    inspection_id TEXT NOT NULL REFERENCES inspection(id),
    item_code     TEXT NOT NULL,
    problem_id    TEXT NOT NULL REFERENCES problem(id),
    created_at    TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    PRIMARY KEY (inspection_id, item_code)
) STRICT;
CREATE INDEX problem_finding_problem ON problem_finding (problem_id);

-- The life of a problem, never rewritten: what happened, when, by whom.
CREATE TABLE problem_event (
    id            TEXT PRIMARY KEY,
    problem_id    TEXT NOT NULL REFERENCES problem(id),
    kind          TEXT NOT NULL CHECK (kind IN ('created', 'planned', 'progress', 'reported_done', 'verified', 'returned',
                      'reopened', 'merged', 'withdrawn', 'restored')),
    on_date       TEXT NOT NULL,
    actor         TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    method        TEXT CHECK (method IN ('look_back', 'document_review', 'unannounced')),
    result        TEXT CHECK (result IN ('pass', 'fail')),
    verifier      TEXT NOT NULL DEFAULT '',
    inspection_id TEXT REFERENCES inspection(id),
    from_status   TEXT,
    to_status     TEXT,
    created_at    TEXT NOT NULL,
    device_id     TEXT NOT NULL
) STRICT;
CREATE INDEX problem_event_problem ON problem_event (problem_id, created_at);
CREATE TRIGGER problem_event_no_update BEFORE UPDATE ON problem_event
BEGIN SELECT RAISE(ABORT, 'problem_event is append-only'); END;

CREATE TABLE problem_evidence (
    id         TEXT PRIMARY KEY,
    problem_id TEXT NOT NULL REFERENCES problem(id),
    event_id   TEXT REFERENCES problem_event(id),
    sha256     TEXT NOT NULL REFERENCES attachment(sha256),
    created_at TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    UNIQUE (problem_id, sha256)
) STRICT;

-- 意见建议 from any source; those made during an inspection stay in
-- `suggestion` and are listed beside these.
CREATE TABLE opinion (
    id          TEXT PRIMARY KEY,
    text        TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('law_enforcement', 'special', 'unannounced', 'look_back',
                    'self_check', 'public_report', 'forum', 'deputy')),
    addressee   TEXT NOT NULL DEFAULT '',
    county_id   TEXT REFERENCES jurisdiction(id),
    target_name TEXT NOT NULL DEFAULT '',
    group_name  TEXT NOT NULL DEFAULT '',
    made_on     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    device_id   TEXT NOT NULL
) STRICT;
ALTER TABLE suggestion ADD COLUMN addressee TEXT NOT NULL DEFAULT '';

CREATE TABLE evaluation (
    id            TEXT PRIMARY KEY,
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('department', 'county', 'topic')),
    subject       TEXT NOT NULL,
    department_id TEXT REFERENCES department(id),
    county_id     TEXT REFERENCES jurisdiction(id),
    topic         TEXT NOT NULL DEFAULT '',
    aspect        TEXT NOT NULL CHECK (aspect IN ('rectification', 'report', 'result')),
    evaluator     TEXT NOT NULL CHECK (evaluator IN ('congress', 'deputies', 'public')),
    evaluated_on  TEXT NOT NULL,
    score         REAL NOT NULL CHECK (score >= 0 AND score <= 100),
    comment       TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    device_id     TEXT NOT NULL
) STRICT;
CREATE INDEX evaluation_subject ON evaluation (subject_kind, subject);

CREATE TABLE study_mark (
    person     TEXT NOT NULL,
    document   TEXT NOT NULL,
    studied_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    PRIMARY KEY (person, document)
) STRICT;
"#;

/// File sync: every change to a record that travels is also an operation in
/// `sync_op` (written by triggers that `crate::sync::schema` installs), with
/// the device that made it, its sequence number on that device and a hybrid
/// logical clock stamp. `sync_succ` says which operation replaced which, so
/// the current value of a field is the one no later operation replaced, and
/// two such values are a conflict. The rest is this laptop's own: its peers,
/// what each peer is known to have, and the bundles imported.
const V4_SYNC: &str = r#"
CREATE TABLE sync_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    hlc       TEXT NOT NULL,
    applying  INTEGER NOT NULL DEFAULT 0 CHECK (applying IN (0, 1))
) STRICT;
INSERT INTO sync_state (id, device_id, seq, hlc)
VALUES (1, coalesce((SELECT value FROM meta WHERE key = 'device_id'), ''), 0, '0000000000000-00000');

CREATE TABLE sync_op (
    id        TEXT PRIMARY KEY,   -- origin ':' twelve-digit seq, so id order is (origin, seq) order
    origin    TEXT NOT NULL,      -- the device that made the change
    seq       INTEGER NOT NULL CHECK (seq > 0),
    hlc       TEXT NOT NULL,      -- milliseconds (13 digits) '-' counter (5 digits)
    tbl       TEXT NOT NULL,
    row_id    TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('insert', 'set', 'delete')),
    col       TEXT,               -- for 'set'
    value     ANY,                -- 'set': the new value; 'insert': the row as a JSON object
    bases     TEXT NOT NULL DEFAULT '[]',  -- 'set': the operations it replaced
    actor     TEXT NOT NULL DEFAULT '',
    bundle_id TEXT,               -- the bundle that brought it here; NULL when made here
    CHECK ((kind = 'set') = (col IS NOT NULL))
) STRICT;
CREATE INDEX sync_op_row ON sync_op (tbl, row_id, col);
CREATE INDEX sync_op_bundle ON sync_op (bundle_id) WHERE bundle_id IS NOT NULL;

CREATE TABLE sync_succ (
    base_id TEXT NOT NULL,
    op_id   TEXT NOT NULL,
    PRIMARY KEY (base_id, op_id)
) STRICT, WITHOUT ROWID;

-- The current value(s) of each field: the `set` operations nothing replaced.
-- Kept as a table so that a change finds what it replaces in one lookup,
-- however long the field's history.
CREATE TABLE sync_head (
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    col    TEXT NOT NULL,
    op_id  TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id, col, op_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_peer (
    device_id  TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    public_key TEXT NOT NULL,
    trusted_at TEXT NOT NULL,
    last_seen  TEXT
) STRICT;

-- The highest sequence number of each origin a peer is known to have.
CREATE TABLE sync_peer_mark (
    peer   TEXT NOT NULL,
    origin TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (peer, origin)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_bundle (
    id          TEXT PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    file_name   TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    device_name TEXT NOT NULL,
    made_at     TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    report      TEXT NOT NULL
) STRICT;
"#;

/// An import checks the references of the rows it touched through a
/// temporary table of them; no query looks operations up by bundle any more,
/// and the index cost every stored operation a third b-tree write.
const V5_SYNC_OP_NO_BUNDLE_INDEX: &str = "DROP INDEX IF EXISTS sync_op_bundle;";

/// 任务分配: which inspection group inspects which county/district, facility
/// or department. `target_id` points into the table `target_kind` names, so
/// it is no foreign key; a sync import checks it (`crate::sync::import`).
const V6_ASSIGNMENT: &str = r#"
CREATE TABLE assignment (
    id           TEXT PRIMARY KEY,
    group_name   TEXT NOT NULL,
    target_kind  TEXT NOT NULL CHECK (target_kind IN ('county', 'facility', 'department')),
    target_id    TEXT NOT NULL,
    planned_date TEXT,
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    UNIQUE (group_name, target_kind, target_id)
) STRICT;
CREATE INDEX assignment_target ON assignment (target_id);
"#;

/// Sync a team can trust (see `crate::sync::chain` and `crate::sync::roster`):
///
/// - `sync_state.origin` is the chain this laptop records its changes in now;
///   a new one starts in each session that writes, so a laptop restored from a
///   backup never reuses a number it already sent. The chains so far are the
///   device's own id, as before.
/// - Each operation gets its hash and chain value; `sync_link` holds those of
///   positions whose operation is not here (left out of a partial bundle) and
///   the anchors of runs; `sync_attest` the signed chain heads received.
/// - `sync_chain` says which device each chain belongs to.
/// - The team roster (`sync_roster`), signed by a supervisor's device; a peer
///   trusted directly as 督查组 (`sync_peer.supervisor`) may issue it.
/// - Two laptops may give two problems the same 编号: the number is no longer
///   unique in the table (a clash is listed for a person to settle), so the
///   table is rebuilt without that constraint.
const V7_SYNC_TRUST: &str = r#"
ALTER TABLE sync_state ADD COLUMN origin TEXT NOT NULL DEFAULT '';
UPDATE sync_state SET origin = device_id;
ALTER TABLE sync_op ADD COLUMN hash BLOB;
ALTER TABLE sync_op ADD COLUMN chain BLOB;

CREATE TABLE sync_chain (
    origin     TEXT PRIMARY KEY,
    device_id  TEXT NOT NULL,
    started_at TEXT
) STRICT;
INSERT INTO sync_chain (origin, device_id) SELECT DISTINCT origin, origin FROM sync_op;
INSERT OR IGNORE INTO sync_chain (origin, device_id) SELECT device_id, device_id FROM sync_state WHERE device_id <> '';

CREATE TABLE sync_link (
    origin TEXT NOT NULL,
    seq    INTEGER NOT NULL CHECK (seq >= 0),
    hash   BLOB,             -- NULL for an anchor: only the chain value is known
    chain  BLOB NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_attest (
    origin    TEXT NOT NULL,
    seq       INTEGER NOT NULL CHECK (seq > 0),
    chain     BLOB NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;

ALTER TABLE sync_peer ADD COLUMN supervisor INTEGER NOT NULL DEFAULT 0 CHECK (supervisor IN (0, 1));

CREATE TABLE sync_roster (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    version     INTEGER NOT NULL,
    issuer      TEXT NOT NULL,
    body        TEXT NOT NULL,   -- the roster's JSON, exactly as signed
    signature   TEXT NOT NULL,
    accepted_at TEXT NOT NULL
) STRICT;

PRAGMA defer_foreign_keys = ON;
CREATE TABLE problem_v7 (
    id                 TEXT PRIMARY KEY,
    number             TEXT NOT NULL,
    target_kind        TEXT NOT NULL,
    target_id          TEXT,
    target_name        TEXT NOT NULL,
    county_id          TEXT REFERENCES jurisdiction(id),
    item_code          TEXT,
    category           TEXT NOT NULL,
    description        TEXT NOT NULL,
    severity           TEXT NOT NULL CHECK (severity IN ('general', 'serious', 'major')),
    scope              TEXT CHECK (scope IN ('individual', 'partial', 'widespread')),
    source             TEXT NOT NULL CHECK (source IN ('law_enforcement', 'special', 'unannounced', 'look_back',
                           'self_check', 'public_report', 'forum', 'deputy')),
    group_name         TEXT NOT NULL DEFAULT '',
    found_on           TEXT NOT NULL,
    inspection_id      TEXT REFERENCES inspection(id),
    department_id      TEXT REFERENCES department(id),
    responsible_unit   TEXT NOT NULL DEFAULT '',
    responsible_person TEXT NOT NULL DEFAULT '',
    measure            TEXT NOT NULL DEFAULT '',
    deadline           TEXT,
    status             TEXT NOT NULL DEFAULT 'pending'
                           CHECK (status IN ('pending', 'in_progress', 'awaiting_verification', 'closed', 'withdrawn')),
    rectified_on       TEXT,
    closed_on          TEXT,
    merged_into        TEXT REFERENCES problem(id),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    device_id          TEXT NOT NULL,
    CHECK (deadline IS NULL OR deadline >= found_on)
) STRICT;
INSERT INTO problem_v7 SELECT * FROM problem;
DROP TABLE problem;
ALTER TABLE problem_v7 RENAME TO problem;
CREATE INDEX problem_number ON problem (number);
CREATE INDEX problem_status ON problem (status, deadline);
CREATE INDEX problem_county ON problem (county_id, status);
CREATE INDEX problem_target ON problem (target_id, status);
CREATE INDEX problem_inspection ON problem (inspection_id);
-- The rebuilt table lost its recording triggers: have them installed again.
DELETE FROM meta WHERE key = 'sync_triggers';
"#;

/// Every migration, oldest first. Never edit one that has shipped; add the next.
const MIGRATIONS: &[&str] = &[
    V1_FOUNDATION,
    V2_INSPECTION,
    V3_LISTS,
    V4_SYNC,
    V5_SYNC_OP_NO_BUNDLE_INDEX,
    V6_ASSIGNMENT,
    V7_SYNC_TRUST,
];

pub fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// The schema version this build writes (`PRAGMA user_version`): one per migration.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid_and_latest_version_matches() {
        migrations().validate().expect("every migration applies on an empty database");
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, latest_version(), "latest_version() must count every migration");
    }
}
