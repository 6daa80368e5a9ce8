#!/usr/bin/env bash
# Keeps the Azure CLI session of a GitHub Actions job usable for the whole job.
#
# azure/login signs the CLI in with the job's GitHub OIDC token. The CLI keeps
# that token as its client assertion and cannot fetch a new one, so once it
# expires (minutes) every token the CLI has not cached yet fails with
# AADSTS700024 (Azure/login#180, Azure/login#372). `pulumi up` asks for such
# tokens late: kubelogin (`--login azurecli`) for the prod cluster after the
# cluster is created, and the blob backend and Key Vault secrets provider when
# they use the CLI. This script signs the CLI in again with a fresh OIDC token
# every INTERVAL seconds, in the background, until the job ends.
#
# Usage (after azure/login, in a job with `permissions: id-token: write`):
#   bash .github/scripts/az-login-keepalive.sh start
# Reads ARM_CLIENT_ID, ARM_TENANT_ID and ARM_SUBSCRIPTION_ID (the variables the
# Pulumi Azure providers read too) and the runner's ACTIONS_ID_TOKEN_REQUEST_*.
set -euo pipefail

interval=${AZ_KEEPALIVE_SECONDS:-240}

login() {
  local token
  token=$(curl -sSf \
    -H "Authorization: bearer ${ACTIONS_ID_TOKEN_REQUEST_TOKEN}" \
    "${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=api://AzureADTokenExchange" | jq -r .value) || return 1
  az login --service-principal \
    --username "${ARM_CLIENT_ID}" \
    --tenant "${ARM_TENANT_ID}" \
    --federated-token "${token}" \
    --output none || return 1
  az account set --subscription "${ARM_SUBSCRIPTION_ID}"
}

case "${1:-}" in
  start)
    : "${ACTIONS_ID_TOKEN_REQUEST_URL:?needs permissions: id-token: write}"
    : "${ARM_CLIENT_ID:?}" "${ARM_TENANT_ID:?}" "${ARM_SUBSCRIPTION_ID:?}"
    nohup bash "$0" loop >"${RUNNER_TEMP:-/tmp}/az-login-keepalive.log" 2>&1 &
    echo "az login keep-alive running every ${interval}s (pid $!)"
    ;;
  loop)
    while sleep "${interval}"; do
      login || echo "$(date -u +%FT%TZ) az login refresh failed; retrying in ${interval}s"
    done
    ;;
  *)
    echo "usage: $0 start" >&2
    exit 2
    ;;
esac
