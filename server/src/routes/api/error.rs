//! The API's error format: 4xx/5xx with `{"error":{"code":"…","message":"…"}}`, the message in
//! Chinese, or English when the request's `Accept-Language` starts with `en`. Causes go to the
//! log, never to the client.

use axum::Json;
use axum::extract::Request;
use axum::extract::rejection::JsonRejection;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::borrow::Cow;
use tianlian_domain::Lang;

/// An API failure with its messages in both languages.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    pub zh: Cow<'static, str>,
    pub en: Cow<'static, str>,
    /// Per-field problems (`[{"field","code"}]`) for form-like requests.
    pub fields: Option<serde_json::Value>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        zh: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        ApiError {
            status,
            code: code.into(),
            zh: zh.into(),
            en: en.into(),
            fields: None,
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "请先登录",
            "Sign in first",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "无权进行此操作",
            "You may not do this",
        )
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "找不到该记录",
            "Not found",
        )
    }

    pub fn invalid(
        code: impl Into<Cow<'static, str>>,
        zh: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, zh, en)
    }

    pub fn bad_json(detail: &str) -> Self {
        tracing::debug!(detail, "unreadable JSON body");
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "请求内容不是有效的 JSON",
            "The request body is not valid JSON",
        )
    }

    /// The API's own body for a refusal that axum or tower answered in plain text before any
    /// handler ran (an address that is not a number, a query that does not parse, a body over
    /// the limit, a wrong method). The input is not echoed back.
    pub fn for_status(status: StatusCode) -> Self {
        let (code, zh, en) = match status.as_u16() {
            404 => ("not_found", "找不到该记录", "Not found"),
            405 => (
                "method_not_allowed",
                "该地址不支持此请求方式",
                "This address does not take that method",
            ),
            413 => ("too_large", "请求内容过大", "The request body is too large"),
            415 => (
                "unsupported_media_type",
                "请求内容类型不正确（应为 JSON）",
                "Wrong content type (send JSON)",
            ),
            422 => ("invalid", "请求内容有误", "The request is not valid"),
            _ => (
                "bad_request",
                "请求有误（地址或参数无法识别）",
                "Bad request (the address or its parameters could not be read)",
            ),
        };
        Self::new(status, code, zh, en)
    }

    /// Logs the cause and answers with a plain message.
    pub fn internal(cause: &dyn std::fmt::Debug) -> Self {
        tracing::error!(error = ?cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务器暂时无法处理，请稍后再试",
            "The server could not complete this, try again later",
        )
    }

    fn body(&self, lang: Lang) -> Json<serde_json::Value> {
        let message = match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        };
        match &self.fields {
            Some(fields) => Json(
                json!({ "error": { "code": self.code, "message": message, "fields": fields } }),
            ),
            None => Json(json!({ "error": { "code": self.code, "message": message } })),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, self.body(Lang::Zh)).into_response();
        res.extensions_mut().insert(self);
        res
    }
}

impl From<tianlian_storage::StorageError> for ApiError {
    fn from(e: tianlian_storage::StorageError) -> Self {
        ApiError::internal(&e)
    }
}

/// Reads a JSON body, turning axum's rejection into our 400 `invalid_json`.
///
/// # Errors
/// The body is not JSON of the expected shape.
pub fn body<T>(json: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    json.map(|Json(t)| t).map_err(|e| match e.status() {
        s @ (StatusCode::PAYLOAD_TOO_LARGE | StatusCode::UNSUPPORTED_MEDIA_TYPE) => {
            ApiError::for_status(s)
        }
        _ => ApiError::bad_json(&e.body_text()),
    })
}

/// Rewrites an error body in English when the request asked for English first, and gives the
/// API's JSON error body to `/api/` refusals that came back as plain text.
pub async fn localize(req: Request, next: Next) -> Response {
    let lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Zh, Lang::from_accept_language);
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let err = match res.extensions().get::<ApiError>().cloned() {
        // Our own error, already in Chinese.
        Some(_) if lang == Lang::Zh => return res,
        Some(err) => err,
        None if api && res.status().is_client_error() && !is_json(&res) => {
            ApiError::for_status(res.status())
        }
        None => return res,
    };
    let mut out = (err.status, err.body(lang)).into_response();
    // What a refusal asked of the client (sign in, the methods allowed) stays.
    for name in [header::WWW_AUTHENTICATE, header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = res.headers().get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

fn is_json(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"))
}
