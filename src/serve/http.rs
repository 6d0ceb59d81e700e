//! Small HTTP helpers over oxhttp's model: responses, parameters, bodies.

use oxhttp::model::header::{CONTENT_TYPE, HeaderName};
use oxhttp::model::{Body, HeaderValue, Request, Response, StatusCode};
use std::io::Read;

/// A request that cannot be answered normally: its status and a message for a person.
#[derive(Debug)]
pub struct Fail {
    pub status: StatusCode,
    pub message: String,
    /// Extra headers (e.g. `WWW-Authenticate` on a 401, `Allow` on a 405).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl Fail {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into(), headers: Vec::new() }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    pub fn with_header(mut self, name: HeaderName, value: &'static str) -> Self {
        self.headers.push((name, HeaderValue::from_static(value)));
        self
    }

    pub fn into_response(self) -> Response<Body> {
        let mut response = text(self.status, &self.message);
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

pub type Reply = Result<Response<Body>, Fail>;

/// A plain-text response; the message ends with a newline so `curl` output reads well.
pub fn text(status: StatusCode, message: &str) -> Response<Body> {
    let mut body = message.to_string();
    if !body.ends_with('\n') {
        body.push('\n');
    }
    bytes(status, "text/plain; charset=utf-8", body.into_bytes())
}

/// A response with a body of the given media type.
pub fn bytes(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    // Our content types are constants or built from checked media types; fall back to
    // octet-stream rather than fail if one were ever invalid.
    let value = HeaderValue::from_str(content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    response.headers_mut().insert(CONTENT_TYPE, value);
    response
}

/// An empty response (204, 201 …).
pub fn empty(status: StatusCode) -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

/// Decoded `application/x-www-form-urlencoded` pairs (also used for the URL query string).
pub fn form_pairs(encoded: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(encoded).into_owned().collect()
}

/// The URL query string's parameters.
pub fn url_params(request: &Request<Body>) -> Vec<(String, String)> {
    form_pairs(request.uri().query().unwrap_or("").as_bytes())
}

/// All values of parameter `name`.
pub fn all<'a>(params: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    params.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
}

/// The single value of parameter `name`: `Ok(None)` if absent, 400 if repeated.
pub fn single<'a>(params: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, Fail> {
    match all(params, name).as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        _ => Err(Fail::bad_request(format!("parameter '{name}' given more than once"))),
    }
}

/// A header's value as text, if present and printable.
pub fn header<'a>(request: &'a Request<Body>, name: HeaderName) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The request's media type without parameters, lower-cased ("application/sparql-query").
pub fn content_type(request: &Request<Body>) -> Option<String> {
    header(request, CONTENT_TYPE).map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
}

/// Read the whole body, refusing more than `limit` bytes with 413.
pub fn read_body(request: &mut Request<Body>, limit: u64) -> Result<Vec<u8>, Fail> {
    let mut buffer = Vec::new();
    request
        .body_mut()
        .take(limit + 1)
        .read_to_end(&mut buffer)
        .map_err(|e| Fail::bad_request(format!("cannot read the request body: {e}")))?;
    if buffer.len() as u64 > limit {
        return Err(Fail::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body is over the {limit}-byte limit"),
        ));
    }
    Ok(buffer)
}

/// The body as UTF-8 text, or 400.
pub fn utf8(body: Vec<u8>, what: &str) -> Result<String, Fail> {
    String::from_utf8(body).map_err(|e| {
        Fail::bad_request(format!("{what} is not valid UTF-8 (at byte {})", e.utf8_error().valid_up_to()))
    })
}
