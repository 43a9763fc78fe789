// Scale: synth time and CloudFormation resources of one development-profile ThreeTierApp with
// 1, 5, 10, 20 and 40 copies of the items service, for each service placement: the marginal
// resources per service and how many services fit under CloudFormation's 500 resources per stack.
// Run: npx projen bench:scale [-- --runs 5]
import { App } from 'aws-cdk-lib';
import { ServicePlacement } from '../src';
import { measure, median, numberArg } from './measure';
import { fullScaleSystem, handBuiltScaled, scaledSystem } from './systems';
import { measureQuotas } from '../test/helpers/quotas';

export const STACK_RESOURCE_LIMIT = 500;
const COUNTS = [1, 5, 10, 20, 40];
const runs = numberArg('runs', 3);

measure((app) => scaledSystem(app, 1)); // warm-up: module loading and CDK's caches
for (const placement of [ServicePlacement.SAME_STACK, ServicePlacement.NESTED_STACKS]) {
  const rows = COUNTS.map((n) => {
    const passes = Array.from({ length: runs }, () => measure((app) => {
      // CDK refuses a stack over 500 resources at synth; lift that here to measure past it.
      app.node.setContext('@aws-cdk/core:stackResourceLimit', 0);
      return scaledSystem(app, n, placement);
    }));
    return { n, ms: median(passes.map((p) => p.ms)), resources: passes[0].resources, largest: passes[0].largestStack };
  });
  const first = rows[0];
  const last = rows[rows.length - 1];
  const inStack = (last.largest - first.largest) / (last.n - first.n);
  const base = first.largest - inStack;
  console.log(`\nservicePlacement ${placement}: one ThreeTierApp (development profile), median of ${runs} runs of construct + synth + AwsSolutions`);
  console.log('services  resources (all stacks)  system stack  ms      ms per service');
  for (const r of rows) {
    const over = r.largest > STACK_RESOURCE_LIMIT ? '  over the limit: CDK refuses to synthesize it' : '';
    console.log(`${String(r.n).padStart(8)}  ${String(r.resources).padStart(22)}  ${String(r.largest).padStart(12)}  ${r.ms.toFixed(0).padStart(6)}  ${(r.ms / r.n).toFixed(1).padStart(14)}${over}`);
  }
  const msPerService = (last.ms - first.ms) / (last.n - first.n);
  const total = (last.resources - first.resources) / (last.n - first.n);
  console.log(`marginal per service: ${total.toFixed(1)} resources in all, ${inStack.toFixed(1)} in the system stack, ${msPerService.toFixed(0)} ms`);
  const early = (rows[1].ms - rows[0].ms) / (rows[1].n - rows[0].n);
  const late = (last.ms - rows[rows.length - 2].ms) / (last.n - rows[rows.length - 2].n);
  console.log(`ms per added service, ${rows[0].n}->${rows[1].n} vs ${rows[rows.length - 2].n}->${last.n}: ${early.toFixed(0)} vs ${late.toFixed(0)} (ratio ${(late / early).toFixed(2)}; 1.0 is linear)`);
  console.log(`services that fit the system stack under ${STACK_RESOURCE_LIMIT} resources: ${Math.floor((STACK_RESOURCE_LIMIT - base) / inStack)} (goal >= 25)`);
}
// The hand-built way, for comparison: an ecs-patterns service (with its own ALB) per service.
const hand = [1, 10].map((n) => measure((app) => handBuiltScaled(app, n)));
const handPerService = (hand[1].resources - hand[0].resources) / 9;
console.log(`\nhand-built with aws-ecs-patterns (an ALB per service): ${handPerService.toFixed(1)} resources per extra service, ` +
  `${Math.floor((STACK_RESOURCE_LIMIT - (hand[0].resources - handPerService)) / handPerService)} services per stack, ` +
  `${((hand[1].ms - hand[0].ms) / 9).toFixed(0)} ms per service`);

// The scale test's system (test/scale.test.ts): 95 services, every quota it meets, largest use first.
const app = new App();
fullScaleSystem(app, 95);
const uses = measureQuotas(app, app.synth()).sort((a, b) => b.largest / b.limit - a.largest / a.limit);
console.log('\n95 services (production, no NAT, Service Connect, nested stacks): each quota\'s largest use');
console.log('quota                            largest   limit  share  where');
for (const u of uses) {
  console.log(`${u.quota.padEnd(31)} ${String(u.largest).padStart(8)} ${String(u.limit).padStart(7)}  ${((100 * u.largest) / u.limit).toFixed(0).padStart(4)}%  ${u.where}`);
}
