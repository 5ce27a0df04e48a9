-- A household's private iCalendar feed (/calendar/{token}.ics): one live token per household,
-- replaced when regenerated, deleted when revoked. The token is the capability, kept as it is
-- so the household can see its link again; the feed holds dates, not money.
CREATE TABLE calendar_feeds (
    household_id BIGINT PRIMARY KEY REFERENCES households(id),
    token        TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL
);
