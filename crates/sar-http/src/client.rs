//! A minimal HTTP/1.1 client with keep-alive, for talking to a sarflow API on loopback from the
//! end-to-end tests, the load generators and operator tools, without pulling a full client
//! stack into every binary. Plain HTTP only: production traffic goes through a TLS proxy.

use std::net::SocketAddr;

use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

/// Largest response body read (a search page or a batch result is far smaller).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// A response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// The first header with this (lowercase) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// One keep-alive connection.
#[derive(Debug)]
pub struct Client {
    addr: SocketAddr,
    stream: Option<BufReader<TcpStream>>,
}

impl Client {
    /// A client for `addr`; connects on the first request.
    pub fn new(addr: SocketAddr) -> Self {
        Self { addr, stream: None }
    }

    /// Sends one request and reads the whole response. Reconnects once if the kept-alive
    /// connection was closed by the server.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Response> {
        let reused = self.stream.is_some();
        match self.try_request(method, path, headers, body).await {
            Ok(response) => Ok(response),
            Err(_) if reused => {
                self.stream = None;
                self.try_request(method, path, headers, body).await
            }
            Err(error) => Err(error),
        }
    }

    /// `GET path` with headers.
    pub async fn get(&mut self, path: &str, headers: &[(&str, &str)]) -> std::io::Result<Response> {
        self.request("GET", path, headers, b"").await
    }

    async fn try_request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Response> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(self.addr).await?;
            stream.set_nodelay(true)?;
            self.stream = Some(BufReader::new(stream));
        }
        let Some(stream) = self.stream.as_mut() else {
            return Err(std::io::Error::other("no connection"));
        };
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\ncontent-length: {}\r\n",
            self.addr,
            body.len()
        );
        for (name, value) in headers {
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        stream.get_mut().write_all(&request).await?;
        let response = read_response(stream).await;
        if response.as_ref().map_or(true, |response| {
            response.header("connection") == Some("close")
        }) {
            self.stream = None;
        }
        response
    }
}

async fn read_response(stream: &mut BufReader<TcpStream>) -> std::io::Result<Response> {
    let mut line = String::new();
    if stream.read_line(&mut line).await? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "connection closed",
        ));
    }
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| std::io::Error::other("malformed status line"))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        stream.read_line(&mut line).await?;
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        if let Some((name, value)) = trimmed.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let mut body = Vec::new();
    if find("transfer-encoding").is_some_and(|value| value.eq_ignore_ascii_case("chunked")) {
        loop {
            line.clear();
            stream.read_line(&mut line).await?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| std::io::Error::other("malformed chunk size"))?;
            if size == 0 {
                line.clear();
                stream.read_line(&mut line).await?;
                break;
            }
            if body.len() + size > MAX_BODY {
                return Err(std::io::Error::other("response body too large"));
            }
            let start = body.len();
            body.resize(start + size, 0);
            stream.read_exact(&mut body[start..]).await?;
            let mut crlf = [0_u8; 2];
            stream.read_exact(&mut crlf).await?;
        }
    } else if let Some(length) = find("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| std::io::Error::other("malformed content-length"))?;
        if length > MAX_BODY {
            return Err(std::io::Error::other("response body too large"));
        }
        body.resize(length, 0);
        stream.read_exact(&mut body).await?;
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use axum::{Router, routing::post};
    use tokio_util::sync::CancellationToken;

    use super::*;

    #[tokio::test]
    async fn keeps_the_connection_and_reads_both_body_framings() {
        let router = Router::new()
            .route("/echo", post(|body: String| async move { body }))
            .route(
                "/stream",
                axum::routing::get(|| async {
                    let chunks = futures_chunks();
                    axum::body::Body::from_stream(chunks)
                }),
            );
        let shutdown = CancellationToken::new();
        let (addr, task) = crate::serve("127.0.0.1:0".parse().unwrap(), router, shutdown.clone())
            .await
            .unwrap();
        let mut client = Client::new(addr);
        for round in 0..3 {
            let body = format!("hello {round}");
            let response = client
                .request(
                    "POST",
                    "/echo",
                    &[("content-type", "text/plain")],
                    body.as_bytes(),
                )
                .await
                .unwrap();
            assert_eq!(response.status, 200);
            assert_eq!(response.body, body.as_bytes());
        }
        let streamed = client.get("/stream", &[]).await.unwrap();
        assert_eq!(streamed.header("transfer-encoding"), Some("chunked"));
        assert_eq!(streamed.body, b"onetwothree");
        shutdown.cancel();
        task.await.unwrap().unwrap();
    }

    fn futures_chunks()
    -> impl futures_util::Stream<Item = Result<&'static str, std::convert::Infallible>> {
        futures_util::stream::iter(["one", "two", "three"].map(Ok))
    }
}
