//! Input hygiene before any handler runs:
//! - a NUL character anywhere in a request's text (raw, `%00` in a query or form, `\u0000` in
//!   JSON) is refused with a 400 in the reader's language. No field of Tianlian can hold one,
//!   and PostgreSQL refuses it in text columns, so letting it through would turn a typing
//!   accident or a probe into a 500 on one engine and not the other;
//! - a JSON body sent to the API must be an object, as every operation's document says: an
//!   array (which serde would read field by field, in order) or a bare value is refused with 400;
//! - a whole number written with a fraction (`5.0`, `1e3`) in a JSON body reads as that
//!   integer, as JSON Schema counts it (`type: integer` admits `5.0`), so that an id, a year or
//!   a headcount the document admits is not refused as a float by the reader.

use crate::routes::api::error::ApiError;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tianlian_domain::Lang;

/// Whether `bytes` carry a NUL: raw, as a JSON escape, or (in `percent_encoded` text: a query
/// or a form body) as `%00`.
pub fn carries_nul(bytes: &[u8], percent_encoded: bool) -> bool {
    bytes.contains(&0)
        || (percent_encoded
            && bytes
                .windows(3)
                .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0'))
        || (0..bytes.len().saturating_sub(5)).any(|i| {
            let w = &bytes[i..i + 6];
            // `\u0000` is an escape only when its backslash is not itself escaped (`\\u0000` is
            // a backslash and the text `u0000`): an odd run of backslashes ends at `i`.
            w[0] == b'\\'
                && (w[1] | 0x20) == b'u'
                && &w[2..6] == b"0000"
                && bytes[..=i]
                    .iter()
                    .rev()
                    .take_while(|b| **b == b'\\')
                    .count()
                    % 2
                    == 1
        })
}

/// Makes every whole number in `value` that is written as a float (up to 2^53) an integer;
/// whether there was one.
pub fn whole_floats_as_integers(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            // Only up to 2^53, where every whole float is the number written: past it a float
            // may be the rounding of a larger literal (-9223372036854775809 reads as i64::MIN).
            Some(f) if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 => {
                #[allow(clippy::cast_possible_truncation)]
                let whole = f as i64;
                *value = Value::from(whole);
                true
            }
            _ => false,
        },
        Value::Array(items) => any_changed(items.iter_mut()),
        Value::Object(fields) => any_changed(fields.values_mut()),
        _ => false,
    }
}

/// Walks every value (none is skipped once one has changed) and says whether any changed.
fn any_changed<'a>(values: impl Iterator<Item = &'a mut serde_json::Value>) -> bool {
    values
        .map(whole_floats_as_integers)
        .filter(|changed| *changed)
        .count()
        > 0
}

/// Whether a JSON body is something other than an object (after white space); an empty body
/// is left to the handler, which refuses it as unreadable.
pub fn not_an_object(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b != b'{')
}

/// The refusal: for a browser a small page in the reader's language (the remembered choice,
/// as every page reads it); otherwise the API's error body, which `localize` puts into English
/// when asked.
fn refused(path: &str, headers: &HeaderMap) -> Response {
    let (zh, en) = (
        "请求中含有空字符（NUL），无法保存。请删除后重试。",
        "The request contains a NUL character, which cannot be stored. Remove it and try again.",
    );
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let browser = !path.starts_with("/api/")
        && header(header::ACCEPT).is_some_and(|a| a.contains("text/html"));
    if !browser {
        return ApiError::new(StatusCode::BAD_REQUEST, "nul_character", zh, en).into_response();
    }
    let lang = Lang::for_request(header(header::COOKIE), header(header::ACCEPT_LANGUAGE));
    let (message, back) = (lang.pick(zh, en), lang.pick("返回首页", "Home"));
    let page = format!(
        "<!DOCTYPE html><html lang=\"{}\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>400</title><p>{message}</p><p><a href=\"/\">{back}</a></p></html>",
        lang.code()
    );
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

/// The middleware. Bodies are read up to `limit` bytes (the router's body limit); a longer one
/// is refused with 413.
pub async fn refuse_nul(limit: usize, req: Request, next: Next) -> Response {
    if req
        .uri()
        .query()
        .is_some_and(|q| carries_nul(q.as_bytes(), true))
        || carries_nul(req.uri().path().as_bytes(), true)
    {
        return refused(req.uri().path(), req.headers());
    }
    if matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::DELETE
    ) {
        return next.run(req).await;
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let form = content_type.starts_with("application/x-www-form-urlencoded");
    let (parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
        }
    };
    // A workbook (a zip archive, as an XLSX import sends it) and a file upload are binary by
    // nature: the import reads them (`app::usecases::onboard::upload_text`) and refuses a NUL in the
    // text it gets out of them.
    let binary =
        bytes.starts_with(b"PK\x03\x04") || content_type.starts_with("multipart/form-data");
    if !binary && carries_nul(&bytes, form) {
        return refused(parts.uri.path(), &parts.headers);
    }
    let mut bytes = bytes;
    if content_type.starts_with("application/json") && parts.uri.path().starts_with("/api/") {
        if not_an_object(&bytes) {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "not_an_object",
                "请求内容须为 JSON 对象",
                "The body must be a JSON object",
            )
            .into_response();
        }
        // An unreadable body is left as it is, for the handler to refuse in its own words.
        if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&bytes)
            && whole_floats_as_integers(&mut value)
        {
            bytes = Bytes::from(serde_json::to_vec(&value).unwrap_or_else(|_| bytes.to_vec()));
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::carries_nul;

    #[test]
    fn nul_is_found_raw_percent_encoded_and_escaped() {
        assert!(carries_nul(b"a\0b", false));
        assert!(carries_nul(b"name=a%00b", true));
        assert!(carries_nul(br#"{"name":"a\u0000b"}"#, false));
        assert!(carries_nul(br#"{"name":"a\U0000b"}"#, false));
        assert!(!carries_nul(br#"{"note":"\u4e2d 50%00"}"#, false));
        assert!(!carries_nul("莴笋 %20".as_bytes(), true));
        // An escaped backslash then `u0000` is text, not NUL; a third backslash escapes again.
        assert!(!carries_nul(br#"{"note":"\\u0000"}"#, false));
        assert!(carries_nul(br#"{"note":"\\\u0000"}"#, false));
    }

    #[test]
    fn whole_floats_read_as_integers_and_fractions_stay() {
        use super::whole_floats_as_integers;
        let mut v = serde_json::json!({ "id": 279_012.0, "area": 4.5, "ids": [1.0, -2e3], "n": 7 });
        assert!(whole_floats_as_integers(&mut v));
        assert_eq!(
            v,
            serde_json::json!({ "id": 279_012, "area": 4.5, "ids": [1, -2000], "n": 7 })
        );
        assert!(v["id"].is_i64());
        let mut big = serde_json::json!({ "id": 1e300, "past": -9_223_372_036_854_775_809.0 });
        assert!(
            !whole_floats_as_integers(&mut big),
            "beyond 2^53: left for the reader to refuse"
        );
        assert!(!whole_floats_as_integers(
            &mut serde_json::json!({ "a": 1, "b": "2.0" })
        ));
    }

    #[test]
    fn only_an_object_is_a_json_body() {
        use super::not_an_object;
        assert!(!not_an_object(br#" {"a":1}"#));
        assert!(!not_an_object(b""));
        assert!(not_an_object(br#"["13800000000","secret"]"#));
        assert!(not_an_object(b" 42"));
        assert!(not_an_object(b"null"));
    }
}
