-- Accounts, API tokens and the audit log.

CREATE TABLE accounts (
    id                   INTEGER PRIMARY KEY,
    phone                TEXT NOT NULL UNIQUE,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('admin', 'agronomist', 'cooperative', 'farmer')),
    township_id          INTEGER REFERENCES townships(id),
    cooperative_id       INTEGER REFERENCES cooperatives(id),
    household_id         INTEGER REFERENCES households(id),
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    created_at           TEXT NOT NULL,
    -- Each role is bound to exactly the place its scope names.
    CHECK (
        (role = 'admin' AND township_id IS NULL AND cooperative_id IS NULL AND household_id IS NULL)
        OR (role = 'agronomist' AND township_id IS NOT NULL AND cooperative_id IS NULL AND household_id IS NULL)
        OR (role = 'cooperative' AND cooperative_id IS NOT NULL AND township_id IS NULL AND household_id IS NULL)
        OR (role = 'farmer' AND household_id IS NOT NULL AND township_id IS NULL AND cooperative_id IS NULL)
    )
);

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    -- SHA-256 of the token, hex; the token itself is shown once and never stored.
    token_hash  TEXT NOT NULL UNIQUE,
    label       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    account_id  INTEGER REFERENCES accounts(id),
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   INTEGER,
    before_json TEXT,
    after_json  TEXT
);

CREATE INDEX audit_log_by_time ON audit_log (at);
