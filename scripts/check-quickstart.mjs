// The README's quick start for a language must be the code its consumer app runs: the lines
// between `quickstart:start` and `quickstart:end` in consumers/<language>, dedented, must appear
// as one fenced block of that language in the README.
// Usage: node scripts/check-quickstart.mjs python|java|go
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const lang = process.argv[2];
const source = { python: 'consumers/python/app.py', java: 'consumers/java/src/main/java/com/example/threetier/ThreeTierExample.java', go: 'consumers/go/main.go' }[lang];
if (!source) throw new Error(`unknown language: ${lang}`);

const lines = readFileSync(join(root, source), 'utf8').split('\n');
const start = lines.findIndex((l) => l.includes('quickstart:start'));
const end = lines.findIndex((l) => l.includes('quickstart:end'));
if (start < 0 || end < start) throw new Error(`${source}: no quickstart:start/quickstart:end region`);
const region = lines.slice(start + 1, end);
const indent = Math.min(...region.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)[0].length));
const expected = region.map((l) => l.slice(indent)).join('\n').trim();

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm'))].map((m) => m[1].trim());
if (!blocks.some((b) => b.includes(expected))) {
  console.log(`${lang}: the README has no \`\`\`${lang} block holding the quick start of ${source}; put this in it:\n${expected}`);
  process.exit(1);
}
console.log(`${lang}: the README's quick start is ${source}'s code`);
