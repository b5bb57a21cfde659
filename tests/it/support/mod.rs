//! Test support: a real server on 127.0.0.1:0, a form-POST client, and an XML reader; the
//! world builder most tests start from ([`net`]), the address invariants ([`invariants`]) and
//! small readers of replies ([`readers`]) and of the routing layer ([`routing`]).

mod invariants;
pub mod net;
pub mod readers;
pub mod routing;

pub use net::*;
pub use readers::*;
pub use routing::*;

use std::collections::HashMap;

use ec2_mock::{Config, MockServer};
use quick_xml::events::Event;
use quick_xml::Reader;

/// A server running inside the test's runtime (the embedding API, `ec2_mock::MockServer`);
/// stops when dropped.
pub struct Server {
    pub endpoint: String,
    pub mock: MockServer,
    client: reqwest::Client,
}

impl Server {
    /// A server with the default account/region (123456789012, us-east-1) and a fixed seed.
    pub async fn start() -> Server {
        Server::with_config(Config::new("123456789012", "us-east-1", 42).unwrap()).await
    }

    pub async fn with_config(config: Config) -> Server {
        let mock = MockServer::builder()
            .config(config)
            .start()
            .await
            .expect("start ec2-mock");
        Server {
            endpoint: mock.endpoint().to_owned(),
            mock,
            client: reqwest::Client::new(),
        }
    }

    /// POSTs `Action` plus `params` as an unsigned form body, as the SDKs do (without SigV4).
    pub async fn call(&self, action: &str, params: &[(&str, &str)]) -> Reply {
        let mut form: Vec<(&str, &str)> = vec![("Action", action), ("Version", "2016-11-15")];
        form.extend_from_slice(params);
        let body = serde_urlencoded::to_string(&form).unwrap();
        self.post_raw(&body, &[]).await
    }

    /// Same as `call`, but with an `Authorization` header carrying this SigV4 credential scope.
    pub async fn call_as(
        &self,
        access_key: &str,
        region: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> Reply {
        let mut form: Vec<(&str, &str)> = vec![("Action", action), ("Version", "2016-11-15")];
        form.extend_from_slice(params);
        self.post_scoped(access_key, region, "ec2", &form).await
    }

    /// POSTs exactly `form` (no `Version` added) signed for `service`'s SigV4 scope, as an
    /// STS client does with `sts`.
    pub async fn post_scoped(
        &self,
        access_key: &str,
        region: &str,
        service: &str,
        form: &[(&str, &str)],
    ) -> Reply {
        let body = serde_urlencoded::to_string(form).unwrap();
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={access_key}/20261125/{region}/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
        );
        self.post_raw(&body, &[("authorization", auth.as_str())])
            .await
    }

    /// POSTs a raw body with extra headers.
    pub async fn post_raw(&self, body: &str, headers: &[(&str, &str)]) -> Reply {
        let mut req = self
            .client
            .post(format!("{}/", self.endpoint))
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(body.to_owned());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Reply::from(req.send().await.unwrap()).await
    }

    /// POSTs raw bytes (which need not be UTF-8) to `/?{query}` (no query when empty).
    pub async fn post_bytes(&self, query: &str, body: Vec<u8>) -> Reply {
        let url = if query.is_empty() {
            format!("{}/", self.endpoint)
        } else {
            format!("{}/?{}", self.endpoint, query)
        };
        let resp = self
            .client
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        Reply::from(resp).await
    }

    /// GETs `/?{query}` as curl users do.
    pub async fn get(&self, query: &str) -> Reply {
        let resp = self
            .client
            .get(format!("{}/?{}", self.endpoint, query))
            .send()
            .await
            .unwrap();
        Reply::from(resp).await
    }
}

/// One HTTP reply, with helpers to read the EC2 document in it.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub doc: Node,
}

impl Reply {
    async fn from(resp: reqwest::Response) -> Reply {
        let status = resp.status().as_u16();
        let body = resp.text().await.unwrap();
        let doc = Node::parse(&body);
        Reply { status, body, doc }
    }

    /// Panics with the body unless the call succeeded.
    #[track_caller]
    pub fn ok(&self) -> &Node {
        assert_eq!(self.status, 200, "expected success, got {}", self.body);
        &self.doc
    }

    /// The `<Code>` of an error document.
    pub fn code(&self) -> Option<String> {
        self.doc.find("Code").map(|n| n.text.clone())
    }

    /// Panics unless the reply is the EC2 error document with this code and status.
    #[track_caller]
    pub fn err(&self, code: &str, status: u16) -> String {
        assert_eq!(self.code().as_deref(), Some(code), "body: {}", self.body);
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(self.doc.name, "Response", "error root: {}", self.body);
        assert!(
            self.doc
                .find("RequestID")
                .is_some_and(|r| !r.text.is_empty()),
            "no RequestID: {}",
            self.body
        );
        self.doc
            .find("Message")
            .map(|m| m.text.clone())
            .unwrap_or_default()
    }

    /// Shorthand for the common 400 error.
    #[track_caller]
    pub fn err400(&self, code: &str) -> String {
        self.err(code, 400)
    }
}

/// A parsed XML element: name, text, children in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    pub name: String,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn parse(xml: &str) -> Node {
        let mut reader = Reader::from_str(xml);
        let mut stack: Vec<Node> = vec![Node::default()];
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) => stack.push(Node {
                    name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    ..Node::default()
                }),
                Ok(Event::Empty(e)) => {
                    let node = Node {
                        name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                        ..Node::default()
                    };
                    stack.last_mut().unwrap().children.push(node);
                }
                Ok(Event::Text(t)) => {
                    let text = t.unescape().map(|c| c.into_owned()).unwrap_or_default();
                    stack.last_mut().unwrap().text.push_str(&text);
                }
                Ok(Event::End(_)) => {
                    let node = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(node);
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("malformed XML ({e}): {xml}"),
            }
        }
        let mut root = stack.pop().unwrap();
        assert!(stack.is_empty(), "unclosed elements in {xml}");
        root.children.pop().unwrap_or_default()
    }

    /// The first descendant (depth-first, self included) with this name.
    pub fn find(&self, name: &str) -> Option<&Node> {
        if self.name == name {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(name))
    }

    /// The text of the first descendant with this name; panics if there is none.
    #[track_caller]
    pub fn text(&self, name: &str) -> String {
        match self.find(name) {
            Some(n) => n.text.clone(),
            None => panic!("no <{name}> in {self:#?}"),
        }
    }

    /// The direct child with this name.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of the direct child with this name; panics if there is none.
    #[track_caller]
    pub fn get(&self, name: &str) -> String {
        match self.child(name) {
            Some(n) => n.text.clone(),
            None => panic!("no child <{name}> in <{}>: {self:#?}", self.name),
        }
    }

    /// The `<item>`s of the first list element with this name (empty if absent or `<x/>`).
    pub fn items(&self, list: &str) -> Vec<&Node> {
        self.find(list)
            .map(|l| l.children.iter().filter(|c| c.name == "item").collect())
            .unwrap_or_default()
    }

    /// Texts of every descendant with this name, in document order.
    pub fn all(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.collect(name, &mut out);
        out
    }

    fn collect(&self, name: &str, out: &mut Vec<String>) {
        if self.name == name {
            out.push(self.text.clone());
        }
        for c in &self.children {
            c.collect(name, out);
        }
    }

    /// Tags of a resource node as a map (`tagSet` directly under it).
    pub fn tags(&self) -> HashMap<String, String> {
        self.child("tagSet")
            .map(|ts| {
                ts.children
                    .iter()
                    .map(|i| (i.get("key"), i.get("value")))
                    .collect()
            })
            .unwrap_or_default()
    }
}
