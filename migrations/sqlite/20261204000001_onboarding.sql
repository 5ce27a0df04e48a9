-- Putting a township on Tianlian (issue 18): accounts that can be disabled, households lifted
-- out of poverty, households imported in bulk.

-- A disabled account cannot sign in; disabling raises its session epoch (its sessions end) and
-- revokes its API tokens in the same transaction.
ALTER TABLE accounts ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
ALTER TABLE accounts ADD COLUMN disabled_at TEXT;

-- The year a registered poor household was lifted out of poverty (脱贫); NULL while poor.
ALTER TABLE households ADD COLUMN poor_lifted_year INTEGER;

-- A person is found by phone across households (one person, one household).
CREATE INDEX persons_by_phone ON persons (phone);

-- Import runs may now hold households. SQLite cannot change a CHECK, so the table is rebuilt.
CREATE TABLE import_runs_new (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    kind        TEXT NOT NULL CHECK (kind IN ('plots', 'plantings', 'households')),
    dry_run     INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
    csv_text    TEXT NOT NULL,
    rows_ok     INTEGER NOT NULL DEFAULT 0,
    stored      INTEGER NOT NULL DEFAULT 0,
    errors_json TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL
);
INSERT INTO import_runs_new SELECT id, account_id, kind, dry_run, csv_text, rows_ok, stored, errors_json, created_at FROM import_runs;
DROP TABLE import_runs;
ALTER TABLE import_runs_new RENAME TO import_runs;
CREATE INDEX import_runs_by_account ON import_runs (account_id, id);

-- An account's page lists what was done to it and by it.
CREATE INDEX audit_log_by_account ON audit_log (account_id, id);
CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id, id);
