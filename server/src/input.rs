//! Input hygiene before any handler runs: a NUL character anywhere in a request's text (raw,
//! `%00` in a query or form, `\u0000` in JSON) is refused with a 400 in the reader's language.
//! No field of Tianlian can hold one, and PostgreSQL refuses it in text columns, so letting it
//! through would turn a typing accident or a probe into a 500 on one engine and not the other.

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
        || bytes
            .windows(6)
            .any(|w| w[0] == b'\\' && (w[1] | 0x20) == b'u' && &w[2..5] == b"000" && w[5] == b'0')
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
    // A workbook (a zip archive, as an XLSX import sends it) and a file upload are binary by
    // nature: the import reads them (`app::usecases::onboard::upload_text`) and refuses a NUL in the
    // text it gets out of them.
    let binary = bytes.starts_with(b"PK\x03\x04")
        || parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("multipart/form-data"));
    if !binary && carries_nul(&bytes, form) {
        return refused(parts.uri.path(), &parts.headers);
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
