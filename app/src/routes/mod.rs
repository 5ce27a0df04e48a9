//! One module per route.

pub mod forecast;
pub mod home;
pub mod import;
pub mod login;
pub mod market;
pub mod password;
pub mod plot;
pub mod plots;
pub mod targets;
pub mod wallchart;
