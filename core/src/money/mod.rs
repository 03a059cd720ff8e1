//! ISO 4217 currencies and amounts in integer minor units.
