#!/usr/bin/env bash
# What a consumer's scanner sees (issue #17): every example's and every matrix case's template,
# re-read from disk into a fresh app, scanned by cdk-nag 2 and 3 (AwsSolutions, NIST 800-53 R5,
# HIPAA Security, PCI DSS 3.2.1) and cfn-guard with the Control Tower rules, with nothing of this
# repository's but what the templates carry. Fails on any unexplained finding on our resources.
# Needs the examples synthesized (npx projen examples); synthesizes the matrix when it is missing.
# Run: npx projen examples && bash scripts/consumer-view.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_EC2_METADATA_DISABLED=true

source scripts/assemblies.sh
require_examples "consumer view" || exit 1
[ -d cdk.out/matrix ] || npx ts-node --project tsconfig.dev.json scripts/lint-matrix.ts
find_assemblies cdk.out/*/ cdk.out/matrix/*/
npx ts-node --project tsconfig.dev.json scripts/consumer-view.ts "${assemblies[@]}"
