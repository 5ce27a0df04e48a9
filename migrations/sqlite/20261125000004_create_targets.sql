-- Season targets (目标) for a township or one village, and the cover a planting grows under
-- (open field, plastic mulch 地膜, small tunnel 小拱棚) for its forecast, and the day it failed.

CREATE TABLE targets (
    id            INTEGER PRIMARY KEY,
    township_id   INTEGER NOT NULL REFERENCES townships(id),
    village_id    INTEGER REFERENCES villages(id),
    -- A crop code, or 'winter_vegetables' (celtuce + cauliflower).
    crops         TEXT NOT NULL,
    area_centi_mu INTEGER NOT NULL CHECK (area_centi_mu > 0),
    starts_on     TEXT NOT NULL,
    deadline      TEXT NOT NULL CHECK (deadline >= starts_on),
    created_by    INTEGER REFERENCES accounts(id),
    created_at    TEXT NOT NULL
);

CREATE INDEX targets_by_township ON targets (township_id, deadline);

ALTER TABLE plantings ADD COLUMN protection TEXT NOT NULL DEFAULT 'open';
ALTER TABLE plantings ADD COLUMN failed_on TEXT;

-- What a township's market can take of a crop in a week (kg); weeks above it are flagged.
CREATE TABLE market_capacity (
    township_id INTEGER NOT NULL REFERENCES townships(id),
    crop_code   TEXT NOT NULL REFERENCES crops(code),
    kg_per_week INTEGER NOT NULL CHECK (kg_per_week > 0),
    PRIMARY KEY (township_id, crop_code)
);
