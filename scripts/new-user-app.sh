#!/usr/bin/env bash
# The app a new user really has (issue #14): `cdk init app --language typescript` in a fresh folder
# outside this clone, the packed tarball from dist/js, the newest aws-cdk-lib, constructs and
# cdk-nag from npm, and a cdk.json whose context is the flags that aws-cdk-lib version recommends
# (read from aws-cdk-lib/cx-api, never copied by hand). In it, every example app and every
# ```ts block of the README (consumers/typescript/extract-readme.mjs) is compiled with tsc and
# synthesized twice: with the recommended flags, and with none (consumers/typescript/check.ts).
# Needs: dist/js/*.tgz (npx projen package:js). Run: bash scripts/new-user-app.sh [folder]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export AWS_EC2_METADATA_DISABLED=true JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
tarball=$(ls "$root"/dist/js/cdk-three-tier@*.tgz 2>/dev/null | head -1 || true)
[ -n "$tarball" ] || { echo "new-user app: no dist/js/cdk-three-tier@*.tgz; run npx projen package:js first"; exit 1; }

if [ -n "${1:-}" ]; then
  app=$1
  # Only a folder this script made before (or a new one) is emptied.
  if [ -d "$app" ] && [ -n "$(ls -A "$app")" ] && [ ! -f "$app/.new-user-app" ]; then
    echo "new-user app: $app is not empty and was not made by this script; give a new folder"; exit 1
  fi
  rm -rf "$app"
else
  app=$(mktemp -d "${TMPDIR:-/tmp}/cdk-three-tier-new-user.XXXXXX")
  trap 'rm -rf "$app"' EXIT
fi
mkdir -p "$app" && cd "$app"
echo "new-user app in $app"

# cdk init's own files (tsconfig, cdk.json); its sample stack and tests are not ours to run.
(cd "$root" && npx cdk --version)
npx --prefix "$root" cdk init app --language typescript --generate-only >/dev/null
touch .new-user-app  # after cdk init, which wants an empty folder
rm -rf bin lib test jest.config.js
node -e '
  const p = require("./package.json");
  p.dependencies = {}; p.devDependencies = { typescript: p.devDependencies.typescript, "@types/node": p.devDependencies["@types/node"] };
  require("fs").writeFileSync("package.json", JSON.stringify(p, null, 2));'

npm_install() {
  timeout 600 npm install --no-audit --no-fund --loglevel=error "$@" ||
    { echo "new-user app: npm install $* failed: is the npm registry ($(npm config get registry)) reachable?"; exit 1; }
}
npm_install
npm_install "$tarball" aws-cdk-lib@latest constructs@^10 cdk-nag@^3

# The Grafana importer the README names ships as a command of the package: it answers with its usage.
rc=0; out=$(npx --no-install cdk-three-tier-grafana-import 2>&1) || rc=$?
if [ "$rc" -eq 0 ] || ! grep -q 'give --stack or --manifest' <<<"$out"; then
  echo "new-user app: cdk-three-tier-grafana-import did not answer with its usage (exit $rc): $out"; exit 1
fi
echo "new-user app: the package's cdk-three-tier-grafana-import command runs"
# A package holds the library, not this repository's tests: no integ snapshots (they weighed 22 MB).
if tar tzf "$tarball" | grep -qE '^package/(integ|test)/'; then echo "new-user app: the package carries integ or test files"; exit 1; fi

# cdk.json: cdk init's, with the context every new project of this aws-cdk-lib gets.
node -e '
  const cx = require("aws-cdk-lib/cx-api");
  const j = require("./cdk.json");
  j.context = { ...cx.NEW_PROJECT_DEFAULT_CONTEXT, ...cx.CURRENTLY_RECOMMENDED_FLAGS };
  require("fs").writeFileSync("cdk.json", JSON.stringify(j, null, 2));
  console.log(`cdk.json: ${Object.keys(j.context).length} context keys from aws-cdk-lib ${require("aws-cdk-lib/package.json").version}`);'

# The examples as a user copies them: imports of the library come from the package.
mkdir examples
for f in "$root"/examples/index.ts "$root"/examples/shared.ts; do cp "$f" examples/; done
for d in "$root"/examples/*/; do
  name=$(basename "$d")
  [ -f "$d/app.ts" ] || continue
  mkdir -p "examples/$name" && cp "$d/app.ts" "examples/$name/"
  [ -d "$d/site" ] && cp -r "$d/site" "examples/$name/"
  for pem in "$d"/*.pem; do if [ -f "$pem" ]; then cp "$pem" "examples/$name/"; fi; done
done
# The sample service's image context, without its installed modules.
(cd "$root/examples" && tar --exclude=node_modules --exclude=test --exclude=.data -cf - items-service) | (cd examples && tar -xf -)
sed -i -E "s#from '(\.\./)+src'#from 'cdk-three-tier'#" examples/*.ts examples/*/app.ts
# (CDK apps only: the sample service's own scripts import its own src/.)
if grep -rn --include='*.ts' "from '\.\./\.\./src\|from '\.\./src" examples; then echo "new-user app: an example still imports the repository's src"; exit 1; fi

# The README's blocks, and the folders they name (./items-service and friends) as a user has them.
cp "$root"/consumers/typescript/{check.ts,readme-fixture.ts} .
node "$root"/consumers/typescript/extract-readme.mjs "$root"/README.md "$root"/rosetta/default.ts-fixture "$root"/docs/MIGRATING.md > readme-systems.ts
for d in items-service ai-service orders users; do mkdir -p "$d" && cp "$root"/examples/items-service/Dockerfile "$d"/; done
# The mutual TLS block's CA and revocation list (test fixtures made with openssl).
mkdir -p pki && cp "$root"/test/fixtures/mtls/ca.pem pki/partners-ca.pem && cp "$root"/test/fixtures/mtls/crl.pem pki/partners.crl.pem
mkdir -p site/dist && echo '<!doctype html><title>shop</title>' > site/dist/index.html

# cdk init's tsconfig: strict, and tsc emits each .js beside its .ts, as `npm run build` does.
npx tsc -p .
status=0
for mode in recommended none; do node check.js "$mode" || status=1; done
exit $status
