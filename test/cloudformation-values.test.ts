// Every value we derive from construct ids (names, descriptions) stays within what CloudFormation
// and the services accept, whatever characters users type in their ids (issue #14). Each rule
// below is an AWS constraint, named in its test.
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, aws_certificatemanager as acm, aws_ec2 as ec2, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { ACCOUNT, image } from './three-tier-app.fixtures';
import {
  CostProfile, LogArchiveBucket, MonitoredEcsService, ServiceLoadBalancer, ServicePlacement, ThreeTierApp, ThreeTierEdgeStack,
} from '../src';
import { alarmNamePrefix } from '../src/monitored-ecs-service/alarms';
import { ec2Description } from '../src/private/cfn-text';

/** Ids as users really type them: spaces, dots, hyphens, an apostrophe, accents, CJK, an en dash. */
const IDS = ['Mein Shöp v2.0', "Bob's API", 'Items – Lager', '商品', '注文', 'order-api.v1'];

/** A value with intrinsics rendered: literal parts kept, each reference replaced by a plain word. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const v = value as Record<string, any>;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(render).join(v['Fn::Join'][0]);
  return 'Ref';
}

interface Rule {
  /** The AWS constraint, as the test names it. */
  readonly constraint: string;
  readonly type: string;
  /** Where the value sits in the resource's Properties; `*` walks a list. */
  readonly at: string[];
  readonly valid: (value: string) => boolean;
  /** The system leaves this value to CloudFormation today; checked if it ever sets it. */
  readonly optional?: boolean;
}

const EC2_TEXT = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{0,255}$/;
const ec2Text = (v: string) => EC2_TEXT.test(v);
const RULES: Rule[] = [
  { constraint: 'EC2 GroupDescription allows a-zA-Z0-9. _-:/()#,@[]+=&;{}!$* and at most 255 characters', type: 'AWS::EC2::SecurityGroup', at: ['GroupDescription'], valid: ec2Text },
  { constraint: 'EC2 security group rule Description allows the same characters', type: 'AWS::EC2::SecurityGroup', at: ['SecurityGroupIngress', '*', 'Description'], valid: ec2Text },
  { constraint: 'EC2 security group rule Description allows the same characters', type: 'AWS::EC2::SecurityGroup', at: ['SecurityGroupEgress', '*', 'Description'], valid: ec2Text },
  { constraint: 'EC2 security group rule Description allows the same characters', type: 'AWS::EC2::SecurityGroupIngress', at: ['Description'], valid: ec2Text },
  { constraint: 'EC2 security group rule Description allows the same characters', type: 'AWS::EC2::SecurityGroupEgress', at: ['Description'], valid: ec2Text },
  { constraint: 'CloudWatch AlarmName is 1-255 printable ASCII characters', type: 'AWS::CloudWatch::Alarm', at: ['AlarmName'], valid: (v) => /^[\x20-\x7e]{1,255}$/.test(v) },
  { constraint: 'CloudWatch DashboardName allows A-Za-z0-9_- and at most 255 characters', type: 'AWS::CloudWatch::Dashboard', at: ['DashboardName'], valid: (v) => /^[A-Za-z0-9_-]{1,255}$/.test(v), optional: true },
  { constraint: 'Glue database name allows lower-case letters, digits and _ (1-255)', type: 'AWS::Glue::Database', at: ['DatabaseInput', 'Name'], valid: (v) => /^[a-z0-9_]{1,255}$/.test(v) },
  { constraint: 'Athena WorkGroup Name allows a-zA-Z0-9._- (1-128)', type: 'AWS::Athena::WorkGroup', at: ['Name'], valid: (v) => /^[a-zA-Z0-9._-]{1,128}$/.test(v) },
  { constraint: 'Athena NamedQuery Name is 1-128 characters', type: 'AWS::Athena::NamedQuery', at: ['Name'], valid: (v) => v.length >= 1 && v.length <= 128 },
  { constraint: 'WAFv2 WebACL Name allows word characters and - (1-128)', type: 'AWS::WAFv2::WebACL', at: ['Name'], valid: (v) => /^[\w-]{1,128}$/.test(v) },
  { constraint: 'CloudWatch Logs LogGroupName allows .-_/#A-Za-z0-9 (1-512)', type: 'AWS::Logs::LogGroup', at: ['LogGroupName'], valid: (v) => /^[.\-_/#A-Za-z0-9]{1,512}$/.test(v) },
  { constraint: 'Lambda Description is at most 256 characters', type: 'AWS::Lambda::Function', at: ['Description'], valid: (v) => v.length <= 256 },
  { constraint: 'KMS key Description is at most 8192 characters', type: 'AWS::KMS::Key', at: ['Description'], valid: (v) => v.length <= 8192 },
  { constraint: 'Chatbot ConfigurationName allows A-Za-z0-9-_ (1-128)', type: 'AWS::Chatbot::SlackChannelConfiguration', at: ['ConfigurationName'], valid: (v) => /^[A-Za-z0-9_-]{1,128}$/.test(v) },
  { constraint: 'ECS ServiceName allows a-zA-Z0-9_- (1-255)', type: 'AWS::ECS::Service', at: ['ServiceName'], valid: (v) => /^[a-zA-Z0-9_-]{1,255}$/.test(v), optional: true },
  { constraint: 'EventBridge Rule Description is at most 512 characters', type: 'AWS::Events::Rule', at: ['Description'], valid: (v) => v.length <= 512 },
  { constraint: 'Firehose DeliveryStreamName allows a-zA-Z0-9_.- (1-64)', type: 'AWS::KinesisFirehose::DeliveryStream', at: ['DeliveryStreamName'], valid: (v) => /^[a-zA-Z0-9_.-]{1,64}$/.test(v), optional: true },
];

function valuesAt(node: unknown, at: string[]): unknown[] {
  if (node === undefined || node === null) return [];
  if (at.length === 0) return [node];
  const [head, ...rest] = at;
  if (head === '*') return Array.isArray(node) ? node.flatMap((n) => valuesAt(n, rest)) : [];
  return valuesAt((node as Record<string, unknown>)[head], rest);
}

/** Every template the app writes, nested stacks included. */
function templates(app: App): Array<{ file: string; template: any }> {
  const dir = app.synth().directory;
  return fs.readdirSync(dir).filter((f) => f.endsWith('.template.json'))
    .map((file) => ({ file, template: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) }));
}

/** The whole system plus each construct standalone, every id from IDS, both service placements. */
function weirdIdsApp(placement: ServicePlacement): App {
  const app = new App();
  const edge = new ThreeTierEdgeStack(app, 'Edge', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const stack = new Stack(app, 'System', { env: { account: ACCOUNT, region: 'ap-northeast-2' }, crossRegionReferences: true });
  const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Webhook', 'slack-webhook');
  new ThreeTierApp(stack, IDS[0], {
    edge,
    profile: CostProfile.production(),
    servicePlacement: placement,
    slackWebhookSecret: secret,
    slackChatbot: { workspaceId: 'T0123456', channelId: 'C0123456' },
    services: IDS.slice(1).map((id, i) => ({ id, image, pathPatterns: [`/api/s${i}/*`], prometheus: i === 0 ? {} : undefined })),
  });
  const other = new Stack(app, 'Standalone', { env: { account: ACCOUNT, region: 'ap-northeast-2' } });
  const vpc = new ec2.Vpc(other, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const logs = new LogArchiveBucket(other, 'Logs.Ärchiv');
  logs.addVpcFlowLogs(vpc);
  new MonitoredEcsService(other, 'Zahlungs Dienst', {
    vpc,
    image,
    loadBalancer: ServiceLoadBalancer.newLoadBalancer({
      logArchive: logs,
      certificate: acm.Certificate.fromCertificateArn(other, 'Certificate', `arn:aws:acm:ap-northeast-2:${ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555`),
    }),
  });
  return app;
}

describe.each([ServicePlacement.SAME_STACK, ServicePlacement.NESTED_STACKS])('construct ids users type (%s)', (placement) => {
  const found = templates(weirdIdsApp(placement));

  test('synthesizes templates for every stack, nested ones included', () => {
    expect(found.length).toBeGreaterThanOrEqual(placement === ServicePlacement.NESTED_STACKS ? 8 : 3);
  });

  test.each(RULES.map((r) => [r.constraint, r.type, r] as const))('%s (%s)', (_constraint, _type, rule) => {
    const bad: string[] = [];
    let checked = 0;
    for (const { file, template } of found) {
      for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
        if (resource.Type !== rule.type) continue;
        for (const value of valuesAt(resource.Properties, rule.at)) {
          const text = render(value);
          checked++;
          if (!rule.valid(text)) bad.push(`${file} ${logicalId}: ${JSON.stringify(text)}`);
        }
      }
    }
    expect(bad).toEqual([]);
    // Values the system does not set today (a service name, a dashboard name) are checked when set.
    if (!rule.optional) expect(checked).toBeGreaterThan(0);
  });

  test('CloudFormation template Description is at most 1024 bytes', () => {
    for (const { template } of found) {
      expect(Buffer.byteLength(template.Description ?? '', 'utf8')).toBeLessThanOrEqual(1024);
    }
  });

  test('CloudWatch AlarmName is unique per account and Region, even for ids that clean to the same text', () => {
    const names = found.flatMap(({ template }) => Object.values<any>(template.Resources ?? {})
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.AlarmName)
      .map((r) => render(r.Properties.AlarmName)));
    expect(names.length).toBeGreaterThan(10);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('EC2 descriptions', () => {
  test('EC2 GroupDescription: an apostrophe, accents and CJK become allowed characters', () => {
    expect(ec2Description("Load balancer of Shöp/Bob's/商品")).toBe('Load balancer of Shop/Bob_s/_');
  });

  test('EC2 GroupDescription is cut at 255 characters', () => {
    expect(ec2Description('a'.repeat(300))).toHaveLength(255);
  });

  test('a token in a description passes unchanged', () => {
    const stack = new Stack();
    const token = stack.stackName;
    expect(ec2Description(token)).toBe(token);
  });

  test('the load balancer group of ThreeTierApp no longer carries an apostrophe (EC2 GroupDescription)', () => {
    const stack = new Stack(new App(), 'System', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new ThreeTierApp(stack, 'Shop', { services: [{ id: 'Items', image }] });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Load balancer of System/Shop/App; admits the CloudFront VPC origin only',
    });
  });
});

describe('CloudWatch alarm names', () => {
  const stack = new Stack(new App(), 'System');
  const prefix = (id: string) => stack.resolve(alarmNamePrefix(new Construct(stack, id))) as { 'Fn::Join': [string, unknown[]] };

  test('a plain ASCII path keeps the alarm names it had (no alarm replaced on upgrade)', () => {
    expect(prefix('Api')['Fn::Join'][1]).toEqual([{ Ref: 'AWS::StackName' }, '-Api']);
  });

  test('ids that clean to the same text get different alarm names', () => {
    const a = prefix('商品')['Fn::Join'][1][1];
    const b = prefix('注文')['Fn::Join'][1][1];
    expect(a).toMatch(/^-[0-9a-f]{8}$/);
    expect(a).not.toEqual(b);
  });

  test('accents fold to their letter in alarm names', () => {
    expect(prefix('Zählwerk')['Fn::Join'][1][1]).toMatch(/^-Zahlwerk-[0-9a-f]{8}$/);
  });
});
