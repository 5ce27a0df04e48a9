//! The market calendar: the page's data and setting a crop's weekly capacity.

use crate::models::MarketPageData;
#[cfg(feature = "ssr")]
use crate::usecases::Ctx;
use leptos::prelude::*;
use leptos::server_fn::ServerFnError;

/// The market calendar of a township (`None`: the caller's own); `None` when out of view.
#[server(prefix = "/fn", endpoint = "market_page")]
pub async fn market_page(township: Option<i64>) -> Result<Option<MarketPageData>, ServerFnError> {
    let Ctx { db, caller, cache } = Ctx::get()?;
    crate::usecases::planning::market_page(&db, &cache, &caller, township)
        .await
        .map_err(crate::usecases::internal)
}

/// Sets a crop's weekly capacity (kg); empty clears it. Redirects back to the calendar.
#[server(prefix = "/fn", endpoint = "set_capacity")]
pub async fn set_capacity(
    township: Option<String>,
    crop: Option<String>,
    kg: Option<String>,
) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let township = township
        .and_then(|t| t.trim().parse::<i64>().ok())
        .unwrap_or(0);
    let kg = kg.unwrap_or_default();
    let parsed = match kg.trim() {
        "" => Ok(None),
        text => text.parse::<i64>().map(Some),
    };
    let ok = match parsed {
        Ok(kg) => {
            crate::usecases::planning::set_capacity(
                &db,
                &caller,
                township,
                crop.as_deref().unwrap_or_default(),
                kg,
            )
            .await
            .map_err(crate::usecases::internal)?
                == crate::usecases::planning::CapacityOutcome::Set
        }
        Err(_) => false,
    };
    let flag = if ok { "saved" } else { "refused" };
    leptos_axum::redirect(&format!("/market?township={township}&{flag}=1"));
    Ok(())
}

/// The wall chart of a township (`None`: the caller's own); `None` when out of view.
#[server(prefix = "/fn", endpoint = "wall_chart")]
pub async fn wall_chart(
    township: Option<i64>,
) -> Result<Option<crate::models::WallChartData>, ServerFnError> {
    let Ctx { db, caller, cache } = Ctx::get()?;
    crate::usecases::planning::wall_chart(&db, &cache, &caller, township)
        .await
        .map_err(crate::usecases::internal)
}
