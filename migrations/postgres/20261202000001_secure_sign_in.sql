-- Sign-in that a hostile caller cannot exhaust or abuse (issue 14).

-- A password change or an admin reset raises the account's epoch; a session remembers the
-- epoch it signed in under and ends when the two differ.
ALTER TABLE accounts ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;

-- Sign-in throttles, shared by every instance on one database. One row per client address
-- ('addr:…', attempts in the current minute) and per account or known device ('account:…',
-- 'device:…', consecutive failures and when the next attempt may come). Rows idle past their
-- use are deleted; only well-formed phones of real accounts ever get a row.
CREATE TABLE sign_in_throttle (
    key           TEXT PRIMARY KEY,
    attempts      BIGINT NOT NULL,
    window_start  BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL
);
CREATE INDEX sign_in_throttle_by_window ON sign_in_throttle (window_start);

-- Devices that signed in to an account before (a long-lived random cookie, stored as its
-- SHA-256): a stranger's failures against the account do not slow its owner's own phone.
CREATE TABLE known_devices (
    token_hash  TEXT PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts(id),
    last_used   BIGINT NOT NULL
);
CREATE INDEX known_devices_by_account ON known_devices (account_id);
