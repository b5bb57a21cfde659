#!/usr/bin/env bash
# Probes of issue 15 against the release binary, with their figures printed: how long 50
# slow-header clients keep their connections, how long SIGTERM takes with a half-sent request
# open, and what happens at `ulimit -n 256` with 300 idle sockets. Not part of `cargo test`
# or .ci/run (they measure time); run by hand: `bash tests/probes.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin ec2-mock >/dev/null 2>&1
BIN="$PWD/target/release/ec2-mock"

python3 - "$BIN" <<'EOF'
import os, signal, socket, subprocess, sys, time

BIN = sys.argv[1]

def start(*args, ulimit=None):
    cmd = [BIN, "--port", "0", "--log-level", "warn", *args]
    pre = None
    if ulimit:
        import resource
        pre = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (ulimit, ulimit))
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=pre, text=True)
    url = p.stdout.readline().strip()
    host, port = url.removeprefix("http://").rsplit(":", 1)
    return p, (host, int(port))

def request(addr, timeout=5):
    s = socket.create_connection(addr, timeout=timeout)
    s.sendall(b"GET /?Action=DescribeRegions&Version=2016-11-15 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
    s.close()
    return data.split(b"\r\n", 1)[0].decode()

def stop(p):
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=30)

# 1. 50 clients stop halfway through their headers (default --header-timeout 10).
p, addr = start()
socks = []
for _ in range(50):
    s = socket.create_connection(addr)
    s.sendall(b"GET /?Action=DescribeVpcs HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    s.settimeout(60)
    socks.append(s)
t0 = time.monotonic()
closed = []
for s in socks:
    try:
        s.recv(1)
    except OSError:
        pass
    closed.append(time.monotonic() - t0)
print(f"slow headers: 50 of 50 disconnected, the last after {max(closed):.1f} s (--header-timeout 10)")
print(f"  a normal request meanwhile: {request(addr)}")
stop(p)

# 2. SIGTERM with a half-sent request open.
p, addr = start()
head = socket.create_connection(addr)
head.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
time.sleep(0.3)
t0 = time.monotonic()
p.send_signal(signal.SIGTERM)
p.wait(timeout=60)
print(f"SIGTERM with a half-sent head open: exit {p.returncode} after {time.monotonic() - t0:.2f} s")
p, addr = start()
half = socket.create_connection(addr)
half.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nAction=")
head = socket.create_connection(addr)
head.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
time.sleep(0.3)
t0 = time.monotonic()
p.send_signal(signal.SIGTERM)
p.wait(timeout=60)
print(f"SIGTERM, one half-sent head and one half-sent body open: exit {p.returncode} after {time.monotonic() - t0:.2f} s (--shutdown-timeout 10)")
p, addr = start()
half = socket.create_connection(addr)
half.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nAction=")
head = socket.create_connection(addr)
head.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
time.sleep(0.3)
t0 = time.monotonic()
p.send_signal(signal.SIGTERM)
time.sleep(0.5)
p.send_signal(signal.SIGTERM)
p.wait(timeout=60)
print(f"  a second SIGTERM 0.5 s later: exit {p.returncode} after {time.monotonic() - t0:.2f} s")

# 3. ulimit -n 256 (default cap: 256 - 64 = 192), 300 idle sockets, then requests.
import select
p, addr = start(ulimit=256)
idle, failed = [], 0
for _ in range(300):
    try:
        idle.append(socket.create_connection(addr, timeout=2))
    except OSError:
        failed += 1

def classify(socks, wait):
    """(open, answered 503, closed) after `wait` seconds, read all at once."""
    answered, closed = set(), set()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        ready, _, _ = select.select([s for s in socks if s not in answered | closed], [], [], 0.1)
        for s in ready:
            try:
                d = s.recv(4096)
            except OSError:
                d = b""
            (answered if d.startswith(b"HTTP/1.1 503") else closed).add(s)
            if d.startswith(b"HTTP/1.1 503"):
                try:
                    while s.recv(4096):
                        pass
                except OSError:
                    pass
    return len(socks) - len(answered) - len(closed), len(answered), len(closed)

held, answered, closed = classify(idle, 1.0)
print(f"ulimit -n 256, 300 idle sockets: {held} open (served or in the backlog), {answered} answered 503 Unavailable, {closed} closed unanswered, {failed} connects failed")
t0 = time.monotonic()
try:
    status = request(addr, timeout=30)
except OSError as e:
    status = f"failed: {e}"
print(f"  a new request meanwhile: {status} after {time.monotonic() - t0:.2f} s")
t0 = time.monotonic()
left = [s for s in idle]
while True:
    r, _, _ = select.select(left, [], [], 30)
    if not r:
        break
    for s in r:
        try:
            if not s.recv(4096):
                left.remove(s)
        except OSError:
            left.remove(s)
    if not left:
        break
print(f"  all 300 closed by the server {time.monotonic() - t0:.1f} s later (--header-timeout 10); {len(left)} still open")
print(f"  a request after that: {request(addr)}")
stop(p)
err = p.stderr.read()
print("  warnings logged:", err.count("WARN"), "|", " / ".join(l.split("WARN", 1)[1].strip()[:90] for l in err.splitlines() if "WARN" in l)[:300])
# 4. The same with the cap above the limit (--max-connections 1000): accept hits EMFILE.
p, addr = start("--max-connections", "1000", ulimit=256)
idle = [socket.create_connection(addr, timeout=2) for _ in range(300)]
held, answered, closed = classify(idle, 1.0)
t0 = time.monotonic()
status = request(addr, timeout=60)
print(f"ulimit -n 256, --max-connections 1000, 300 idle sockets: {held} open, {answered} answered 503, {closed} closed")
print(f"  a new request: {status} after {time.monotonic() - t0:.1f} s (waits in the backlog until the idle ones time out)")
stop(p)
err = p.stderr.read()
print("  warnings logged:", err.count("WARN"), "|", " / ".join(l.split("WARN", 1)[1].strip()[:110] for l in err.splitlines() if "WARN" in l))
EOF
