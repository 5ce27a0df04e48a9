-- A 300-worker field day (issue 15).

-- Marked absent at the roll call (点名): booked, came not, earns nothing that day. Cleared when a
-- later roll call records hours for them.
ALTER TABLE shift_assignments ADD COLUMN absent INTEGER NOT NULL DEFAULT 0 CHECK (absent IN (0, 1));

-- Roll calls as submitted, one row per idempotency key: a submission sent twice (a double tap,
-- a resend after the phone regained its signal) finds its key and records nothing again.
CREATE TABLE roll_calls (
    id           INTEGER PRIMARY KEY,
    shift_id     INTEGER NOT NULL REFERENCES shifts(id),
    idem_key     TEXT NOT NULL UNIQUE,
    present      INTEGER NOT NULL,
    absent       INTEGER NOT NULL,
    changed      INTEGER NOT NULL,
    submitted_by INTEGER REFERENCES accounts(id),
    submitted_at TEXT NOT NULL
);
CREATE INDEX roll_calls_by_shift ON roll_calls (shift_id);
