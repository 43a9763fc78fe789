// Timing helpers shared by the synth benchmarks: one construct + synth + AwsSolutions pass, medians.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { templatesOf } from './systems';

export interface Pass {
  /** Wall time of construct + synth + AwsSolutions checks, ms. */
  readonly ms: number;
  /** CloudFormation resources over the system's stacks, nested stacks included. */
  readonly resources: number;
  /** Resources in the largest of the given (top-level) stacks: the one that meets the 500 limit first. */
  readonly largestStack: number;
  /** AwsSolutions findings left unacknowledged. */
  readonly findings: number;
  /** Top-level stacks of the system. */
  readonly stacks: number;
  /** Wall time of each phase, ms: construct, `app.synth()`, the AwsSolutions pack. */
  readonly phases: { construct: number; synth: number; checks: number };
  /** Deploy-time values ({Ref}, {Fn::...}) over the templates: what CDK's resolution passes work through. */
  readonly intrinsics: number;
}

function intrinsics(value: any): number {
  if (Array.isArray(value)) return value.reduce((n, v) => n + intrinsics(v), 0);
  if (!value || typeof value !== 'object') return 0;
  const keys = Object.keys(value);
  const own = keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::')) ? 1 : 0;
  return own + keys.reduce((n, k) => n + intrinsics(value[k]), 0);
}

/** Build a system in a new app, synthesize it and run the AwsSolutions pack over its stacks. */
export function measure(build: (app: App) => Stack[]): Pass {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  try {
    const t0 = performance.now();
    const app = new App({ outdir });
    const stacks = build(app);
    const t1 = performance.now();
    const assembly = app.synth();
    const t2 = performance.now();
    let findings = 0;
    for (const stack of stacks) {
      findings += new AwsSolutionsChecks().validateScope(stack).violations.reduce((n, v) => n + v.violatingResources.length, 0);
    }
    const t3 = performance.now();
    const templates = templatesOf(app, assembly);
    const counts = new Map([...templates].map(([s, t]) => [s, Object.keys(t.Resources ?? {}).length]));
    const resources = [...counts.values()].reduce((a, b) => a + b, 0);
    return {
      ms: t3 - t0,
      resources,
      largestStack: Math.max(...stacks.map((s) => counts.get(s)!)),
      findings,
      stacks: stacks.length,
      phases: { construct: t1 - t0, synth: t2 - t1, checks: t3 - t2 },
      intrinsics: [...templates.values()].reduce((n, t) => n + intrinsics(t.Resources), 0),
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `--name value` from the command line, as a number. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}
