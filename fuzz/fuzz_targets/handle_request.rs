//! Full request handling: any bytes as the form body of any action must produce a
//! well-formed EC2 reply — `<{Action}Response xmlns=…>` with a `requestId` on 200, the
//! `<Response><Errors><Error>…` document on 4xx (412 for DryRun) — never a 5xx, never a panic.
//!
//! Input: up to `MAX_REQUESTS` requests, one per line (`\n`); in each, the first byte picks
//! the action (one of the registry's, an unknown name, or none at all) and the rest is the form
//! body, sent after `Action=X&` (a second `Action` in it is refused as a repeated key). A line is a request, so
//! one input can be a scenario (create a VPC, a subnet in it, an interface in that, assign…).
//! A line may go on with `\r` and an `Authorization` header value, then `\r` and a query
//! string.
//!
//! State: one `AppState` (fixed seed) serves every iteration, so creates are followed by
//! describes, assigns and deletes on what they created. To make those reach real resources,
//! the placeholders `{vpc}`, `{subnet}`, `{sg}`, `{eni}`, `{sgr}`, `{eni-perm}` in a body are
//! replaced with the most recent ID of that kind seen in a successful reply (earlier lines of
//! the same input included; the defaults at first); `{ipv6-cidr}` becomes a /64 of the latest
//! VPC /56 and `{ipv6-addr}` an address of the latest subnet /64 (a counter varies both).
//! After each input the default world's address invariants are checked (`check_world`).
//!
//! The state is rebuilt every `EPOCH` iterations so memory and describe cost stay bounded and
//! a failure depends on at most `EPOCH` earlier inputs: on a panic the inputs of the current
//! epoch are written to `fuzz/artifacts/handle_request/epoch-<pid>/`, and running the target
//! on those files in name order replays the failure from a fresh state. Run with
//! `-detect_leaks=0`: libFuzzer's leak check re-runs any input that allocates more than it
//! frees (every create here), which would apply it to the state twice.

#![no_main]

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::{Once, OnceLock};

use axum::http::{header, HeaderMap, HeaderValue, Method};
use ec2_mock::actions::registry::REGISTRY;
use ec2_mock::app::{AppState, Reply};
use ec2_mock::model::ids::SubnetId;
use ec2_mock::model::read;
use ec2_mock::server::respond;
use ec2_mock::wire::xml::EC2_XMLNS;
use ec2_mock::Config;
use libfuzzer_sys::fuzz_target;
use quick_xml::events::Event;
use quick_xml::Reader;

/// The account of unsigned requests (and of this harness's `Config`).
const ACCOUNT: &str = "123456789012";

/// Iterations per state; see the module documentation.
const EPOCH: usize = 2_000;

/// Requests per input at most (one per line).
const MAX_REQUESTS: usize = 8;

/// ID kinds the placeholders stand for, as `{kind}` in a body and `kind-…` in a reply.
const KINDS: &[&str] = &["vpc", "subnet", "sg", "eni", "sgr", "eni-perm"];

struct Harness {
    state: AppState,
    iterations: usize,
    /// The most recent ID of each of `KINDS`.
    latest: RefCell<Vec<Option<String>>>,
    /// The most recent VPC /56 and subnet /64 seen in a reply.
    vpc_ipv6: Cell<Option<Ipv6Addr>>,
    subnet_ipv6: Cell<Option<Ipv6Addr>>,
    /// Varies the IPv6 placeholders from one substitution to the next.
    counter: Cell<u16>,
    /// This epoch's raw inputs, for the replay written on a panic.
    epoch: Vec<Vec<u8>>,
}

impl Harness {
    fn new() -> Self {
        let config = Config::new(ACCOUNT, "us-east-1", 0).expect("valid config");
        let h = Harness {
            state: AppState::new(&config),
            iterations: 0,
            latest: RefCell::new(vec![None; KINDS.len()]),
            vpc_ipv6: Cell::new(None),
            subnet_ipv6: Cell::new(None),
            counter: Cell::new(0),
            epoch: Vec::new(),
        };
        // Prime the placeholders with the default VPC, subnets and security group.
        for action in ["DescribeVpcs", "DescribeSubnets", "DescribeSecurityGroups"] {
            let body = format!("Action={action}");
            let reply = respond(
                &h.state,
                &Method::POST,
                "/",
                &HeaderMap::new(),
                None,
                body.as_bytes(),
            );
            h.remember_ids(&reply.body);
        }
        h
    }

    fn remember_ids(&self, body: &[u8]) {
        let Ok(text) = std::str::from_utf8(body) else {
            return;
        };
        for (k, kind) in KINDS.iter().enumerate() {
            let needle = format!(">{kind}-");
            let mut rest = text;
            while let Some(at) = rest.find(&needle) {
                let id_start = at + 1;
                let digits = &rest[id_start + kind.len() + 1..];
                let n = digits.bytes().take_while(|b| b.is_ascii_hexdigit()).count();
                if (n == 8 || n == 17) && digits.as_bytes().get(n) == Some(&b'<') {
                    self.latest.borrow_mut()[k] =
                        Some(rest[id_start..id_start + kind.len() + 1 + n].to_owned());
                }
                rest = &rest[id_start..];
            }
        }
        let mut rest = text;
        while let Some(at) = rest.find("<ipv6CidrBlock>") {
            rest = &rest[at + "<ipv6CidrBlock>".len()..];
            let cidr = &rest[..rest.find('<').unwrap_or(0)];
            if let Some((addr, len)) = cidr.split_once('/') {
                match (addr.parse::<Ipv6Addr>(), len) {
                    (Ok(a), "56") => self.vpc_ipv6.set(Some(a)),
                    (Ok(a), "64") => self.subnet_ipv6.set(Some(a)),
                    _ => {}
                }
            }
        }
    }

    fn next_counter(&self) -> u16 {
        let n = self.counter.get().wrapping_add(1);
        self.counter.set(n);
        n
    }

    fn substitute(&self, body: &[u8]) -> Vec<u8> {
        if !body.contains(&b'{') {
            return body.to_vec();
        }
        let mut out = body.to_vec();
        for (k, kind) in KINDS.iter().enumerate() {
            if let Some(id) = &self.latest.borrow()[k] {
                out = replace(&out, format!("{{{kind}}}").as_bytes(), id.as_bytes());
            }
        }
        if let Some(vpc) = self.vpc_ipv6.get() {
            while let Some(at) = find(&out, b"{ipv6-cidr}") {
                let mut seg = vpc.segments();
                seg[3] = (seg[3] & 0xff00) | (self.next_counter() & 0xff);
                let cidr = format!("{}/64", Ipv6Addr::from(seg));
                out.splice(at..at + b"{ipv6-cidr}".len(), cidr.into_bytes());
            }
        }
        if let Some(subnet) = self.subnet_ipv6.get() {
            while let Some(at) = find(&out, b"{ipv6-addr}") {
                let mut seg = subnet.segments();
                seg[7] = 4 + self.next_counter() % 0x1000;
                let addr = Ipv6Addr::from(seg).to_string();
                out.splice(at..at + b"{ipv6-addr}".len(), addr.into_bytes());
            }
        }
        out
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

thread_local! {
    static HARNESS: RefCell<Option<Harness>> = const { RefCell::new(None) };
}

static PANIC_HOOK: Once = Once::new();

/// `EC2_FUZZ_TRACE=1`: print each request and the status and code it got (to see what a
/// corpus reaches, e.g. `handle_request -runs=0 fuzz/seeds/handle_request`).
fn trace() -> bool {
    static TRACE: OnceLock<bool> = OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("EC2_FUZZ_TRACE").is_some_and(|v| v == "1"))
}

/// On a panic, writes this epoch's inputs (oldest first) so the failure can be replayed.
fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = HARNESS.try_with(|h| {
                if let Ok(h) = h.try_borrow() {
                    if let Some(h) = h.as_ref() {
                        let dir = format!(
                            "{}/artifacts/handle_request/epoch-{}",
                            env!("CARGO_MANIFEST_DIR"),
                            std::process::id()
                        );
                        if std::fs::create_dir_all(&dir).is_ok() {
                            for (i, input) in h.epoch.iter().enumerate() {
                                let _ = std::fs::write(format!("{dir}/{i:06}"), input);
                            }
                            eprintln!(
                                "handle_request: {} inputs of this epoch written to {dir}; \
                                 replay: handle_request {dir}/*",
                                h.epoch.len()
                            );
                        }
                    }
                }
            });
            default(info);
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    install_panic_hook();
    HARNESS.with(|cell| {
        {
            let mut slot = cell.borrow_mut();
            if slot.as_ref().is_none_or(|h| h.iterations >= EPOCH) {
                *slot = Some(Harness::new());
            }
            let h = slot.as_mut().expect("harness");
            h.iterations += 1;
            h.epoch.push(data.to_vec());
        }
        // Borrowed shared while requests run, so the panic hook can read the epoch.
        let slot = cell.borrow();
        let h = slot.as_ref().expect("harness");
        for line in data.split(|&b| b == b'\n').take(MAX_REQUESTS) {
            h.request(line);
        }
        h.check_world();
    });
});

impl Harness {
    /// One line of input: the action selector, then the form body.
    fn request(&self, line: &[u8]) {
        // `selector body [\r authorization [\r query]]`: the optional parts give the request
        // an `Authorization` header (its SigV4 credential scope picks account and region) and
        // a query string, as a GET or presigned request has.
        let mut parts = line.splitn(3, |&b| b == b'\r');
        let line = parts.next().unwrap_or_default();
        let mut headers = HeaderMap::new();
        if let Some(Ok(auth)) = parts.next().map(HeaderValue::from_bytes) {
            headers.insert(header::AUTHORIZATION, auth);
        }
        let query = parts.next().and_then(|q| std::str::from_utf8(q).ok());
        let query =
            query.map(|q| String::from_utf8_lossy(&self.substitute(q.as_bytes())).into_owned());
        let (selector, rest) = line.split_first().map_or((0, &[][..]), |(s, r)| (*s, r));
        let choice = usize::from(selector) % (REGISTRY.len() + 2);
        let mut body = Vec::with_capacity(rest.len() + 48);
        match choice {
            c if c < REGISTRY.len() => {
                body.extend_from_slice(b"Action=");
                body.extend_from_slice(REGISTRY[c].name.as_bytes());
                body.push(b'&');
            }
            c if c == REGISTRY.len() => body.extend_from_slice(b"Action=FuzzUnknownAction&"),
            _ => {}
        }
        body.extend_from_slice(&self.substitute(rest));
        let reply = respond(
            &self.state,
            &Method::POST,
            "/",
            &headers,
            query.as_deref(),
            &body,
        );
        check_reply(&reply, &body);
        if trace() {
            let text = String::from_utf8_lossy(&reply.body);
            let message = text
                .split_once("<Message>")
                .and_then(|(_, m)| m.split_once("</Message>"))
                .map_or("", |(m, _)| m);
            eprintln!(
                "{} {} {} {message:?} <- {}",
                reply.status,
                reply.action.unwrap_or("-"),
                reply.error_code.unwrap_or("-"),
                String::from_utf8_lossy(&body)
            );
        }
        if reply.status == 200 {
            self.remember_ids(&reply.body);
        }
    }

    /// The address invariants of the default world (where unsigned requests land), after
    /// every input: each interface has one primary address; every address and prefix it holds
    /// lies in its subnet, outside the reserved ones, held once, and marked taken in the
    /// subnet's pool; each subnet's `availableIpAddressCount` and IPv6 use are exact.
    fn check_world(&self) {
        let world = self.state.backend.world(ACCOUNT, self.state.default_region);
        let world = read(&world);
        let mut held4: HashMap<SubnetId, HashSet<Ipv4Addr>> = HashMap::new();
        let mut held6: HashMap<SubnetId, (HashSet<Ipv6Addr>, usize)> = HashMap::new();
        for eni in world.network_interfaces().values() {
            let primaries = eni.private_ips.iter().filter(|p| p.primary).count();
            assert_eq!(primaries, 1, "{}: {primaries} primary addresses", eni.id);
            let subnet = world
                .subnets()
                .get(&eni.subnet_id)
                .unwrap_or_else(|| panic!("{}: subnet {} is gone", eni.id, eni.subnet_id));
            let pool = world.ipv4_pool(&subnet.id).expect("every subnet has a pool");
            let cidr = subnet.cidr;
            let first = u32::from(cidr.network());
            let reserved = |ip: Ipv4Addr| {
                let off = u32::from(ip) - first;
                off < 4 || ip == cidr.broadcast()
            };
            let held = held4.entry(eni.subnet_id).or_default();
            let prefix_ips = eni
                .ipv4_prefixes
                .iter()
                .flat_map(|p| p.hosts().chain([p.network(), p.broadcast()]));
            for ip in eni.private_ips.iter().map(|p| p.address).chain(prefix_ips) {
                assert!(cidr.contains(&ip), "{}: {ip} outside {cidr}", eni.id);
                assert!(!reserved(ip), "{}: {ip} is reserved in {cidr}", eni.id);
                assert!(held.insert(ip), "{ip} held twice in {}", eni.subnet_id);
                assert!(!pool.is_free(ip), "{ip} held by {} but free", eni.id);
            }
            if !eni.ipv6_addresses.is_empty() || !eni.ipv6_prefixes.is_empty() {
                let block = world
                    .ipv6_pool(&subnet.id)
                    .unwrap_or_else(|| panic!("{}: IPv6 in a subnet without a block", eni.id));
                let cidr6 = block.cidr();
                let (held, prefixes) = held6.entry(eni.subnet_id).or_default();
                for a in &eni.ipv6_addresses {
                    assert!(
                        cidr6.contains(&a.address),
                        "{}: {} outside",
                        eni.id,
                        a.address
                    );
                    assert!(held.insert(a.address), "{} held twice", a.address);
                    assert!(
                        block.is_allocated(a.address),
                        "{} not allocated",
                        a.address
                    );
                }
                *prefixes += eni.ipv6_prefixes.len();
            }
        }
        for (id, subnet) in world.subnets().iter() {
            let usable = (1u32 << (32 - subnet.cidr.prefix_len())) - 5;
            let held = held4.get(id).map_or(0, HashSet::len) as u32;
            assert_eq!(
                world.subnet_view(subnet).available_ip_address_count,
                usable - held,
                "availableIpAddressCount of {id}"
            );
            if let Some(block) = world.ipv6_pool(id) {
                let (held, prefixes) = held6.get(id).map_or((0, 0), |(h, p)| (h.len(), *p));
                assert_eq!(block.in_use(), held as u64, "IPv6 in use in {id}");
                assert_eq!(
                    block.delegated_prefixes(),
                    prefixes,
                    "IPv6 prefixes in {id}"
                );
            }
        }
    }
}

/// One element of the reply, as much of it as the checks need.
#[derive(Debug, Default)]
struct Node {
    name: String,
    xmlns: Option<String>,
    text: String,
    children: Vec<Node>,
}

/// Element levels kept as `Node`s: enough for `Response/Errors/Error/Code`. Deeper elements
/// are still read and checked (names balanced, text and attributes unescaped), not stored, so
/// a large Describe reply costs a scan rather than a tree.
const KEEP_DEPTH: usize = 4;

fn parse(body: &[u8]) -> Result<Node, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("reply is not UTF-8: {e}"))?;
    let mut reader = Reader::from_str(text);
    let mut stack = vec![Node::default()];
    // Open elements below `KEEP_DEPTH`, which are not stored.
    let mut skipped = 0usize;
    let open = |e: &quick_xml::events::BytesStart<'_>| -> Result<Node, String> {
        let mut node = Node {
            name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
            ..Node::default()
        };
        for a in e.attributes() {
            let a = a.map_err(|e| format!("bad attribute: {e}"))?;
            let v = a
                .unescape_value()
                .map_err(|e| format!("bad attribute: {e}"))?;
            if a.key.as_ref() == b"xmlns" {
                node.xmlns = Some(v.into_owned());
            }
        }
        Ok(node)
    };
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let node = open(&e)?;
                if skipped > 0 || stack.len() > KEEP_DEPTH {
                    skipped += 1;
                } else {
                    stack.push(node);
                }
            }
            Ok(Event::Empty(e)) => {
                let node = open(&e)?;
                if skipped == 0 && stack.len() <= KEEP_DEPTH {
                    stack.last_mut().ok_or("no parent")?.children.push(node);
                }
            }
            Ok(Event::Text(t)) => {
                let t = t.unescape().map_err(|e| format!("bad text: {e}"))?;
                if skipped == 0 {
                    stack.last_mut().ok_or("no parent")?.text.push_str(&t);
                }
            }
            Ok(Event::End(_)) if skipped > 0 => skipped -= 1,
            Ok(Event::End(_)) => {
                let node = stack.pop().ok_or("unbalanced end")?;
                stack
                    .last_mut()
                    .ok_or("unbalanced end")?
                    .children
                    .push(node);
            }
            Ok(Event::Eof) => break,
            Ok(Event::Decl(_)) => {}
            Ok(other) => return Err(format!("unexpected event {other:?}")),
            Err(e) => return Err(format!("malformed XML: {e}")),
        }
    }
    let mut doc = stack.pop().ok_or("empty")?;
    if !stack.is_empty() || skipped > 0 {
        return Err("unclosed element".into());
    }
    if doc.children.len() != 1 || !doc.text.trim().is_empty() {
        return Err(format!(
            "expected one root element, got {}",
            doc.children.len()
        ));
    }
    Ok(doc.children.remove(0))
}

fn names(node: &Node) -> Vec<&str> {
    node.children.iter().map(|c| c.name.as_str()).collect()
}

fn check_reply(reply: &Reply, request: &[u8]) {
    let fail = |why: String| -> ! {
        panic!(
            "{why}\nrequest: {}\nstatus: {}\nreply: {}",
            String::from_utf8_lossy(request),
            reply.status,
            String::from_utf8_lossy(&reply.body)
        )
    };
    let root = parse(&reply.body).unwrap_or_else(|e| fail(e));
    match reply.status {
        200 => {
            let action = reply
                .action
                .unwrap_or_else(|| fail("success without an action".into()));
            if reply.error_code.is_some() {
                fail("success with an error code".into());
            }
            if root.name != format!("{action}Response") {
                fail(format!("root <{}> for {action}", root.name));
            }
            if root.xmlns.as_deref() != Some(EC2_XMLNS) {
                fail(format!("xmlns {:?}", root.xmlns));
            }
            match root.children.first() {
                Some(r) if r.name == "requestId" && r.text == reply.request_id => {}
                _ => fail("first child is not the requestId".into()),
            }
            if reply.request_id.is_empty() {
                fail("empty requestId".into());
            }
        }
        400..=499 => {
            let code = reply
                .error_code
                .unwrap_or_else(|| fail("error status without an error code".into()));
            if (reply.status == 412) != (code == "DryRunOperation") {
                fail(format!("status {} for {code}", reply.status));
            }
            if root.name != "Response" || root.xmlns.is_some() {
                fail(format!("error root <{}>", root.name));
            }
            if names(&root) != ["Errors", "RequestID"] {
                fail(format!("error document children {:?}", names(&root)));
            }
            let errors = &root.children[0];
            if names(errors) != ["Error"] {
                fail(format!("<Errors> children {:?}", names(errors)));
            }
            let error = &errors.children[0];
            if names(error) != ["Code", "Message"] {
                fail(format!("<Error> children {:?}", names(error)));
            }
            if error.children[0].text != code {
                fail(format!("<Code>{}</Code> vs {code}", error.children[0].text));
            }
            if error.children[1].text.trim().is_empty() {
                fail("empty <Message>".into());
            }
            let rid = &root.children[1];
            if rid.text.is_empty() || rid.text != reply.request_id {
                fail("missing or mismatched RequestID".into());
            }
        }
        s => fail(format!("status {s}")),
    }
}
