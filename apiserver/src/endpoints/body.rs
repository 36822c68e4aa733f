//! Building JSON responses, and the one place errors become HTTP answers.

use bytes::Bytes;
use http::{Response, StatusCode, header};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use serde_json::Value;

use super::status::ApiError;
use common::serving::{ResponseBody, full_body};

/// A JSON answer.
pub fn json_response(
    status: StatusCode,
    value: &Value,
) -> Result<Response<ResponseBody>, ApiError> {
    let bytes = serde_json::to_vec(value)
        .map_err(|e| ApiError::internal("cannot encode the response", e.to_string()))?;
    Ok(json_bytes_response(status, bytes))
}

/// A JSON answer already encoded.
pub fn json_bytes_response(status: StatusCode, bytes: Vec<u8>) -> Response<ResponseBody> {
    json_answer(status, full_body(bytes))
}

/// A JSON answer sent chunk by chunk as the connection takes it.
pub fn json_stream_response(
    status: StatusCode,
    chunks: impl Iterator<Item = Bytes> + Send + Sync + 'static,
) -> Response<ResponseBody> {
    let frames = futures::stream::iter(chunks.map(|chunk| Ok(Frame::data(chunk))));
    json_answer(status, StreamBody::new(frames).boxed())
}

fn json_answer(status: StatusCode, body: ResponseBody) -> Response<ResponseBody> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

/// An error as upstream answers it: the Status object with the matching HTTP code.
pub fn status_response(error: &ApiError) -> Response<ResponseBody> {
    let bytes = serde_json::to_vec(&error.to_status()).unwrap_or_default();
    let mut response = Response::new(full_body(bytes));
    *response.status_mut() =
        StatusCode::from_u16(error.code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    // As upstream's ErrorNegotiated: a retry period in the Status is also a header.
    if let Some(seconds) = error.retry_after_seconds() {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    }
    response
}
