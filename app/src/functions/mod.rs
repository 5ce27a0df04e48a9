//! Server functions: thin entry points that read context, validate, call domain and storage,
//! and map errors. Each is one screen of code at most.

pub mod alliance;
pub mod auth;
pub mod county;
pub mod fieldday;
pub mod forecast;
pub mod imports;
pub mod market;
pub mod my;
pub mod onboard;
pub mod plots;
pub mod targets;
