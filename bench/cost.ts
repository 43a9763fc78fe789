// Idle cost: prices the always-on parts of the main example in each cost profile, and of the
// hand-built aws-ecs-patterns equivalent, from the committed price table (bench/prices.json).
// Run: npx projen bench:cost   (add --lines for every priced resource)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CostLine, byCategory, loadPrices, priceTemplates, total } from './pricing';
import { handBuiltSystem, ourSystem, templatesOf } from './systems';
import { itemsService } from '../examples/shared';
import { CacheDeployment, CostProfile, GrafanaAuthentication, ThreeTierApp, ThreeTierAppProps, ThreeTierServiceOptions } from '../src';

/** Synthesize a system and price its templates. */
export function priceSystem(build: (app: App) => Stack[]): CostLine[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cost-'));
  try {
    const app = new App({ outdir });
    build(app);
    // Every stack, nested ones included (ServicePlacement.NESTED_STACKS).
    return priceTemplates([...templatesOf(app, app.synth()).values()], loadPrices());
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export const SYSTEMS: Array<[string, (app: App) => Stack[]]> = [
  ['ThreeTierApp, development', (app) => ourSystem(app, 'development')],
  ['ThreeTierApp, production', (app) => ourSystem(app, 'production')],
  ['hand-built (ecs-patterns)', handBuiltSystem],
];

/** Opt-ins of issue #19, each priced as what it adds to a one-service system in each profile. */
export const OPT_INS: Array<[string, Partial<ThreeTierAppProps>, Partial<ThreeTierServiceOptions>]> = [
  ['cache: serverless Valkey', { cache: {} }, { cache: true }],
  ['cache: nodes (cache.t4g.micro + replica)', { cache: { deployment: CacheDeployment.nodes() } }, { cache: true }],
  ['developerAccess', { developerAccess: {} }, {}],
  ['grafana (one active editor)', { grafana: { authentication: GrafanaAuthentication.identityCenter() } }, {}],
  ['imageRepository (upper bound)', {}, { imageRepository: {} }],
];

/** A one-service system in us-east-1, with an opt-in's props. */
export function optInSystem(profile: 'development' | 'production', props: Partial<ThreeTierAppProps>, service: Partial<ThreeTierServiceOptions>) {
  return (app: App): Stack[] => {
    const stack = new Stack(app, 'OptIn', { env: { region: 'us-east-1' } });
    new ThreeTierApp(stack, 'System', {
      profile: profile === 'development' ? CostProfile.development() : CostProfile.production(),
      services: [{ id: 'Items', ...itemsService('postgres'), ...service }],
      ...props,
    });
    return [stack];
  };
}

function main(): void {
  const prices = loadPrices();
  const showLines = process.argv.includes('--lines');
  const priced = SYSTEMS.map(([name, build]) => ({ name, lines: priceSystem(build) }));
  console.log(`Idle monthly cost, USD: ${prices.region} list prices of ${prices.date} (bench/prices.json), ${prices.hoursPerMonth} h a month`);
  const categories = [...new Set(priced.flatMap((p) => byCategory(p.lines).map(([c]) => c)))];
  const widths = [26, ...priced.map((p) => Math.max(p.name.length, 9))];
  const row = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  row(['', ...priced.map((p) => p.name)]);
  for (const category of categories) {
    row([category, ...priced.map((p) => (byCategory(p.lines).find(([c]) => c === category)?.[1] ?? 0).toFixed(2))]);
  }
  row(['Total', ...priced.map((p) => total(p.lines).toFixed(2))]);
  const [dev, prod, hand] = priced.map((p) => total(p.lines));
  console.log(`development / hand-built: ${(dev / hand).toFixed(2)} (goal <= 0.30); development: $${dev.toFixed(2)} (goal <= $35)`);
  console.log(`production / hand-built: ${(prod / hand).toFixed(2)}`);
  console.log('Not included: requests, LCUs, NAT and CloudFront data, storage (but image repositories at their lifecycle bound), log ingestion, Container Insights, free tiers.');
  // What each opt-in adds, per profile (the difference of two priced systems, side by side).
  const base = (['development', 'production'] as const).map((profile) => total(priceSystem(optInSystem(profile, {}, {}))));
  console.log('\nOpt-ins: what each adds a month to a one-service system');
  const optRow = (cells: string[]) => console.log([cells[0].padEnd(42), ...cells.slice(1).map((c) => c.padStart(11))].join('  '));
  optRow(['', 'development', 'production']);
  for (const [name, props, service] of OPT_INS) {
    const added = (['development', 'production'] as const).map((profile, i) => total(priceSystem(optInSystem(profile, props, service))) - base[i]);
    optRow([name, ...added.map((a) => a.toFixed(2))]);
  }
  if (showLines) {
    for (const p of priced) {
      console.log(`\n${p.name}`);
      for (const l of p.lines) console.log(`  ${l.category.padEnd(26)} ${l.monthly.toFixed(2).padStart(8)}  ${l.item}`);
    }
  }
}

if (require.main === module) main();
