//! How row types read the columns that SQLite and PostgreSQL store alike as plain values: a flag
//! is an integer 0/1, a date is ISO text (`YYYY-MM-DD`) and a timestamp is RFC 3339 text in UTC,
//! on both engines, so that one schema and one set of statements serve both. A row type reads
//! them into `bool`, `NaiveDate` and `DateTime<Utc>`:
//!
//! ```ignore
//! #[derive(sqlx::FromRow)]
//! struct Row {
//!     #[sqlx(try_from = "crate::columns::Flag")]
//!     is_poor: bool,
//!     #[sqlx(try_from = "crate::columns::IsoDate")]
//!     due_on: NaiveDate,
//!     #[sqlx(try_from = "crate::columns::MaybeIsoDate")]
//!     paid_on: Option<NaiveDate>,
//!     #[sqlx(try_from = "crate::columns::Timestamp")]
//!     created_at: DateTime<Utc>,
//! }
//! ```
//!
//! so no `i32` flag or `String` date or time reaches the app. A column that does not hold what it
//! should is a decode error (the row is refused), not a silent default.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::{Any, AnyTypeInfo};
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Type, ValueRef};
use std::str::FromStr;

/// An integer flag column (0 false, anything else true), also a computed `CASE … 1 ELSE 0`.
pub(crate) struct Flag(i64);

impl Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <i64 as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        <i64 as Decode<'r, Any>>::decode(value).map(Flag)
    }
}

impl From<Flag> for bool {
    fn from(flag: Flag) -> bool {
        flag.0 != 0
    }
}

/// An ISO date text column (`YYYY-MM-DD`).
pub(crate) struct IsoDate(String);

impl Type<Any> for IsoDate {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for IsoDate {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        <String as Decode<'r, Any>>::decode(value).map(IsoDate)
    }
}

impl TryFrom<IsoDate> for NaiveDate {
    type Error = chrono::ParseError;

    fn try_from(text: IsoDate) -> Result<NaiveDate, chrono::ParseError> {
        NaiveDate::from_str(&text.0)
    }
}

/// A nullable ISO date text column.
pub(crate) struct MaybeIsoDate(Option<String>);

impl Type<Any> for MaybeIsoDate {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for MaybeIsoDate {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        if value.is_null() {
            return Ok(MaybeIsoDate(None));
        }
        <String as Decode<'r, Any>>::decode(value).map(|s| MaybeIsoDate(Some(s)))
    }
}

impl TryFrom<MaybeIsoDate> for Option<NaiveDate> {
    type Error = chrono::ParseError;

    fn try_from(text: MaybeIsoDate) -> Result<Option<NaiveDate>, chrono::ParseError> {
        text.0.as_deref().map(NaiveDate::from_str).transpose()
    }
}

/// A timestamp column: RFC 3339 text in UTC, as every write stores it (`Utc::now().to_rfc3339()`).
pub(crate) struct Timestamp(String);

impl Type<Any> for Timestamp {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for Timestamp {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        <String as Decode<'r, Any>>::decode(value).map(Timestamp)
    }
}

impl TryFrom<Timestamp> for DateTime<Utc> {
    type Error = chrono::ParseError;

    fn try_from(text: Timestamp) -> Result<DateTime<Utc>, chrono::ParseError> {
        DateTime::parse_from_rfc3339(&text.0).map(|t| t.with_timezone(&Utc))
    }
}
