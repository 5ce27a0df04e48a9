//! Integration tests: the real application on a free port, a fresh database per test, on
//! SQLite and (when `TEST_DATABASE_URL` is set) PostgreSQL, called over HTTP.

mod auth;
mod authz;
mod backup;
mod county;
mod engine;
mod export;
mod feed;
mod fieldday;
mod health;
mod helpers;
mod hostile;
mod market;
mod my;
mod onboard;
mod plantings;
mod plots;
mod register;
mod scale;
mod security;
mod targets;
mod work;
