// Synth cost: construct + synthesize + AwsSolutions checks of the full example system, against the
// same system hand-built from aws-ecs-patterns and plain L2 constructs, measured alternately in
// one process (a warm-up pass of each first, not counted). Run: npx projen bench:synth [-- --runs 9]
import { Pass, measure, median, numberArg } from './measure';
import { handBuiltSystem, ourSystem } from './systems';

const runs = numberArg('runs', 7);
const cold = { ours: measure(ourSystem), hand: measure(handBuiltSystem) }; // loads modules, fills CDK's caches
const ours: Pass[] = [];
const hand: Pass[] = [];
for (let i = 0; i < runs; i++) {
  // Alternate which goes first, so neither always runs on a warmer heap.
  if (i % 2 === 0) {
    ours.push(measure(ourSystem));
    hand.push(measure(handBuiltSystem));
  } else {
    hand.push(measure(handBuiltSystem));
    ours.push(measure(ourSystem));
  }
}
const o = median(ours.map((p) => p.ms));
const h = median(hand.map((p) => p.ms));
const or = ours[0].resources;
const hr = hand[0].resources;
const f = (n: number) => n.toFixed(0).padStart(6);
console.log(`construct + synth + AwsSolutions, median of ${runs} alternating runs after one warm-up each (ms)`);
console.log('system                      stacks  resources  AwsSolutions findings  first run  median  per resource');
console.log(`ThreeTierApp (examples/three-tier)   ${ours[0].stacks}  ${String(or).padStart(9)}  ${String(ours[0].findings).padStart(21)}  ${f(cold.ours.ms)}     ${f(o)}  ${(o / or).toFixed(2).padStart(12)}`);
console.log(`hand-built (ecs-patterns)            ${hand[0].stacks}  ${String(hr).padStart(9)}  ${String(hand[0].findings).padStart(21)}  ${f(cold.hand.ms)}     ${f(h)}  ${(h / hr).toFixed(2).padStart(12)}`);
console.log(`ratio ours / hand-built: whole system ${(o / h).toFixed(2)}, per resource ${((o / or) / (h / hr)).toFixed(2)} (goal <= 0.9)`);
console.log(`whole system, first run in a fresh process: ${(cold.ours.ms / 1000).toFixed(2)} s (goal < 10 s)`);
