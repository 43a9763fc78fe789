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
}

/** Build a system in a new app, synthesize it and run the AwsSolutions pack over its stacks. */
export function measure(build: (app: App) => Stack[]): Pass {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  try {
    const start = process.hrtime.bigint();
    const app = new App({ outdir });
    const stacks = build(app);
    const assembly = app.synth();
    let findings = 0;
    for (const stack of stacks) {
      findings += new AwsSolutionsChecks().validateScope(stack).violations.reduce((n, v) => n + v.violatingResources.length, 0);
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const counts = new Map([...templatesOf(app, assembly)].map(([s, t]) => [s, Object.keys(t.Resources ?? {}).length]));
    const resources = [...counts.values()].reduce((a, b) => a + b, 0);
    return { ms, resources, largestStack: Math.max(...stacks.map((s) => counts.get(s)!)), findings, stacks: stacks.length };
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
