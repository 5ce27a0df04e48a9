//! Components that only render: the page frame and small shared pieces.

pub mod area;
pub mod chart;
pub mod layout;
pub mod load;
pub mod notice;
pub mod outbox;
pub mod pager;
pub mod plot_form;
