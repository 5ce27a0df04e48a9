//! One module per route.

pub mod home;
pub mod plot;
pub mod plots;
