//! Input hygiene before any handler runs: a NUL character anywhere in a request's text (raw,
//! `%00` in a query or form, `\u0000` in JSON) is refused with a 400 in the reader's language.
//! No field of Tianlian can hold one, and PostgreSQL refuses it in text columns, so letting it
//! through would turn a typing accident or a probe into a 500 on one engine and not the other.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
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
        || bytes
            .windows(6)
            .any(|w| w[0] == b'\\' && (w[1] | 0x20) == b'u' && &w[2..5] == b"000" && w[5] == b'0')
}

fn refused(lang: Lang, html: bool) -> Response {
    let message = lang.pick(
        "请求中含有空字符（NUL），无法保存。请删除后重试。",
        "The request contains a NUL character, which cannot be stored. Remove it and try again.",
    );
    if html {
        // A browser gets a page it can go back from, in the reader's language.
        let back = lang.pick("返回首页", "Home");
        let page = format!(
            "<!DOCTYPE html><html lang=\"{}\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>400</title><p>{message}</p><p><a href=\"/\">{back}</a></p></html>",
            lang.code()
        );
        return (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page,
        )
            .into_response();
    }
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::json!({ "error": { "code": "nul_character", "message": message } }).to_string(),
    )
        .into_response()
}

/// The middleware. Bodies are read up to `limit` bytes (the router's body limit); a longer one
/// is refused with 413.
pub async fn refuse_nul(limit: usize, req: Request, next: Next) -> Response {
    let lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Zh, Lang::from_accept_language);
    let html = !req.uri().path().starts_with("/api/")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"));
    if req
        .uri()
        .query()
        .is_some_and(|q| carries_nul(q.as_bytes(), true))
        || carries_nul(req.uri().path().as_bytes(), true)
    {
        return refused(lang, html);
    }
    if matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::DELETE
    ) {
        return next.run(req).await;
    }
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let (parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
        }
    };
    if carries_nul(&bytes, form) {
        return refused(lang, html);
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
    }
}
