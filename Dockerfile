# syntax=docker/dockerfile:1
#
# ec2-mock in a container:
#   docker build -t ec2-mock .
#   docker run --rm -p 4566:4566 ec2-mock
#   AWS_ENDPOINT_URL=http://127.0.0.1:4566 aws ec2 describe-vpcs
# Every CLI flag has an environment variable (EC2_MOCK_HOST, EC2_MOCK_PORT, EC2_MOCK_REGION,
# EC2_MOCK_ACCOUNT_ID, EC2_MOCK_SEED, EC2_MOCK_LOG_LEVEL, EC2_MOCK_LOG_FORMAT, EC2_MOCK_AUTH,
# EC2_MOCK_ACCESS_KEYS, EC2_MOCK_INIT, EC2_MOCK_STATE_FILE); pass them with `docker run -e`, or
# append flags after the image name (`docker run ec2-mock --seed 1 --region eu-west-1`).

# ---- build ---------------------------------------------------------------------------------
FROM rust:1-bookworm AS builder
WORKDIR /src

# Dependencies first, against placeholder sources, so that this layer stays cached until
# Cargo.toml or Cargo.lock change. Every [[bench]] target must exist for the manifest to load
# (tests/it/docker_entrypoint.rs checks that each has its placeholder here).
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src benches \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && echo 'fn main() {}' > benches/allocator.rs \
 && echo 'fn main() {}' > benches/load.rs \
 && cargo build --release --locked --bin ec2-mock \
 && rm -rf src benches

# The real sources. COPY keeps the files' own timestamps, which can be older than the
# placeholder build's outputs, so touch them to make sure cargo rebuilds the crate.
COPY src ./src
COPY benches ./benches
RUN touch src/main.rs src/lib.rs \
 && cargo build --release --locked --bin ec2-mock \
 && install -m 0755 target/release/ec2-mock /usr/local/bin/ec2-mock

# ---- run -----------------------------------------------------------------------------------
# Same Debian release as the builder, so the binary's glibc matches.
FROM debian:bookworm-slim

RUN groupadd --system --gid 10001 ec2mock \
 && useradd --system --uid 10001 --gid ec2mock --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin ec2mock

COPY --from=builder /usr/local/bin/ec2-mock /usr/local/bin/ec2-mock

# A place for --state-file that the non-root user can write; a named volume mounted here
# inherits this ownership: docker run -v ec2mock:/data -e EC2_MOCK_STATE_FILE=/data/state.json
RUN mkdir /data && chown 10001:10001 /data

# Inside a container the server must listen on all interfaces to be reachable through -p.
ENV EC2_MOCK_HOST=0.0.0.0 \
    EC2_MOCK_PORT=4566

# Numeric, so that runtimes enforcing runAsNonRoot can check it.
USER 10001:10001
EXPOSE 4566

# The image has no curl or wget, and adding them would only serve this check. bash is part of
# every Debian image (it is Essential), and its /dev/tcp redirection opens a TCP connection:
# send a plain HTTP/1.1 request for the health endpoint and succeed only on a 200 status line.
# The port follows EC2_MOCK_PORT; the check talks to 127.0.0.1, which 0.0.0.0 includes.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${EC2_MOCK_PORT:-4566} && printf 'GET /_ec2-mock/health HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n' >&3 && read -r status <&3 && [[ $status == 'HTTP/1.1 200'* ]]"]

# ec2-mock handles SIGTERM (docker stop) and SIGINT itself and exits cleanly, so it runs as
# PID 1 without an init shim.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/ec2-mock"]
