-- Forecast sites (climate normals as JSON) and observed daily weather; each township points at the
-- site whose climate its fields share.

CREATE TABLE sites (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    -- {"tmin":[12 °C],"tmax":[12 °C]}, January first.
    normals_json    TEXT NOT NULL,
    source          TEXT NOT NULL DEFAULT '',
    -- Bumped by every weather import so that cached climates are rebuilt.
    weather_version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE weather_daily (
    site_id INTEGER NOT NULL REFERENCES sites(id),
    day     TEXT NOT NULL,
    tmin    REAL NOT NULL,
    tmax    REAL NOT NULL CHECK (tmax >= tmin),
    PRIMARY KEY (site_id, day)
);

ALTER TABLE townships ADD COLUMN site_code TEXT REFERENCES sites(code);
