# Sourced by scripts/cfn-lint.sh and scripts/consumer-view.sh.

# Every example must have been synthesized (npx projen examples): a missing one is an error, not a skip.
# Usage: require_examples <label>
require_examples() {
  local missing=0 app name
  for app in examples/*/app.ts; do
    name=$(basename "$(dirname "$app")")
    [ -f "cdk.out/$name/manifest.json" ] || { echo "$1: cdk.out/$name is missing; run npx projen examples first"; missing=1; }
  done
  [ "$missing" -eq 0 ]
}

# The cloud assemblies (folders with a manifest.json) among the given folders, into the array `assemblies`.
# Usage: find_assemblies cdk.out/*/ cdk.out/matrix/*/
find_assemblies() {
  assemblies=()
  local d
  for d in "$@"; do
    if [ -f "$d/manifest.json" ]; then assemblies+=("${d%/}"); fi
  done
}
