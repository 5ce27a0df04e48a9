-- Putting a township on Tianlian (issue 18): accounts that can be disabled, households lifted
-- out of poverty, households imported in bulk.

-- A disabled account cannot sign in; disabling raises its session epoch (its sessions end) and
-- revokes its API tokens in the same transaction.
ALTER TABLE accounts ADD COLUMN disabled BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
ALTER TABLE accounts ADD COLUMN disabled_at TEXT;

-- The year a registered poor household was lifted out of poverty (脱贫); NULL while poor.
ALTER TABLE households ADD COLUMN poor_lifted_year BIGINT;

-- A person is found by phone across households (one person, one household).
CREATE INDEX persons_by_phone ON persons (phone);

-- Import runs may now hold households.
ALTER TABLE import_runs DROP CONSTRAINT import_runs_kind_check;
ALTER TABLE import_runs ADD CONSTRAINT import_runs_kind_check CHECK (kind IN ('plots', 'plantings', 'households'));

-- An account's page lists what was done to it and by it.
CREATE INDEX audit_log_by_account ON audit_log (account_id, id);
CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id, id);
