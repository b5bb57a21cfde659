#!/usr/bin/env bash
# The Terraform suite: every configuration under tests/clients/terraform/<name>/ is applied,
# re-planned (which must show no changes: drift is a fidelity bug), applied again with
# `step = 2` (an update), re-planned again, and destroyed, against one ec2-mock server.
#
#   bash tests/clients/terraform/run.sh http://127.0.0.1:PORT [name ...]
#
# TF_JOBS configurations run at once (default 2). Uses the hashicorp/aws provider from a local filesystem mirror (the directory holding
# registry.terraform.io/hashicorp/aws, found on this machine); nothing is downloaded. Skips,
# with one line saying why, where Terraform or the provider is absent. Assertions live in the
# configurations themselves (`postcondition`s), so a wrong answer fails the apply.
set -euo pipefail

ENDPOINT=${1:?usage: run.sh ENDPOINT [configuration ...]}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
WORK=$ROOT/target/terraform
mkdir -p "$WORK"

if ! command -v terraform >/dev/null 2>&1; then
    echo "    SKIPPED: terraform is not installed on this machine"
    exit 0
fi
MIRROR=""
for candidate in ${TF_PLUGIN_MIRROR:-} /opt/tf-plugins /usr/share/terraform/plugins \
    "$HOME/.terraform.d/plugins"; do
    if [[ -d $candidate/registry.terraform.io/hashicorp/aws ]]; then
        MIRROR=$candidate
        break
    fi
done
if [[ -z $MIRROR ]]; then
    found=$(find / -maxdepth 5 -type d -path '*/registry.terraform.io/hashicorp' 2>/dev/null | head -n 1 || true)
    [[ -n $found && -d $found/aws ]] && MIRROR=$(dirname "$(dirname "$found")")
fi
if [[ -z $MIRROR ]]; then
    echo "    SKIPPED: no filesystem mirror holding registry.terraform.io/hashicorp/aws was found"
    exit 0
fi


# Only the mirror: Terraform must never try the registry (the machine has no network).
cat >"$WORK/terraformrc" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
CFG
export TF_CLI_CONFIG_FILE=$WORK/terraformrc
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
export TF_VAR_endpoint=$ENDPOINT
echo "    $(terraform version | head -n 1), provider from $MIRROR"

if (($# == 0)); then
    set -- $(cd "$HERE" && ls -d */ | tr -d /)
fi

plan_is_clean() {
    local status=0
    terraform plan -detailed-exitcode -no-color -var "step=$1" >"$2" 2>&1 || status=$?
    if ((status != 0)); then
        echo "    FAILED: the plan after apply (step $1) is not empty (exit $status):" >&2
        grep -E '^\s+[~+-]|must be replaced|Error' "$2" | head -n 40 >&2 || tail -n 40 "$2" >&2
        return 1
    fi
}

# One configuration, start to finish, in its own directory; its output goes to its log.
run_one() {
    local name=$1 src=$HERE/$1 dir=$WORK/$1
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$src"/*.tf "$dir"/
    cp "$HERE/provider.tf.in" "$dir/provider.tf"
    local log=$dir/terraform.log
    cd "$dir"
    terraform init -no-color >"$log" 2>&1 || { echo "    $name FAILED: init" >&2; tail -n 20 "$log" >&2; return 1; }
    for step in 1 2; do
        terraform apply -auto-approve -no-color -var "step=$step" >>"$log" 2>&1 || {
            echo "    $name FAILED: apply (step $step):" >&2
            tail -n 40 "$log" >&2
            return 1
        }
        plan_is_clean "$step" "plan-$step.log" || { echo "    ($name)" >&2; return 1; }
    done
    terraform destroy -auto-approve -no-color -var "step=2" >>"$log" 2>&1 || {
        echo "    $name FAILED: destroy:" >&2
        tail -n 40 "$log" >&2
        return 1
    }
    echo "    $name: applied, re-planned clean, updated, re-planned clean, destroyed"
}

# The configurations share the server but not their resources, so TF_JOBS of them (default
# 2) run at once: Terraform spends most of its time waiting on the provider's round trips.
JOBS=${TF_JOBS:-2}
failed=0
pids=()
for name in "$@"; do
    (run_one "$name") &
    pids+=($!)
    if ((${#pids[@]} >= JOBS)); then
        wait "${pids[0]}" || failed=1
        pids=("${pids[@]:1}")
    fi
done
for pid in "${pids[@]}"; do
    wait "$pid" || failed=1
done
if ((failed)); then
    echo "    FAILED: see the messages above and the logs under $WORK" >&2
    exit 1
fi
echo "    all Terraform configurations applied, re-planned clean, updated and destroyed"
