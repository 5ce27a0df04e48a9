//! The `tianlian` server as a library: configuration, telemetry, the router and the
//! application that binds it. `main.rs` only parses the command line and calls in here,
//! so tests start the real application on port 0.

pub mod accounts;
pub mod client_addr;
pub mod config;
pub mod gate;
pub mod input;
pub mod routes;
pub mod startup;
pub mod telemetry;

pub use config::Settings;
pub use startup::{AppState, Application, router};
