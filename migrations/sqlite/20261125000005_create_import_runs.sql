-- Bulk imports (CSV of plots or plantings): the text as sent and what the checks found, so a
-- dry run can be confirmed without pasting again and every import stays on record.
CREATE TABLE import_runs (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    kind        TEXT NOT NULL CHECK (kind IN ('plots', 'plantings')),
    dry_run     INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
    csv_text    TEXT NOT NULL,
    rows_ok     INTEGER NOT NULL DEFAULT 0,
    stored      INTEGER NOT NULL DEFAULT 0,
    errors_json TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL
);

CREATE INDEX import_runs_by_account ON import_runs (account_id, id);
