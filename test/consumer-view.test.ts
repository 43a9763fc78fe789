// What a consumer's scanner sees (issue #17): the checker itself can fail, and each fix the
// consumer view asked for is pinned in the template.
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, NestedStack, Stack, aws_s3 as s3, aws_secretsmanager as sm } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { synthesizedTemplate } from './fixtures';
import { ACCOUNT, resourcesOf, seoulApp, virginiaApp } from './three-tier-app.fixtures';
import { markUsersOwn, scan, undocumented } from '../scripts/consumer-view';
import { CostProfile, LogArchiveBucket, LogArchiveEncryption, NatMode, ServicePlacement } from '../src';

describe('the consumer-view scan', () => {
  const rules = (file: string, tool: string) => scan(file).filter((f) => f.tool === tool).map((f) => f.rule);

  test('reports a plain bucket\'s findings in cdk-nag 2, cdk-nag 3 and cfn-guard', () => {
    const file = synthesizedTemplate((stack) => new s3.Bucket(stack, 'Plain'));
    expect(rules(file, 'cdk-nag 2')).toContain('AwsSolutions-S1');
    expect(rules(file, 'cdk-nag 3')).toContain('AwsSolutions-S1');
    expect(rules(file, 'cfn-guard')).toContain('s3_bucket_logging_enabled_check');
    expect(scan(file).every((f) => !f.users)).toBe(true);
  });

  test('counts only what the template carries: cdk_nag metadata for both cdk-nags, Metadata.guard.SuppressedRules for cfn-guard', () => {
    const file = synthesizedTemplate((stack) => {
      const bucket = new s3.Bucket(stack, 'Plain').node.defaultChild as CfnResource;
      bucket.addMetadata('cdk_nag', { rules_to_suppress: [{ id: 'AwsSolutions-S1', reason: 'a test of the scan itself' }] });
      bucket.addMetadata('guard', { SuppressedRules: ['s3_bucket_logging_enabled_check'] });
    });
    expect(rules(file, 'cdk-nag 2')).not.toContain('AwsSolutions-S1');
    expect(rules(file, 'cdk-nag 3')).not.toContain('AwsSolutions-S1');
    expect(rules(file, 'cfn-guard')).not.toContain('s3_bucket_logging_enabled_check');
    expect(rules(file, 'cdk-nag 2')).toContain('AwsSolutions-S10'); // others still fire
  });

  test('a resource the test marks as its user\'s own is reported apart', () => {
    const file = synthesizedTemplate((stack) => markUsersOwn(new s3.Bucket(stack, 'Theirs')));
    const findings = scan(file);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.users)).toBe(true);
  });
});

describe('fixes the consumer view asked for', () => {
  test('CT.KMS.PR.3: only AWS services may create grants on the keys we create', () => {
    const deny = {
      Sid: 'GrantsOnlyForAwsServices',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    };
    const system = Template.fromStack(virginiaApp().stack);
    const stack = new Stack(new App(), 'Archive');
    new LogArchiveBucket(stack, 'Logs', { encryption: LogArchiveEncryption.KMS });
    for (const t of [system, Template.fromStack(stack)]) {
      const keys = resourcesOf(t, 'AWS::KMS::Key');
      expect(keys.length).toBeGreaterThan(0);
      for (const [, key] of keys) expect(key.Properties.KeyPolicy.Statement).toContainEqual(deny);
    }
  });

  test('CDK\'s cross-region reference providers and default-SG restrictor carry their reasons in the template', () => {
    const { app } = seoulApp({ natMode: NatMode.instance() });
    const assembly = app.synth();
    const template = (name: string) => assembly.getStackByName(name).template;
    const suppressed = (t: any, idPattern: RegExp) => Object.entries<any>(t.Resources).filter(([id]) => idPattern.test(id))
      .flatMap(([, r]) => (r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((s: any) => `${s.id}${s.applies_to ? `[${s.applies_to[0]}]` : ''}`));
    const writerRole = suppressed(template('Edge'), /^CustomCrossRegionExportWriterCustomResourceProviderRole/);
    expect(writerRole).toEqual(expect.arrayContaining([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:ap-northeast-2:${ACCOUNT}:parameter/cdk/exports/*]`,
      'NIST.800.53.R5-IAMNoInlinePolicy',
    ]));
    expect(suppressed(template('System'), /^CustomCrossRegionExportReaderCustomResourceProviderHandler/))
      .toEqual(expect.arrayContaining(['AwsSolutions-L1', 'HIPAA.Security-LambdaDLQ', 'PCI.DSS.321-LambdaInsideVPC']));
    expect(suppressed(template('System'), /^CustomVpcRestrictDefaultSGCustomResourceProviderRole/)).toContain('HIPAA.Security-IAMNoInlinePolicy');
    expect(suppressed(template('System'), /^AppNetworkVpc[0-9A-F]{8}$/)).toContain('NIST.800.53.R5-VPCDefaultSecurityGroupClosed');
    // Synthesizing again (the validation runs again) does not write the reasons twice.
    const entries = app.synth({ force: true }).getStackByName('Edge').template.Resources;
    const roleId = Object.keys(entries).find((id) => id.startsWith('CustomCrossRegionExportWriterCustomResourceProviderRole'))!;
    const ids = entries[roleId].Metadata.cdk_nag.rules_to_suppress.map((s: any) => `${s.id}${JSON.stringify(s.applies_to ?? '')}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('the production profile encrypts the system\'s log groups with a key it creates; development keeps service keys', () => {
    const withSlack = (profile: CostProfile) => seoulApp((stack) => ({
      profile, slackWebhookSecret: sm.Secret.fromSecretNameV2(stack, 'Hook', 'slack-webhook'),
    }));
    const production = Template.fromStack(withSlack(CostProfile.production()).stack);
    const keys = resourcesOf(production, 'AWS::KMS::Key').filter(([id]) => id.startsWith('AppLogKey'));
    expect(keys).toHaveLength(1);
    const [[keyId, key]] = keys;
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(expect.objectContaining({ Sid: 'AllowCloudWatchLogs', Effect: 'Allow' }));
    const groups = resourcesOf(production, 'AWS::Logs::LogGroup').filter(([id]) => /ItemsLogs|DeliveryStreamErrors|SlackNotifierLogs/.test(id));
    expect(groups.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['AppItemsLogs', 'AppLogArchiveDeliveryStreamErrors', 'AppSlackNotifierLogs']);
    for (const [, group] of groups) {
      expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      expect(group.Metadata?.guard?.SuppressedRules ?? []).not.toContain('cloudwatch_log_group_encrypted_check');
    }
    const development = Template.fromStack(withSlack(CostProfile.development()).stack);
    expect(resourcesOf(development, 'AWS::KMS::Key').filter(([id]) => id.startsWith('AppLogKey'))).toHaveLength(0);
    for (const [, group] of resourcesOf(development, 'AWS::Logs::LogGroup').filter(([id]) => /ItemsLogs|DeliveryStreamErrors|SlackNotifierLogs/.test(id))) {
      expect(group.Properties.KmsKeyId).toBeUndefined();
      expect(group.Metadata.guard.SuppressedRules).toContain('cloudwatch_log_group_encrypted_check');
    }
  });

  test('a service log group in a nested stack names the system\'s key through a join, which the consumer\'s cfn-guard plugin can read', () => {
    // On a bare Ref to the nested stack's parameter, @cdklabs/cdk-validator-cfnguard 0.0.62 throws.
    const { stack } = virginiaApp({ servicePlacement: ServicePlacement.NESTED_STACKS });
    const nested = stack.node.findAll().find((c): c is NestedStack => c instanceof NestedStack)!;
    const [[, group]] = resourcesOf(Template.fromStack(nested), 'AWS::Logs::LogGroup');
    expect(group.Properties.KmsKeyId).toEqual({ 'Fn::Join': ['', [{ Ref: expect.stringMatching(/^referencetoSystemAppLogKey.*Arn$/) }]] });
    expect(group.Metadata.guard.SuppressedRules).toEqual(['cloudwatch_log_group_encrypted_check']);
  });

  test('LambdaDLQ: Slack notifications that fail after retries wait in an encrypted dead-letter queue, and an alarm says so', () => {
    const { stack } = seoulApp((s) => ({ slackWebhookSecret: sm.Secret.fromSecretNameV2(s, 'Hook', 'slack-webhook') }));
    const t = Template.fromStack(stack);
    const [[queueId, queue]] = resourcesOf(t, 'AWS::SQS::Queue').filter(([id]) => id.startsWith('AppSlackNotifierDeadLetters'));
    expect(queue.Properties).toEqual(expect.objectContaining({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 }));
    t.hasResourceProperties('AWS::Lambda::Function', { DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } } });
    const policy = resourcesOf(t, 'AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('AppSlackNotifierPolicy'))![1];
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } }));
    const [[, alarm]] = resourcesOf(t, 'AWS::CloudWatch::Alarm').filter(([id]) => id.startsWith('AppSlackNotifierUndelivered'));
    expect(alarm.Properties).toEqual(expect.objectContaining({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, AlarmActions: [expect.anything()] }));
  });

  test('trade-offs carry their cfn-guard rule on the resource (Metadata.guard.SuppressedRules)', () => {
    const t = Template.fromStack(virginiaApp().stack);
    const guard = (type: string, idPattern: RegExp) => resourcesOf(t, type).filter(([id]) => idPattern.test(id))
      .flatMap(([, r]) => r.Metadata?.guard?.SuppressedRules ?? []);
    expect(guard('AWS::S3::Bucket', /WebSiteBucket/)).toEqual(expect.arrayContaining(['s3_bucket_object_lock_enabled_check', 's3_event_notifications_enabled_check']));
    expect(guard('AWS::CloudFront::Distribution', /WebDistribution/)).toEqual(expect.arrayContaining(['cloudfront_custom_ssl_certificate_check', 'cloudfront_origin_failover_enabled_check']));
    expect(guard('AWS::ElasticLoadBalancingV2::Listener', /LoadBalancerHttp/)).toEqual(['alb_http_to_https_redirection_check']);
    expect(guard('AWS::ECS::Cluster', /Cluster/)).toEqual(['ecs_container_insights_enabled_check']);
    // The production profile keeps deletion protection: nothing to explain there.
    expect(guard('AWS::ElasticLoadBalancingV2::LoadBalancer', /LoadBalancer/)).toEqual([]);
  });
});

test('every rule a template explains must be named in the README\'s Compliance section', () => {
  const file = synthesizedTemplate((stack) => {
    const bucket = new s3.Bucket(stack, 'Plain').node.defaultChild as CfnResource;
    bucket.addMetadata('cdk_nag', { rules_to_suppress: [{ id: 'HIPAA.Security-S3BucketLoggingEnabled', reason: 'a test of the check itself' }] });
    bucket.addMetadata('guard', { SuppressedRules: ['s3_event_notifications_enabled_check', 'made_up_rule_check'] });
  });
  const readme = '## Compliance\n| x | S3BucketLoggingEnabled, `s3_event_notifications_enabled_check` |\n## Next\nmade_up_rule_check\n';
  expect(undocumented([file], readme)).toEqual(['made_up_rule_check']);
  expect(undocumented([file], fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8'))).toEqual(['made_up_rule_check']);
});
