//! The exact shapes of request fields, for the OpenAPI document (#19.6): each function is a
//! field's schema (`#[schema(schema_with = …)]`) and states what the server enforces for it, so
//! that a request the document admits is not refused for its form and one it rules out is
//! not accepted.
//!
//! - **Text** is trimmed by the server (Rust's `char::is_whitespace`), then its length counted
//!   in characters, so the patterns allow any surrounding white space and bound what is between.
//!   No text may hold NUL (`crate::input` refuses it with 400).
//! - **Dates** are `YYYY-MM-DD` on the calendar; the ranges are the domain's: 2000–2100 for
//!   days of work and planting (`tianlian_domain::planting::parse_date`), 1901–2099 for the
//!   engine's days (`tianlian_domain::forecast::parse_day`).
//! - **Amounts** are JSON numbers in hundredths at most (areas in mu, hours, yuan).

use serde_json::{Value, json};
use utoipa::openapi::Schema;

/// Rust's white space (`char::is_whitespace`), as a regular-expression class body.
const WS: &str = r"\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

fn schema(value: Value) -> Schema {
    serde_json::from_value(value).expect("a field schema is a valid schema")
}

fn nullable(mut value: Value) -> Value {
    if let Some(t) = value.get("type").cloned() {
        value["type"] = json!([t, "null"]);
    }
    value
}

/// Text that, trimmed, has 1..=`max` characters (`required`) or 0..=`max`; no bound when `max`
/// is `None`.
fn text_pattern(max: Option<usize>, required: bool) -> String {
    let middle = max.map_or_else(
        || "*".to_owned(),
        |m| format!("{{0,{}}}", m.saturating_sub(2)),
    );
    let inner = format!(r"[^{WS}\x00](?:[^\x00]{middle}[^{WS}\x00])?");
    if required {
        format!(r"^[{WS}]*{inner}[{WS}]*$")
    } else {
        format!(r"^[{WS}]*(?:{inner})?[{WS}]*$")
    }
}

/// One of `codes`, with any white space around it (the server trims).
fn trimmed_enum(codes: &[&str]) -> Value {
    json!({ "type": "string", "pattern": format!(r"^[{WS}]*(?:{})[{WS}]*$", codes.join("|")) })
}

fn text(max: Option<usize>, required: bool) -> Value {
    json!({ "type": "string", "pattern": text_pattern(max, required) })
}

/// A valid calendar day `YYYY-MM-DD` whose year is in `years` (a regular expression for the
/// four digits) and, for 29 February, in `leap` (the leap years among them).
fn day_pattern(years: &str, leap: &str) -> String {
    format!(
        r"^(?:(?:{years})-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:{leap})-02-29)$"
    )
}

/// A day of work or planting: 2000-01-01 to 2100-12-31.
fn work_day() -> Value {
    json!({ "type": "string", "pattern": day_pattern("20[0-9]{2}|2100", "20(?:0[48]|[2468][048]|[13579][26])") })
}

/// A day for the engine: 1901-01-01 to 2099-12-31.
fn engine_day() -> Value {
    json!({
        "type": "string",
        "pattern": day_pattern(
            "19(?:0[1-9]|[1-9][0-9])|20[0-9]{2}",
            "19(?:0[48]|[2468][048]|[13579][26])|20(?:0[48]|[2468][048]|[13579][26])",
        ),
    })
}

/// A number in hundredths, `min` (exclusive when `open`) to `max` inclusive.
fn hundredths(min: f64, open: bool, max: f64) -> Value {
    let bound = if open { "exclusiveMinimum" } else { "minimum" };
    json!({ "type": "number", bound: min, "maximum": max, "multipleOf": 0.01 })
}

/// `code` in any ASCII case, letter by letter (`[dD][rR][iI][pP]`).
fn any_case(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
            } else {
                regex_escape(c)
            }
        })
        .collect()
}

fn regex_escape(c: char) -> String {
    if "\\.^$|?*+()[]{}-".contains(c) {
        format!("\\{c}")
    } else {
        c.to_string()
    }
}

const CROPS: [&str; 5] = [
    "celtuce",
    "cauliflower",
    "morel",
    "chuanxiong",
    "houttuynia",
];
const STATUSES: [&str; 5] = ["planned", "planted", "harvesting", "done", "failed"];

/// A mainland mobile number (`1[3-9]` and nine digits).
const MOBILE: &str = "1[3-9][0-9]{9}";

macro_rules! field {
    ($($(#[$doc:meta])* $name:ident => $value:expr;)*) => {
        $($(#[$doc])* pub fn $name() -> Schema { schema($value) })*
    };
}

field! {
    /// A crop code, trimmed.
    crop => trimmed_enum(&CROPS);
    /// A crop code exactly (not trimmed).
    crop_exact => json!({ "type": "string", "enum": CROPS });
    /// A planting status, trimmed; empty means `planned`.
    planting_status_or_empty => json!({ "type": "string", "pattern": format!(r"^[{WS}]*(?:{})?[{WS}]*$", STATUSES.join("|")) });
    /// A planting status, trimmed.
    planting_status => trimmed_enum(&STATUSES);
    /// A planting's area: more than 0 and at most 100,000 mu, in hundredths.
    area => hundredths(0.0, true, 100_000.0);
    /// An optional area of the same range (null: left out).
    area_or_null => nullable(hundredths(0.0, true, 100_000.0));
    /// Area already planted toward a plan: 0 to 100,000 mu.
    planted_area => hundredths(0.0, false, 100_000.0);
    /// A target's area: more than 0, below a billion mu.
    target_area => hundredths(0.0, true, 999_999_999.99);
    /// A lease's area: more than 0, below a billion mu.
    lease_area => hundredths(0.0, true, 999_999_999.99);
    /// A lease fee per mu per year in yuan: 0 or more.
    lease_fee => hundredths(0.0, false, 999_999_999.99);
    /// A day of work or planting.
    day => work_day();
    /// A day of the engine.
    engine_day_field => engine_day();
    /// An optional engine day (null or left out: today in China).
    engine_day_or_null => nullable(engine_day());
    /// Hours worked in a day: more than 0, at most 24.
    shift_hours => hundredths(0.0, true, 24.0);
    /// Hours recorded for a worker: 0 to 24.
    recorded_hours => hundredths(0.0, false, 24.0);
    /// Roll-call hours: more than 0, at most 24, or null for the shift's planned hours.
    roll_hours => nullable(hundredths(0.0, true, 24.0));
    /// An hourly wage in yuan, 0 to 1,000; null: the cooperative's own.
    hourly_yuan => nullable(hundredths(0.0, false, 1_000.0));
    /// A dividend in yuan: more than 0, at most 1,000,000.
    dividend_yuan => hundredths(0.0, true, 1_000_000.0);
    /// An income line in yuan per person per year: more than 0, below 1,000,000.
    income_yuan => json!({ "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1_000_000, "multipleOf": 0.01 });
    /// Workers a shift needs: 1 to 500.
    headcount => json!({ "type": "integer", "minimum": 1, "maximum": tianlian_domain::shifts::MAX_HEADCOUNT });
    /// A shift's task: a task of any crop's calendar.
    task => {
        let mut codes: Vec<&str> = tianlian_domain::labour::TEMPLATES
            .iter()
            .flat_map(|(_, tasks)| tasks.iter().map(|t| t.code))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        trimmed_enum(&codes)
    };
    /// A lease's payment schedule.
    schedule => trimmed_enum(&["once", "annual", "quarterly"]);
    /// A plot code: 1–32 characters.
    plot_code => text(Some(32), true);
    /// A household code: 1–32 characters, no white space or comma inside.
    household_code => json!({ "type": "string", "pattern": format!(r"^[{WS}]*[^{WS}\x00,]{{1,32}}[{WS}]*$") });
    /// A household code as a reference (any text; it must name a household in scope).
    household_ref => text(None, true);
    /// A plot's owner: a household code, or empty for collective land.
    owner => text(None, false);
    /// A person's or household head's name: 1–40 characters.
    name40 => text(Some(40), true);
    /// An alliance's name: 1–60 characters.
    name60 => text(Some(60), true);
    /// Notes on a plot: at most 500 characters.
    notes => text(Some(500), false);
    /// A mobile number, or empty.
    phone_or_empty => json!({ "type": "string", "pattern": format!(r"^[{WS}]*(?:{MOBILE})?[{WS}]*$") });
    /// A mobile number exactly (an account's sign-in).
    account_phone => json!({ "type": "string", "pattern": format!("^{MOBILE}$") });
    /// A password: 8–128 characters.
    password => json!({ "type": "string", "minLength": 8, "maxLength": 128, "pattern": r"^[^\x00]*$" });
    /// An account role.
    role => json!({ "type": "string", "enum": ["admin", "agronomist", "cooperative", "farmer"] });
    /// An alliance member's role, trimmed.
    member_role => trimmed_enum(&["able", "member"]);
    /// Irrigation: empty, a code (in any ASCII case), or its Chinese name.
    irrigation => {
        let codes: Vec<String> = ["rainfed", "furrow", "pumped", "sprinkler", "drip", "rain-fed", "not given"]
            .iter()
            .map(|c| any_case(c))
            .collect();
        json!({ "type": "string", "pattern": format!(
            r"^[{WS}]*(?:{}|未填|雨养|沟灌|提灌|喷灌|滴灌)?[{WS}]*$", codes.join("|")) })
    };
    /// A roll call's key: 1–64 characters once trimmed.
    roll_key => text(Some(64), true);
    /// A plot's area: more than 0, at most 100,000 mu.
    plot_area => hundredths(0.0, true, 100_000.0);
    /// Why a planting failed: 1–200 characters when `status` is `failed`.
    reason => text(Some(200), false);
    /// A target's place: `t:ID` (a township) or `v:ID` (a village).
    target_place => json!({ "type": "string", "pattern": format!(r"^[{WS}]*[tv]:\+?[0-9]+[{WS}]*$") });
    /// A target's crops: a crop code or `winter_vegetables`.
    target_crops => {
        let mut codes = CROPS.to_vec();
        codes.push("winter_vegetables");
        trimmed_enum(&codes)
    };
    /// Kilograms a week, 0 or more; null or 0 clears it.
    kg_per_week => json!({ "type": ["integer", "null"], "format": "int64", "minimum": 0, "maximum": i64::MAX });
    /// A household's poor status: the words the register uses, in any case.
    poor => {
        let words: Vec<String> = [
            "not_poor", "poor", "lifted", "yes", "no", "y", "n", "true", "false", "1", "0",
        ]
        .iter()
        .map(|w| any_case(w))
        .chain(
            ["已脱贫", "脱贫户", "脱贫", "贫困户", "贫困", "建档立卡", "一般农户", "一般户", "非贫困户",
             "是", "有", "能", "否", "无", "不能", "✓"]
                .iter()
                .map(|w| (*w).to_owned()),
        )
        .collect();
        json!({ "type": "string", "pattern": format!(r"^[{WS}]*(?:{})?[{WS}]*$", words.join("|")) })
    };
    /// A household code as a reference, or null.
    household_ref_or_null => nullable(text(None, true));
    /// People to book: at least one person id.
    person_ids => json!({
        "type": "array",
        "items": { "type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX },
        "minItems": 1,
    });
    /// A crop type code, blank, or null (picked by the engine).
    crop_type => {
        let mut codes: Vec<&str> = tianlian_domain::forecast::crops::CROP_MODELS
            .iter()
            .map(|t| t.kind)
            .collect();
        codes.sort_unstable();
        codes.dedup();
        nullable(json!({ "type": "string", "pattern": format!(r"^[{WS}]*(?:{})?[{WS}]*$", codes.join("|")) }))
    };
    /// A site code (the sites are data: `GET /api/v1/sites`).
    site => text(None, true);
    /// Crop protection, blank or null (`open`).
    protection => nullable(json!({ "type": "string", "pattern": format!(r"^[{WS}]*(?:open|mulch|tunnel)?[{WS}]*$") }));
    /// The Spring Festival's year: 1901–2100.
    spring_festival => json!({ "type": ["integer", "null"], "minimum": 1901, "maximum": 2100 });
    /// Days before the Spring Festival: 0–180.
    days_before => json!({ "type": ["integer", "null"], "minimum": 0, "maximum": 180 });
}
