#!/usr/bin/env bash
# One consumer app (consumers/<language>) as a user of that language runs it: it installs only the
# packed artifact (npx projen package:languages) plus aws-cdk-lib, constructs and cdk-nag from the
# language's registry, synthesizes the main example system without the CDK CLI into
# .ci/out/consumers/<language> with the AwsSolutions pack, shows that our validation error reaches
# it as that language's exception, and compares its templates with the TypeScript example's
# (cdk.out/three-tier, from `npx projen examples`). The README's quick start must be the app's code.
# Run: bash scripts/consumers.sh python|java|go
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lang=${1:?usage: scripts/consumers.sh python|java|go}
out="$root/.ci/out/consumers/$lang"
export AWS_EC2_METADATA_DISABLED=true JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
[ -f "$root/cdk.out/three-tier/manifest.json" ] || { echo "$lang: no cdk.out/three-tier; run npx projen examples first"; exit 1; }
node "$root/scripts/check-quickstart.mjs" "$lang"
rm -rf "$out" && mkdir -p "$out"
t0=$SECONDS
case "$lang" in
  python)
    [ -n "$(ls "$root"/dist/python/*.whl 2>/dev/null)" ] || { echo "python: no wheel in dist/python; run npx projen package:languages"; exit 1; }
    cd "$root/consumers/python"
    rm -rf .venv && python3 -m venv .venv
    timeout 600 .venv/bin/pip install -q --disable-pip-version-check "$root"/dist/python/*.whl -r requirements.txt ||
      { echo "python: pip could not install the wheel's dependencies: is PyPI reachable?"; exit 1; }
    echo "python: installed ($((SECONDS - t0))s)"
    .venv/bin/python app.py "$out"
    .venv/bin/python errors.py
    ;;
  java)
    [ -d "$root/dist/java/io/github/cdkthreetier" ] || { echo "java: no local Maven repository in dist/java; run npx projen package:languages"; exit 1; }
    cd "$root/consumers/java"
    # A Maven repository inside the clone, without any earlier copy of our artifact: Maven never
    # re-reads a release version it has cached, so a stale 0.0.0 would otherwise be used.
    m2="$root/.cache/m2" && rm -rf "$m2/io/github/cdkthreetier"
    timeout 900 mvn -Dmaven.repo.local="$m2" -B -q -Dstyle.color=never compile ||
      { echo "java: mvn could not resolve or compile: is Maven Central (repo.maven.apache.org) reachable?"; exit 1; }
    echo "java: compiled ($((SECONDS - t0))s)"
    timeout 600 mvn -Dmaven.repo.local="$m2" -B -q -Dstyle.color=never exec:java -Dexec.args="$out $root/examples"
    timeout 600 mvn -Dmaven.repo.local="$m2" -B -q -Dstyle.color=never exec:java -Dexec.main=com.example.threetier.Errors
    ;;
  go)
    [ -f "$root/dist/go/cdkthreetier/go.mod" ] || { echo "go: no module in dist/go/cdkthreetier; run npx projen package:languages"; exit 1; }
    cd "$root/consumers/go"
    # Build and module caches inside the clone: a rerun on the same clone compiles nothing twice.
    export GOCACHE="$root/.cache/go-build" GOMODCACHE="$root/.cache/go-mod" GOFLAGS=-modcacherw
    timeout 600 go mod download ||
      { echo "go: go mod download failed: is the Go module proxy ($(go env GOPROXY)) reachable?"; exit 1; }
    echo "go: modules downloaded ($((SECONDS - t0))s)"
    # One build of both programs: the aws-cdk-go packages compile once.
    timeout 1200 go build -o "$root/.cache/bin/" . ./errors
    echo "go: built ($((SECONDS - t0))s)"
    "$root/.cache/bin/cdk-three-tier-consumer" "$out" "$root/examples"
    "$root/.cache/bin/errors"
    ;;
  *) echo "unknown language: $lang"; exit 2 ;;
esac
node "$root/scripts/compare-templates.mjs" "$root/cdk.out/three-tier" "$out" "$lang"
echo "$lang: done ($((SECONDS - t0))s)"
