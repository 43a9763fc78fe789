import * as fs from 'fs';
import * as path from 'path';
import { Stack, aws_secretsmanager as sm } from 'aws-cdk-lib';
import { formatFindings, nag2Errors, nagFindings } from './helpers/nag';
import { SITE, exampleZone, image, itemsService, seoulApp } from './three-tier-app.fixtures';
import { PolicyGate } from '../scripts/policy-gate';
import { CostProfile, DataStore, NatMode, ServicePlacement } from '../src';

/** The configurations the issue names: each profile, Aurora MySQL, and everything on. */
function configurations(): Array<[string, () => ReturnType<typeof seoulApp>]> {
  return [
    ['development', () => seoulApp({ profile: CostProfile.development() })],
    ['production', () => seoulApp({ profile: CostProfile.production() })],
    ['Aurora MySQL', () => seoulApp({ database: DataStore.auroraMysql() })],
    ['services in nested stacks', () => seoulApp({
      profile: CostProfile.development(),
      servicePlacement: ServicePlacement.NESTED_STACKS,
      services: [itemsService, { id: 'Ai', image, pathPatterns: ['/api/ai/*'], user: '101:101' }],
    })],
    ['everything on', () => {
      const built = seoulApp((stack) => ({
        profile: CostProfile.development(),
        natMode: NatMode.none(),
        database: DataStore.dynamoDb(),
        siteDirectory: SITE,
        auth: {},
        slackChatbot: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' },
        slackWebhookSecret: sm.Secret.fromSecretNameV2(stack, 'Hook', 'slack-webhook'),
        services: [{ ...itemsService, prometheus: {}, enableExecuteCommand: true }, { id: 'Ai', image, pathPatterns: ['/api/ai/*'], user: '101:101' }],
      }), { domain: { domainName: 'www.example.com', hostedZone: exampleZone() } });
      return built;
    }],
  ];
}

describe('ThreeTierApp rule packs', () => {
  test.each(configurations())('%s: no unacknowledged finding in the four packs, in either stack', (_name, build) => {
    const { app } = build();
    // Every stack, nested ones included (servicePlacement NESTED_STACKS).
    const stacks = app.node.findAll().filter(Stack.isStack);
    expect(formatFindings(stacks.flatMap((s) => nagFindings(s)))).toEqual('');
  });

  test('cdk-nag 2 consumers see nothing from the system either', () => {
    const { stack, edge } = configurations().find(([name]) => name === 'everything on')![1]();
    expect(nag2Errors([stack, edge])).toEqual([]);
  });
});

describe('ThreeTierApp policy-validation gate (Control Tower proactive controls)', () => {
  const gate = PolicyGate.fromFile(path.join(__dirname, '..', 'policy-exemptions.json'));

  test.each(configurations())('%s: no violation without a written exemption', (_name, build) => {
    const { app } = build();
    const assembly = app.synth({ force: true });
    // Nested stacks' templates too (servicePlacement NESTED_STACKS): they deploy like any other.
    const templates = fs.readdirSync(assembly.directory).filter((f) => f.endsWith('.template.json'));
    expect(templates.length).toBeGreaterThanOrEqual(assembly.stacks.length);
    const violations = templates.flatMap((f) => gate.check(path.join(assembly.directory, f)).violations);
    expect(violations).toEqual([]);
  });
});
