#!/usr/bin/env bash
# The main job on real input: a CA, a manifest derived from Online Boutique's
# Kubernetes YAML, a key and certificate for every service, then a real
# mutual-TLS handshake from frontend to checkoutservice with those files, and
# the diagnosis when the client holds a certificate from another CA. Runs in
# ./work, which is wiped first.
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

echo "== mtlsctl probe: frontend calls checkoutservice over mTLS"
mtlsctl probe -f mtls.yaml --from frontend --to checkoutservice

echo "== mtlsctl probe: the same call with a client certificate from another CA (expected to be rejected)"
mtlsctl init --dir other-ca --name "Some Other CA" --quiet > /dev/null
cp -r out/frontend out/frontend.good
cat > other.yaml <<'YAML'
caDir: other-ca
outDir: other-out
services:
  - name: frontend
YAML
mtlsctl issue -f other.yaml --quiet > /dev/null
cp other-out/frontend/cert.pem other-out/frontend/key.pem other-out/frontend/chain.pem out/frontend/
status=0
mtlsctl probe -f mtls.yaml --from frontend --to checkoutservice || status=$?
rm -rf out/frontend && mv out/frontend.good out/frontend
echo "(probe exited $status: 1 means the handshake was rejected, as it should be)"
[ "$status" -eq 1 ]
