//! `GET /v1/pricing`: the host's published prices for a home country's wallets.

use axum::extract::Query;
use axum::Json;
use koban_core::net::api;
use serde::Deserialize;
use utoipa::IntoParams;

use super::wallets::HOME_COUNTRIES;
use crate::error::ApiError;
use crate::pricing;

/// Whose prices.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(super) struct PricingQuery {
    /// A home country (ISO 3166-1 alpha-2, e.g. `JP`); Japan when absent.
    country: Option<String>,
}

/// The fee rules and FX margins for wallets of one home country
///
/// Paying merchants abroad and each remittance corridor from that country: a percentage of
/// what is sent with a floor and a cap, in the wallet's currency. Every quote carries the rule
/// it applied.
#[utoipa::path(get, path = "/v1/pricing", tag = "fx", operation_id = "pricing",
    params(PricingQuery),
    responses((status = 200, description = "The price list", body = api::PriceList)))]
pub async fn pricing(Query(q): Query<PricingQuery>) -> Result<Json<api::PriceList>, ApiError> {
    let country = q.country.as_deref().unwrap_or("JP").to_ascii_uppercase();
    let (_, currency) = HOME_COUNTRIES
        .iter()
        .find(|(c, _)| *c == country)
        .ok_or_else(|| ApiError::BadRequest(format!("unsupported home country {country}")))?;
    Ok(Json(pricing::price_list(Some(&country), currency)?))
}
