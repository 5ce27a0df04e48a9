-- The alliance (专合组织 + 致富能人 + 贫困户), land transfer (土地流转), shifts and daily wages (日结).
-- Money is integer fen, hours are hundredths of an hour, areas hundredths of a mu.

-- People of a household: who can be booked for work.
CREATE TABLE persons (
    id           INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id),
    name         TEXT NOT NULL,
    phone        TEXT,
    able_to_work INTEGER NOT NULL DEFAULT 1 CHECK (able_to_work IN (0, 1))
);
CREATE INDEX persons_by_household ON persons (household_id);

CREATE TABLE alliances (
    id             INTEGER PRIMARY KEY,
    cooperative_id INTEGER NOT NULL REFERENCES cooperatives(id),
    name           TEXT NOT NULL,
    created_on     TEXT NOT NULL,
    UNIQUE (cooperative_id, name)
);

-- A household's membership: 'able' (致富能人, the skilled farmer) or 'member'; a poor member
-- names the able member who mentors it. Leaving sets left_on; rows are never deleted.
CREATE TABLE alliance_members (
    id           INTEGER PRIMARY KEY,
    alliance_id  INTEGER NOT NULL REFERENCES alliances(id),
    household_id INTEGER NOT NULL REFERENCES households(id),
    role         TEXT NOT NULL CHECK (role IN ('able', 'member')),
    mentor_id    INTEGER REFERENCES alliance_members(id),
    joined_on    TEXT NOT NULL,
    left_on      TEXT
);
CREATE INDEX alliance_members_by_alliance ON alliance_members (alliance_id);
CREATE INDEX alliance_members_by_household ON alliance_members (household_id);

CREATE TABLE leases (
    id                  INTEGER PRIMARY KEY,
    plot_id             INTEGER NOT NULL REFERENCES plots(id),
    household_id        INTEGER NOT NULL REFERENCES households(id),
    cooperative_id      INTEGER NOT NULL REFERENCES cooperatives(id),
    area_centi_mu       INTEGER NOT NULL CHECK (area_centi_mu > 0),
    fee_per_mu_year_fen INTEGER NOT NULL CHECK (fee_per_mu_year_fen >= 0),
    starts_on           TEXT NOT NULL,
    -- The last day of the lease, inclusive.
    ends_on             TEXT NOT NULL CHECK (ends_on >= starts_on),
    schedule            TEXT NOT NULL,
    created_at          TEXT NOT NULL
);
CREATE INDEX leases_by_plot ON leases (plot_id);
CREATE INDEX leases_by_cooperative ON leases (cooperative_id, ends_on);

CREATE TABLE lease_payments (
    id         INTEGER PRIMARY KEY,
    lease_id   INTEGER NOT NULL REFERENCES leases(id),
    due_on     TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    paid_on    TEXT
);
CREATE INDEX lease_payments_by_lease ON lease_payments (lease_id, due_on);

CREATE TABLE shifts (
    id             INTEGER PRIMARY KEY,
    cooperative_id INTEGER NOT NULL REFERENCES cooperatives(id),
    day            TEXT NOT NULL,
    task_code      TEXT NOT NULL,
    plot_id        INTEGER REFERENCES plots(id),
    headcount      INTEGER NOT NULL CHECK (headcount > 0),
    hours_centi    INTEGER NOT NULL CHECK (hours_centi > 0),
    hourly_fen     INTEGER NOT NULL CHECK (hourly_fen >= 0),
    regular_hours_centi INTEGER NOT NULL CHECK (regular_hours_centi > 0),
    overtime_percent    INTEGER NOT NULL CHECK (overtime_percent >= 100),
    -- Bumped by every assignment: the row lock that keeps a shift from over-filling.
    lock_version   INTEGER NOT NULL DEFAULT 0,
    created_by     INTEGER REFERENCES accounts(id),
    created_at     TEXT NOT NULL
);
CREATE INDEX shifts_by_cooperative ON shifts (cooperative_id, day);

-- One person, one shift a day: the database refuses a second booking on the same day.
CREATE TABLE shift_assignments (
    id         INTEGER PRIMARY KEY,
    shift_id   INTEGER NOT NULL REFERENCES shifts(id),
    person_id  INTEGER NOT NULL REFERENCES persons(id),
    day        TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (shift_id, person_id),
    UNIQUE (person_id, day)
);

-- The wage ledger: append-only. A correction is a reversal (kind 'reversal', reverses_id set,
-- hours and amounts negated) plus a new 'work' entry; a reversal can be made only once.
CREATE TABLE wage_entries (
    id           INTEGER PRIMARY KEY,
    shift_id     INTEGER NOT NULL REFERENCES shifts(id),
    person_id    INTEGER NOT NULL REFERENCES persons(id),
    day          TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('work', 'reversal')),
    reverses_id  INTEGER UNIQUE REFERENCES wage_entries(id),
    hours_centi  INTEGER NOT NULL,
    regular_fen  INTEGER NOT NULL,
    overtime_fen INTEGER NOT NULL,
    amount_fen   INTEGER NOT NULL,
    recorded_by  INTEGER REFERENCES accounts(id),
    recorded_at  TEXT NOT NULL,
    CHECK ((kind = 'work') = (reverses_id IS NULL)),
    CHECK (amount_fen = regular_fen + overtime_fen)
);
CREATE INDEX wage_entries_by_shift ON wage_entries (shift_id, person_id);
CREATE INDEX wage_entries_by_person ON wage_entries (person_id, day);

-- Money handed over (日结): append-only; unpaid = ledger balance − payments.
CREATE TABLE wage_payments (
    id         INTEGER PRIMARY KEY,
    shift_id   INTEGER NOT NULL REFERENCES shifts(id),
    person_id  INTEGER NOT NULL REFERENCES persons(id),
    amount_fen INTEGER NOT NULL,
    paid_on    TEXT NOT NULL,
    paid_by    INTEGER REFERENCES accounts(id),
    paid_at    TEXT NOT NULL
);
CREATE INDEX wage_payments_by_shift ON wage_payments (shift_id, person_id);
CREATE INDEX wage_payments_by_person ON wage_payments (person_id);

CREATE TABLE dividends (
    id             INTEGER PRIMARY KEY,
    cooperative_id INTEGER NOT NULL REFERENCES cooperatives(id),
    household_id   INTEGER NOT NULL REFERENCES households(id),
    amount_fen     INTEGER NOT NULL CHECK (amount_fen > 0),
    paid_on        TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);
CREATE INDEX dividends_by_household ON dividends (household_id);

-- The income line per person and year that poor households are measured against (fen).
CREATE TABLE income_lines (
    year         INTEGER PRIMARY KEY,
    fen_per_person INTEGER NOT NULL CHECK (fen_per_person > 0)
);
