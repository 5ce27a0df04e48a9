-- Core schema: places, people, crops, plots and plantings.
-- Dates are ISO text (YYYY-MM-DD), areas are hundredths of a mu, money is integer fen.

CREATE TABLE townships (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    county      TEXT NOT NULL
);

CREATE TABLE villages (
    id          INTEGER PRIMARY KEY,
    township_id INTEGER NOT NULL REFERENCES townships(id),
    name        TEXT NOT NULL,
    UNIQUE (township_id, name)
);

CREATE TABLE households (
    id              INTEGER PRIMARY KEY,
    village_id      INTEGER NOT NULL REFERENCES villages(id),
    code            TEXT NOT NULL UNIQUE,
    head_name       TEXT NOT NULL,
    phone           TEXT,
    members         INTEGER NOT NULL DEFAULT 1 CHECK (members >= 0),
    is_poor         INTEGER NOT NULL DEFAULT 0 CHECK (is_poor IN (0, 1)),
    poor_since_year INTEGER
);

CREATE TABLE cooperatives (
    id                    INTEGER PRIMARY KEY,
    township_id           INTEGER NOT NULL REFERENCES townships(id),
    name                  TEXT NOT NULL UNIQUE,
    registration          TEXT,
    hourly_wage_fen       INTEGER NOT NULL DEFAULT 1000 CHECK (hourly_wage_fen >= 0),
    regular_hours_per_day INTEGER NOT NULL DEFAULT 8 CHECK (regular_hours_per_day > 0),
    overtime_percent      INTEGER NOT NULL DEFAULT 150 CHECK (overtime_percent >= 100),
    notes                 TEXT NOT NULL DEFAULT ''
);

CREATE TABLE crops (
    code        TEXT PRIMARY KEY,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    season_days INTEGER NOT NULL CHECK (season_days > 0)
);

CREATE TABLE plots (
    id                 INTEGER PRIMARY KEY,
    village_id         INTEGER NOT NULL REFERENCES villages(id),
    code               TEXT NOT NULL,
    area_centi_mu      INTEGER NOT NULL CHECK (area_centi_mu > 0),
    owner_household_id INTEGER REFERENCES households(id),
    irrigation         TEXT NOT NULL DEFAULT '',
    notes              TEXT NOT NULL DEFAULT '',
    retired_on         TEXT,
    -- Bumped by every planting change: the row lock that serialises the plot-area rule.
    lock_version       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (village_id, code)
);

CREATE TABLE plantings (
    id                 INTEGER PRIMARY KEY,
    plot_id            INTEGER NOT NULL REFERENCES plots(id),
    crop_code          TEXT NOT NULL REFERENCES crops(code),
    area_centi_mu      INTEGER NOT NULL CHECK (area_centi_mu > 0),
    planned_on         TEXT NOT NULL,
    planted_on         TEXT,
    harvest_started_on TEXT,
    harvest_ended_on   TEXT,
    season_from        TEXT NOT NULL,
    season_until       TEXT NOT NULL CHECK (season_until >= season_from),
    status             TEXT NOT NULL DEFAULT 'planned'
                       CHECK (status IN ('planned', 'planted', 'harvesting', 'done', 'failed')),
    failure_reason     TEXT,
    ref_code           TEXT UNIQUE,
    created_at         TEXT NOT NULL
);

CREATE INDEX plantings_by_plot ON plantings (plot_id, season_from);
CREATE INDEX plots_by_village ON plots (village_id);
CREATE INDEX households_by_village ON households (village_id);
