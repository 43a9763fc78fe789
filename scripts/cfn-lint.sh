#!/usr/bin/env bash
# Lints every template the project synthesizes with the official cfn-lint (pinned in
# scripts/cfn-lint/requirements.txt, installed into the ignored .venv-cfn-lint), each for its
# stack's region, with the rule ids .cfnlintrc.yaml ignores (each with its reason). The bar is
# zero errors and zero warnings that are not ignored there.
# Lints: the examples (cdk.out/<example>, from `npx projen examples`), the integ snapshots, the
# configuration matrix and the 95-service scale system (scripts/lint-matrix.ts, synthesized here), and the consumer apps'
# output when present (.ci/out/consumers/<language>).
# Run: npx projen examples && bash scripts/cfn-lint.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_EC2_METADATA_DISABLED=true

venv=.venv-cfn-lint
want=$(grep -E '^cfn-lint==' scripts/cfn-lint/requirements.txt)
if ! "$venv/bin/cfn-lint" --version 2>/dev/null | grep -q "${want#cfn-lint==}"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  timeout 300 "$venv/bin/pip" install -q --disable-pip-version-check -r scripts/cfn-lint/requirements.txt ||
    { echo "cfn-lint: pip could not install $want: is PyPI ($(python3 -m pip config get global.index-url 2>/dev/null || echo https://pypi.org/simple)) reachable?"; exit 1; }
fi
"$venv/bin/cfn-lint" --version

# SKIP_MATRIX_SYNTH=1: the caller has just synthesized it (scripts/test-all.sh).
[ -n "${SKIP_MATRIX_SYNTH:-}" ] || npx ts-node --project tsconfig.dev.json scripts/lint-matrix.ts

source scripts/assemblies.sh
require_examples cfn-lint || exit 1
find_assemblies cdk.out/*/ cdk.out/matrix/*/ cdk.out/scale/*/ integ/*.snapshot/ .ci/out/consumers/*/
list=$(mktemp)
node scripts/cfn-lint/templates.mjs "${assemblies[@]}" > "$list"
echo "cfn-lint: $(wc -l < "$list") templates from ${#assemblies[@]} cloud assemblies"
[ -s "$list" ] || { echo "cfn-lint: no templates found"; exit 1; }

status=0
for region in $(cut -f1 "$list" | sort -u); do
  mapfile -t files < <(awk -F'\t' -v r="$region" '$1 == r { print $2 }' "$list")
  echo "cfn-lint: ${#files[@]} templates for ${region}"
  # Exit status bits: 2 errors, 4 warnings, 8 informational (informational does not fail).
  rc=0
  "$venv/bin/cfn-lint" --regions "$region" --format parseable -- "${files[@]}" || rc=$?
  # Anything but 0 or 8 (informational) fails: 2/4 are findings, 1 or a signal is a crash.
  if [ $((rc & ~8)) -ne 0 ]; then status=1; echo "cfn-lint: exit status ${rc} for ${region}"; fi
done
[ "$status" -eq 0 ] && echo "cfn-lint: zero errors and zero unignored warnings" || echo "cfn-lint: FAILED"
exit "$status"
