//! The HTTP transport seam: apps may hand in their platform's HTTP stack; reqwest with
//! rustls is the default (feature `reqwest-transport`, on by default).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed future, so the transport trait stays object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An HTTP request as the transport sends it.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    /// Method, upper case.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// An HTTP response.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of header `name`, compared without case: an app's own transport may
    /// hand names in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Why a request got no response.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TransportError {
    /// No answer in time.
    #[error("timed out")]
    Timeout,
    /// The connection failed or was dropped.
    #[error("connection: {0}")]
    Connection(String),
    /// Anything else the platform reports.
    #[error("{0}")]
    Other(String),
}

/// Sends HTTP requests: request in, response out.
pub trait HttpTransport: Send + Sync {
    /// Sends `req` and returns whatever the server answered, any status.
    fn send(&self, req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

/// The default transport: reqwest over rustls, with connect and request timeouts.
#[cfg(feature = "reqwest-transport")]
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

#[cfg(feature = "reqwest-transport")]
impl ReqwestTransport {
    /// A transport whose whole request (connect to last byte) is limited to `timeout`.
    pub fn new(timeout: Duration) -> Result<ReqwestTransport, TransportError> {
        let client = reqwest::Client::builder()
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout)
            .build()
            .map_err(|e| TransportError::Other(e.to_string()))?;
        Ok(ReqwestTransport { client })
    }
}

#[cfg(feature = "reqwest-transport")]
fn transport_error(e: reqwest::Error) -> TransportError {
    if e.is_timeout() {
        TransportError::Timeout
    } else {
        TransportError::Connection(e.to_string())
    }
}

#[cfg(feature = "reqwest-transport")]
impl HttpTransport for ReqwestTransport {
    fn send(&self, req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let method =
                reqwest::Method::from_bytes(req.method.as_bytes()).map_err(|e| TransportError::Other(e.to_string()))?;
            let mut builder = self.client.request(method, &req.url);
            for (k, v) in &req.headers {
                builder = builder.header(k, v);
            }
            let resp = builder.body(req.body).send().await.map_err(transport_error)?;
            let status = resp.status().as_u16();
            let headers = resp
                .headers()
                .iter()
                .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_owned(), v.to_owned())))
                .collect();
            let body = resp.bytes().await.map_err(transport_error)?.to_vec();
            Ok(HttpResponse { status, headers, body })
        })
    }
}

/// The default transport in a build without the `reqwest-transport` feature (a host, or an
/// app that always hands in its platform's stack): there is no HTTP stack to default to, so
/// making one fails and the caller must hand in an [`HttpTransport`]. The name stays so the
/// wallet and terminal, which fall back to it, build the same either way.
#[cfg(not(feature = "reqwest-transport"))]
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    _none: (),
}

#[cfg(not(feature = "reqwest-transport"))]
impl ReqwestTransport {
    /// Always refuses: this build has no default HTTP stack.
    pub fn new(_timeout: Duration) -> Result<ReqwestTransport, TransportError> {
        Err(TransportError::Other(
            "this library has no HTTP stack of its own: pass the platform's HttpTransport \
             (Android: HttpUrlConnectionTransport(); iOS: URLSessionTransport())"
                .to_owned(),
        ))
    }
}

#[cfg(not(feature = "reqwest-transport"))]
impl HttpTransport for ReqwestTransport {
    fn send(&self, _req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async { Err(TransportError::Other("no default HTTP transport in this build".to_owned())) })
    }
}
