# ec2-mock in a container: one static binary on an empty base image.
#
#   docker build -t ec2-mock .
#   docker run --rm -p 4566:4566 ec2-mock
#   AWS_ENDPOINT_URL=http://127.0.0.1:4566 aws ec2 describe-vpcs
#
# Or from the static binary built on the host (no Rust image is pulled; .ci/run does this):
#
#   RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --locked \
#       --target x86_64-unknown-linux-gnu --bin ec2-mock
#   docker build --build-arg BINARY=prebuilt -t ec2-mock .
#
# Needs BuildKit (the default builder since Docker 23; DOCKER_BUILDKIT=1 on Docker 20.10): it
# skips the stage BINARY does not name, and gives /data to the USER that WORKDIR follows.
# Every CLI flag has an environment variable (EC2_MOCK_HOST, EC2_MOCK_PORT, EC2_MOCK_REGION,
# EC2_MOCK_ACCOUNT_ID, EC2_MOCK_SEED, EC2_MOCK_CLOCK, EC2_MOCK_LOG_LEVEL, EC2_MOCK_LOG_FORMAT,
# EC2_MOCK_AUTH, EC2_MOCK_ACCESS_KEYS, EC2_MOCK_INIT, EC2_MOCK_STATE_FILE); pass them with
# `docker run -e`, or append flags after the image name (`docker run ec2-mock --seed 1`).

# `source`: compile in the Rust image; `prebuilt`: take the host's static binary.
ARG BINARY=source

# ---- the binary, from source -----------------------------------------------------------------
FROM rust:1-bookworm AS source
WORKDIR /src
# glibc's static libraries (libc6-dev, in this image) linked in: the binary needs no loader,
# no shared library and no NSS, so it runs on an empty image. The explicit --target keeps the
# flag away from build scripts and proc-macros, which must stay dynamic.
ENV RUSTFLAGS="-C target-feature=+crt-static"

# Dependencies first, against placeholder sources, so that this layer stays cached until
# Cargo.toml or Cargo.lock change. Every [[bench]] target must exist for the manifest to load
# (tests/it/docker_entrypoint.rs checks that each has its placeholder here).
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src benches \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && echo 'fn main() {}' > benches/allocator.rs \
 && echo 'fn main() {}' > benches/load.rs \
 && cargo build --release --locked --target x86_64-unknown-linux-gnu --bin ec2-mock \
 && rm -rf src benches

# The real sources. COPY keeps the files' own timestamps, which can be older than the
# placeholder build's outputs, so touch them to make sure cargo rebuilds the crate.
# Everything the binary embeds (include_str!) is under src/: the contract test checks it.
COPY src ./src
COPY benches ./benches
RUN touch src/main.rs src/lib.rs \
 && cargo build --release --locked --target x86_64-unknown-linux-gnu --bin ec2-mock \
 && install -m 0755 target/x86_64-unknown-linux-gnu/release/ec2-mock /ec2-mock

# ---- the binary, built on the host -------------------------------------------------------------
FROM scratch AS prebuilt
COPY target/x86_64-unknown-linux-gnu/release/ec2-mock /ec2-mock

FROM ${BINARY} AS binary

# ---- the image: the binary and nothing else ----------------------------------------------------
FROM scratch
COPY --from=binary /ec2-mock /ec2-mock

# Numeric, so that runtimes enforcing runAsNonRoot can check it (and no /etc/passwd is needed).
USER 10001:10001
# A place for --state-file that the server's user can write (WORKDIR creates it as USER); a
# named volume mounted here inherits that ownership:
#   docker run -v ec2mock:/data -e EC2_MOCK_STATE_FILE=/data/state.json ec2-mock
WORKDIR /data

# Inside a container the server must listen on all interfaces to be reachable through -p.
ENV EC2_MOCK_HOST=0.0.0.0 \
    EC2_MOCK_PORT=4566
EXPOSE 4566

LABEL org.opencontainers.image.title="ec2-mock" \
      org.opencontainers.image.description="A local, faithful mock of the Amazon EC2 Query API" \
      org.opencontainers.image.source="https://github.com/ec2-mock/ec2-mock" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="Apache-2.0"

# The binary checks itself: an HTTP GET of /_ec2-mock/health on EC2_MOCK_HOST/EC2_MOCK_PORT
# (0.0.0.0 is reached on 127.0.0.1), or on the --host/--port given after the image name, which
# it reads from the entrypoint's command line. No shell or curl is needed.
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/ec2-mock", "healthcheck"]

# ec2-mock handles SIGTERM (docker stop) and SIGINT itself and exits cleanly, so it runs as
# PID 1 without an init shim.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/ec2-mock"]
