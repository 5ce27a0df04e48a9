//! Plain HTTP routes outside the Leptos pages.

pub mod api;
pub mod feed;
pub mod health;
pub mod lang;
pub mod offline;
pub mod slips;
