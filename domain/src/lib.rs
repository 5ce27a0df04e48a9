//! Tianlian's pure domain rules: units (mu, fen), crops, plots, the planting-area rule, the
//! Chinese calendar and the harvest forecasting engine.
//! No I/O and no framework types, so the same code runs on the server and in the browser (wasm).

pub mod access;
pub mod area;
pub mod benefit;
pub mod calendar;
pub mod clock;
pub mod crops;
pub mod forecast;
pub mod household;
pub mod i18n;
pub mod import;
pub mod labour;
pub mod lease;
pub mod market;
pub mod money;
pub mod month;
pub mod onboard;
pub mod planting;
pub mod plot;
pub mod rollcall;
pub mod season;
pub mod shifts;
pub mod status;
pub mod targets;
pub mod wages;

pub use area::Mu;
pub use crops::Crop;
pub use i18n::Lang;
pub use money::Fen;
pub use planting::{NewPlantingInput, PlantingError, PlantingField, PlantingStatus, ValidPlanting};
pub use season::{Occupancy, Season};
