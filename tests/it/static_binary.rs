//! The static binary the Docker image ships: linked with glibc's static libraries
//! (`-C target-feature=+crt-static`), it has no ELF interpreter and needs no shared library,
//! so it runs on an empty (`FROM scratch`) image; and it carries no NSS code, which a static
//! glibc binary could only use by loading shared libraries at run time.
//!
//! Which binary: `EC2_MOCK_STATIC_BIN` when set (`.ci/run` sets it to the release build it
//! puts in the image, so CI checks the binary it ships); otherwise the test builds one itself,
//! once per run, with the dev profile into `target/static/` (how it is linked does not depend
//! on the profile, and a debug build costs seconds where a release one costs minutes).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use object::elf::{FileHeader64, DT_NEEDED, PT_INTERP};
use object::read::elf::{Dyn, FileHeader, ProgramHeader};
use object::Endianness;

use crate::process::{command, output, Running};
use crate::support::Node;

/// The static binary, built (once per test process) when `EC2_MOCK_STATIC_BIN` names none.
pub fn path() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| match std::env::var_os("EC2_MOCK_STATIC_BIN") {
        Some(bin) => {
            let bin = PathBuf::from(bin);
            assert!(
                bin.is_file(),
                "EC2_MOCK_STATIC_BIN={} is not a file",
                bin.display()
            );
            bin
        }
        None => build(),
    })
}

/// `cargo build --target HOST` with crt-static, beside this build's own target directory.
/// The explicit target keeps the flag off build scripts and proc-macros (they must stay
/// dynamic); the separate directory keeps the outer cargo's lock and artifacts untouched.
fn build() -> PathBuf {
    let own = Path::new(crate::process::BIN);
    let target_dir = own
        .parent()
        .and_then(Path::parent)
        .expect("target/debug/ec2-mock")
        .join("static");
    let triple = host_triple();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = std::process::Command::new(&cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "build",
            "--locked",
            "--offline",
            "--bin",
            "ec2-mock",
            "--target",
        ])
        .arg(&triple)
        .arg("--target-dir")
        .arg(&target_dir)
        .env("RUSTFLAGS", "-C target-feature=+crt-static")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        // Nobody debugs this binary; without debug info its directory is about half the size.
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "cargo build --target {triple} with crt-static failed (glibc's static libraries, \
         libc.a, come with libc6-dev on Debian and glibc-static on Fedora):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    target_dir.join(triple).join("debug").join("ec2-mock")
}

fn host_triple() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let out = std::process::Command::new(rustc)
        .arg("-vV")
        .output()
        .expect("run rustc -vV");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("a host line in rustc -vV")
        .to_owned()
}

/// The program headers' `PT_INTERP` (the dynamic loader a kernel would start) and the
/// `DT_NEEDED` entries (shared libraries) of an ELF64 file.
fn interpreter_and_needed(elf: &[u8]) -> (bool, usize) {
    let header = FileHeader64::<Endianness>::parse(elf).expect("an ELF64 file");
    let endian = header.endian().expect("a known byte order");
    let mut interp = false;
    let mut needed = 0;
    for segment in header
        .program_headers(endian, elf)
        .expect("program headers")
    {
        interp |= segment.p_type(endian) == PT_INTERP;
        if let Some(dynamic) = segment.dynamic(endian, elf).expect("the dynamic segment") {
            needed += dynamic
                .iter()
                .filter(|d| d.tag(endian) == DT_NEEDED)
                .count();
        }
    }
    (interp, needed)
}

#[test]
fn the_static_binary_has_no_interpreter_and_no_shared_library() {
    let bin = path();
    let elf = std::fs::read(bin).expect("read the static binary");
    let (interp, needed) = interpreter_and_needed(&elf);
    assert!(
        !interp,
        "{} has a PT_INTERP (dynamic loader)",
        bin.display()
    );
    assert_eq!(needed, 0, "{} has DT_NEEDED entries", bin.display());
    // glibc's NSS (getaddrinfo, getpwnam) in a static binary still dlopens libnss_*.so at
    // run time; its code names its configuration file, so its absence shows it is not linked.
    for nss in [&b"/etc/nsswitch.conf"[..], b"libnss_"] {
        assert!(
            !elf.windows(nss.len()).any(|w| w == nss),
            "{} links glibc's NSS ({})",
            bin.display(),
            String::from_utf8_lossy(nss)
        );
    }
}

/// The check has teeth: the test binary itself is linked the ordinary way.
#[test]
fn a_dynamically_linked_binary_is_told_apart() {
    let elf = std::fs::read(crate::process::BIN).expect("read the debug binary");
    let (interp, needed) = interpreter_and_needed(&elf);
    assert!(interp && needed > 0, "interp {interp}, {needed} needed");
}

#[tokio::test]
async fn the_static_binary_serves_checks_its_health_and_stops_on_sigterm() {
    let bin = path();
    let mut cmd = command(bin);
    cmd.args(["--port", "0", "--host", "localhost"]);
    let server = Running::spawn(cmd).await;
    let port = server.port();
    assert_eq!(server.endpoint, format!("http://127.0.0.1:{port}"));

    let resp = reqwest::get(format!(
        "{}/?Action=DescribeVpcs&Version=2016-11-15",
        server.endpoint
    ))
    .await
    .expect("an EC2 request");
    assert_eq!(resp.status(), 200);
    let doc = Node::parse(&resp.text().await.expect("body"));
    assert_eq!(doc.items("vpcSet").len(), 1, "the default VPC: {doc:?}");

    let port_arg = port.to_string();
    let check = output(bin, &["healthcheck", "--port", &port_arg], &[]).await;
    assert!(check.status.success(), "{check:?}");

    let (status, stderr) = server.stop("TERM").await;
    assert!(status.success(), "exit after SIGTERM: {status:?}\n{stderr}");
    let check = output(bin, &["healthcheck", "--port", &port_arg], &[]).await;
    assert_eq!(
        check.status.code(),
        Some(1),
        "no server, unhealthy: {check:?}"
    );
}
