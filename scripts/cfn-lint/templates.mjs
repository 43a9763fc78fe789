// Lists every CloudFormation template of the given cloud assemblies (folders with a
// manifest.json), nested stack templates included, each with the region its stack deploys to:
// "<region>\t<template path>" per line. An env-agnostic stack is linted for DEFAULT_REGION.
// Usage: node scripts/cfn-lint/templates.mjs <assembly dir>...
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DEFAULT_REGION = 'us-east-1';
const seen = new Set();

function visitAssembly(dir) {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`${dir}: no manifest.json (not a cloud assembly)`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly') visitAssembly(join(dir, artifact.properties.directoryName));
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const region = /^aws:\/\/[^/]+\/(.+)$/.exec(artifact.environment ?? '')?.[1];
    const stackRegion = region && region !== 'unknown-region' ? region : DEFAULT_REGION;
    visitTemplate(dir, artifact.properties.templateFile, stackRegion);
    // Nested stacks' templates are file assets of their parent stack, deployed to its region.
    const assets = manifest.artifacts[`${id}.assets`];
    const assetFile = assets?.properties?.file;
    if (!assetFile) continue;
    const files = JSON.parse(readFileSync(join(dir, assetFile), 'utf8')).files ?? {};
    for (const asset of Object.values(files)) {
      const source = asset.source?.path;
      if (source && source.endsWith('.nested.template.json')) visitTemplate(dir, source, stackRegion);
    }
  }
}

function visitTemplate(dir, file, region) {
  const path = join(dir, file);
  if (seen.has(path)) return;
  seen.add(path);
  console.log(`${region}\t${path}`);
}

for (const dir of process.argv.slice(2)) visitAssembly(dir);
