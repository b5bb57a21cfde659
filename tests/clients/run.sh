#!/usr/bin/env bash
# Client compatibility suites: boto3 (pytest), the AWS CLI (pytest driving `aws ec2 …`), the
# AWS SDK for JavaScript v3 (node --test) and Terraform with the hashicorp/aws provider
# (tests/clients/terraform/run.sh, skipped with a one-line reason where Terraform or the
# provider mirror is absent), each against its own ec2-mock server.
#
#   bash tests/clients/run.sh
#
# Needs python3 (>= 3.10) with venv, node (>= 20) with npm, and network access to PyPI and npm
# the first time. The clients are pinned: tests/clients/requirements.txt (into
# target/client-venv) and tests/clients/js/package-lock.json (npm ci into js/node_modules).
# Both are reinstalled only when their pin file changes; CLIENTS_REINSTALL=1 forces it.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
CLIENTS=$ROOT/tests/clients
VENV=$ROOT/target/client-venv
LOGS=$ROOT/target/client-logs
PYTHON=${PYTHON:-python3}
mkdir -p "$LOGS"

# --- timings and cleanup ------------------------------------------------------------------

now_ms() { echo $(($(date +%s%N) / 1000000)); }
START_MS=$(now_ms)
TIMINGS=()
STEP=""
STEP_MS=0
begin() {
    STEP=$1
    STEP_MS=$(now_ms)
    echo "==> clients: $STEP"
}
end() {
    local ms=$(($(now_ms) - STEP_MS))
    TIMINGS+=("$(printf '  %-34s %4d.%01ds' "$STEP" $((ms / 1000)) $((ms % 1000 / 100)))")
    STEP=""
}

SERVER_PID=""
SERVER_LOG=""
stop_server() {
    [[ -n $SERVER_PID ]] || return 0
    local pid=$SERVER_PID status=0
    SERVER_PID=""
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" || status=$?
    if ((status != 0)); then
        echo "ec2-mock (pid $pid) exited with status $status after SIGTERM; its log:" >&2
        tail -n 40 "$SERVER_LOG.stderr" >&2 || true
        return 1
    fi
}

on_exit() {
    local status=$?
    stop_server || status=1
    if [[ -n $STEP ]]; then
        echo "==> clients: FAILED in '$STEP' (exit status $status)" >&2
        if [[ -n $SERVER_LOG && -s $SERVER_LOG.stderr ]]; then
            echo "--- last lines of the server's log ($SERVER_LOG.stderr):" >&2
            tail -n 20 "$SERVER_LOG.stderr" >&2
        fi
    fi
    echo "==> clients: timings"
    if ((${#TIMINGS[@]} > 0)); then printf '%s\n' "${TIMINGS[@]}"; fi
    local ms=$(($(now_ms) - START_MS))
    printf '  %-34s %4d.%01ds\n' "total" $((ms / 1000)) $((ms % 1000 / 100))
    exit "$status"
}
trap on_exit EXIT

# --- the environment every client runs in ---------------------------------------------------

# Dummy credentials, and nothing from this machine's AWS configuration (profiles, config
# files, endpoint overrides, instance metadata).
while read -r var; do unset "$var"; done < <(compgen -e | grep '^AWS_' || true)
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_DEFAULT_REGION=ap-southeast-1 AWS_REGION=ap-southeast-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true
# The pinned JS SDK supports node 20; its notice that later releases will not is not news here.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
export PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

# --- the server ---------------------------------------------------------------------------

# The debug build: `.ci/run` runs `cargo test` first, which has already built it (this step is
# then ~0.2 s), whereas a release build would cost a full optimised compile (~55 s cold on
# 2 cores, against ~25 s for a cold debug build). These suites do not measure speed.
begin "cargo build (debug)"
cargo build --bin ec2-mock
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/ec2-mock
end

# Starts one server on a free port; sets ENDPOINT from the first line it prints.
start_server() {
    SERVER_LOG=$LOGS/$1
    # Emptied here, before the server starts: the loop below must not read an earlier run's.
    : >"$SERVER_LOG.stdout"
    : >"$SERVER_LOG.stderr"
    "$BIN" --port 0 --seed 1 >"$SERVER_LOG.stdout" 2>"$SERVER_LOG.stderr" &
    SERVER_PID=$!
    ENDPOINT=""
    for _ in $(seq 1 200); do
        if IFS= read -r ENDPOINT <"$SERVER_LOG.stdout" && [[ -n $ENDPOINT ]]; then
            break
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "ec2-mock exited before printing its endpoint:" >&2
            cat "$SERVER_LOG.stderr" >&2
            return 1
        fi
        sleep 0.05
    done
    if [[ $ENDPOINT != http://* ]]; then
        echo "ec2-mock printed no endpoint URL within 10 s (got '$ENDPOINT')" >&2
        return 1
    fi
    export EC2_MOCK_ENDPOINT=$ENDPOINT
    echo "    ec2-mock (pid $SERVER_PID) on $ENDPOINT"
}

# --- the clients --------------------------------------------------------------------------

begin "python venv + pip install"
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 10), "python >= 3.10 needed (awscli)"'
STAMP="$("$PYTHON" --version 2>&1) $(sha256sum "$CLIENTS/requirements.txt" | cut -d' ' -f1)"
if [[ ${CLIENTS_REINSTALL:-0} == 1 || ! -x $VENV/bin/python ||
    "$(cat "$VENV/.ec2-mock-stamp" 2>/dev/null)" != "$STAMP" ]]; then
    "$PYTHON" -m venv --clear "$VENV"
    "$VENV/bin/pip" install --quiet -r "$CLIENTS/requirements.txt"
    echo "$STAMP" >"$VENV/.ec2-mock-stamp"
else
    echo "    up to date ($VENV)"
fi
end

begin "npm ci"
node -e 'if (+process.versions.node.split(".")[0] < 20) { console.error("node >= 20 needed"); process.exit(1) }'
LOCK=$CLIENTS/js/package-lock.json
STAMP=$(sha256sum "$LOCK" | cut -d' ' -f1)
if [[ ${CLIENTS_REINSTALL:-0} == 1 || "$(cat "$CLIENTS/js/node_modules/.ec2-mock-stamp" 2>/dev/null)" != "$STAMP" ]]; then
    (cd "$CLIENTS/js" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$STAMP" >"$CLIENTS/js/node_modules/.ec2-mock-stamp"
else
    echo "    up to date ($CLIENTS/js/node_modules)"
fi
end

# --- the suites, one server each -----------------------------------------------------------

begin "boto3 (pytest)"
start_server boto3
"$VENV/bin/python" -c 'import boto3, botocore; print(f"    boto3 {boto3.__version__}, botocore {botocore.__version__}")'
(cd "$CLIENTS" && "$VENV/bin/pytest" boto3)
stop_server
end

begin "awscli (pytest + aws ec2)"
start_server awscli
echo "    $("$VENV/bin/aws" --version 2>&1)"
(cd "$CLIENTS" && "$VENV/bin/pytest" awscli)
stop_server
end

begin "js (node --test)"
start_server js
echo "    node $(node --version), @aws-sdk/client-ec2 $(node -p 'require("./tests/clients/js/node_modules/@aws-sdk/client-ec2/package.json").version')"
(cd "$CLIENTS/js" && node --test --test-reporter=tap ./*.test.mjs)
stop_server
end

begin "terraform (apply, plan, update, destroy)"
start_server terraform
bash "$CLIENTS/terraform/run.sh" "$ENDPOINT"
stop_server
end

echo "==> clients: all four suites passed (Terraform's skipped where it is not installed)"
