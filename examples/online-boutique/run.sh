#!/usr/bin/env bash
# The main job on real input: a CA, a manifest derived from Online Boutique's
# Kubernetes YAML, a key and certificate for every service, then one mutual-TLS
# call from frontend to checkoutservice with those files. Runs in ./work,
# which is wiped first.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$here/work"
mtlsctl() { node "$root/bin/mtlsctl.js" "$@"; }

rm -rf "$work"
mkdir -p "$work"
cd "$work"

echo "== mtlsctl init"
mtlsctl init --dir pki --name "Online Boutique CA"

echo "== mtlsctl manifest from-k8s"
mtlsctl manifest from-k8s "$here/kubernetes-manifests.yaml" -o mtls.yaml

echo "== mtlsctl issue"
mtlsctl issue -f mtls.yaml

echo "== mtlsctl issue (again: nothing to do)"
mtlsctl issue -f mtls.yaml

echo "== frontend calls checkoutservice over mTLS"
node "$here/mtls-call.mjs" out/frontend out/checkoutservice
