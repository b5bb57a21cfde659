//! `aws_sdk_ec2` clients for a [`MockServer`] (cargo feature `sdk`).
//!
//! The SDK is used without its default HTTPS client: that would pull a TLS stack into every
//! build of a crate that only ever talks plain HTTP to 127.0.0.1. Instead [`ReqwestConnector`]
//! carries the SDK's requests with reqwest (no TLS features). The clients are configured in
//! code only (no environment variables, no profile files), so tests do not depend on the
//! machine's AWS settings.

use aws_sdk_ec2::config::{BehaviorVersion, Credentials, Region, SharedHttpClient};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;

use super::MockServer;

/// The secret key of the clients built here. Signatures are not checked by default, so any
/// value works; it is fixed so that signed requests are reproducible.
const SECRET_KEY: &str = "ec2-mock-secret";

impl MockServer {
    /// An `aws_sdk_ec2::Client` for this server, in its default account and region.
    ///
    /// Its access key is the server's account ID, so it lands in that account; its region is
    /// the server's region. A server with `--auth strict` (`Config::auth`) only accepts keys
    /// it knows: build that client with [`sdk_config`](MockServer::sdk_config) and the key's
    /// secret instead.
    pub fn sdk_client(&self) -> aws_sdk_ec2::Client {
        self.sdk_client_for(self.account_id(), self.region())
    }

    /// An `aws_sdk_ec2::Client` for this server signing with `access_key` in `region`.
    ///
    /// A 12-digit access key selects that account; any other selects the default one. Every
    /// (account, region) pair is its own isolated world.
    pub fn sdk_client_for(&self, access_key: &str, region: &str) -> aws_sdk_ec2::Client {
        let credentials = Credentials::new(access_key, SECRET_KEY, None, None, "ec2-mock");
        aws_sdk_ec2::Client::from_conf(self.sdk_config(credentials, region).build())
    }

    /// The SDK configuration behind [`sdk_client_for`](MockServer::sdk_client_for), to adjust
    /// before building a client: other credentials (a known secret for signature checks),
    /// retries, timeouts, interceptors.
    pub fn sdk_config(
        &self,
        credentials: Credentials,
        region: &str,
    ) -> aws_sdk_ec2::config::Builder {
        aws_sdk_ec2::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_owned()))
            .credentials_provider(credentials)
            .endpoint_url(self.endpoint())
            .http_client(sdk_http_client())
    }
}

/// The plain-HTTP client the SDK configurations here use, for configurations built
/// elsewhere (such as `aws_config::defaults(…).http_client(sdk_http_client())`).
pub fn sdk_http_client() -> SharedHttpClient {
    // No proxy: the server is on loopback, and HTTP(S)_PROXY on a CI machine must not route
    // requests for 127.0.0.1 through it.
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap_or_default();
    SharedHttpClient::new(ReqwestConnector(client))
}

/// An `HttpClient` for the SDK that sends each request with reqwest.
#[derive(Debug, Clone)]
struct ReqwestConnector(reqwest::Client);

impl HttpConnector for ReqwestConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let client = self.0.clone();
        HttpConnectorFuture::new(async move {
            let other =
                |e: Box<dyn std::error::Error + Send + Sync>| ConnectorError::other(e, None);
            let method = reqwest::Method::from_bytes(request.method().as_bytes())
                .map_err(|e| other(e.into()))?;
            let mut builder = client.request(method, request.uri());
            for (name, value) in request.headers() {
                builder = builder.header(name, value);
            }
            // EC2 requests are small forms the SDK holds in memory; only streaming uploads
            // (which EC2 has none of) would lack the bytes.
            let body = request
                .body()
                .bytes()
                .ok_or_else(|| other("streaming request bodies are not supported".into()))?
                .to_vec();
            let response = builder
                .body(body)
                .send()
                .await
                .map_err(|e| ConnectorError::io(e.into()))?;
            let status =
                StatusCode::try_from(response.status().as_u16()).map_err(|e| other(e.into()))?;
            let headers = response.headers().clone();
            let bytes = response
                .bytes()
                .await
                .map_err(|e| ConnectorError::io(e.into()))?;
            let mut reply = HttpResponse::new(status, bytes.to_vec().into());
            for (name, value) in &headers {
                if let Ok(value) = value.to_str() {
                    reply
                        .headers_mut()
                        .append(name.as_str().to_owned(), value.to_owned());
                }
            }
            Ok(reply)
        })
    }
}

impl HttpClient for ReqwestConnector {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}
