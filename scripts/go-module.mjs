// Makes dist/go/<module> a Go module users can `go get`: jsii-pacmak writes the versions of the
// jsii dependencies' own dependencies found in node_modules as `// indirect` requirements (e.g.
// awscdkcloudassemblyschema/v53 v53.28.0), which the Go module proxy may not serve, and which
// go derives anyway from aws-cdk-go's go.mod. Keep the direct requirements only.
// Usage: node scripts/go-module.mjs dist/go/cdkthreetier
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const file = join(process.argv[2], 'go.mod');
const before = readFileSync(file, 'utf8');
const after = before.split('\n').filter((line) => !/\/\/ indirect\s*$/.test(line)).join('\n');
writeFileSync(file, after);
const dropped = before.split('\n').length - after.split('\n').length;
console.log(`${file}: ${dropped} indirect requirement(s) left to aws-cdk-go's go.mod`);
