//! One module per route.

pub mod accounts;
pub mod benefit;
pub mod coop;
pub mod county;
pub mod daysheet;
pub mod forecast;
pub mod home;
pub mod households;
pub mod import;
pub mod login;
pub mod market;
pub mod my;
pub mod password;
pub mod pay;
pub mod plot;
pub mod plots;
pub mod rollcall;
pub mod shift;
#[cfg(feature = "ssr")]
pub mod slips;
pub mod targets;
pub mod wallchart;
