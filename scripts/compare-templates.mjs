// Asserts that a consumer app's templates equal the TypeScript example's: the same stacks
// (nested ones included), logical IDs, resource types and properties, once asset hashes are
// masked. Prints each difference by JSON path and exits 1 on any.
// Usage: node scripts/compare-templates.mjs <TypeScript assembly dir> <consumer assembly dir> <label>
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [expectedDir, actualDir, label = 'consumer'] = process.argv.slice(2);
const HASH = /[0-9a-f]{64}/g;

function templates(dir) {
  return Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.template.json'))
    .map((f) => [f.replace(HASH, '<hash>'), JSON.parse(readFileSync(join(dir, f), 'utf8').replace(HASH, '<hash>'))]));
}

const differences = [];
function compare(path, a, b) {
  if (differences.length >= 40) return;
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) {
    differences.push(`${path}: ${JSON.stringify(a)?.slice(0, 160)} != ${JSON.stringify(b)?.slice(0, 160)}`);
  } else if (Array.isArray(a)) {
    if (a.length !== b.length) differences.push(`${path}: ${a.length} items != ${b.length} items`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) compare(`${path}[${i}]`, a[i], b[i]);
  } else if (a && typeof a === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(key in b)) differences.push(`${path}.${key}: only in TypeScript`);
      else if (!(key in a)) differences.push(`${path}.${key}: only in ${label}`);
      else compare(`${path}.${key}`, a[key], b[key]);
    }
  } else if (a !== b) {
    differences.push(`${path}: ${JSON.stringify(a).slice(0, 160)} != ${JSON.stringify(b).slice(0, 160)}`);
  }
}

const expected = templates(expectedDir);
const actual = templates(actualDir);
compare('', expected, actual);
const resources = Object.values(expected).reduce((n, t) => n + Object.keys(t.Resources ?? {}).length, 0);
if (differences.length > 0) {
  for (const d of differences) console.log(`  ${d}`);
  console.log(`${label}: templates differ from the TypeScript example (${differences.length}${differences.length >= 40 ? '+' : ''} difference(s))`);
  process.exit(1);
}
console.log(`${label}: ${Object.keys(actual).length} templates, ${resources} resources, identical to the TypeScript example once asset hashes are masked`);
