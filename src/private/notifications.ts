import * as path from 'path';
import {
  Aws, Duration, Names, RemovalPolicy, aws_chatbot as chatbot, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cw_actions,
  aws_events as events, aws_events_targets as targets, aws_iam as iam, aws_kms as kms, aws_lambda as lambda, aws_logs as logs,
  aws_secretsmanager as secretsmanager, aws_sns as sns, aws_sns_subscriptions as subscriptions, aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { limitGrantsToAwsServices } from './kms';
import { acknowledge, explainServiceKeys, inCompliancePacks, suppressGuard } from './nag';
import type { ChatbotSlackChannel } from '../monitored-ecs-service/slack-channel';

/** The Slack notifier's runtime: the one its handler is tested on. */
const NOTIFIER_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * Create the encrypted alarm topic. CloudWatch and EventBridge publish to it, so the key policy
 * must let both use the key: an AWS-managed SNS key (`alias/aws/sns`) cannot be used by alarms.
 */
export function createAlarmTopic(scope: Construct): { topic: sns.Topic; key: kms.Key } {
  const key = new kms.Key(scope, 'AlarmTopicKey', {
    description: `Encrypts the alarm topic of ${scope.node.path}`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  limitGrantsToAwsServices(key);
  // EventBridge gets its key statement from the SnsTopic target (it sends no source account to KMS).
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarms',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
  }));
  const topic = new sns.Topic(scope, 'AlarmTopic', { masterKey: key, enforceSSL: true });
  allowAlarmsToPublish(topic);
  return { topic, key };
}

/**
 * A topic with a resource policy (enforceSSL, EventBridge targets) loses SNS's default policy, so
 * CloudWatch alarms need their own statement or every notification is denied.
 */
export function allowAlarmsToPublish(topic: sns.ITopic): void {
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
    },
  }));
}

/** The given topic, opened to CloudWatch alarms, or a new encrypted one. */
export function alarmTopicFor(scope: Construct, given?: sns.ITopic): sns.ITopic {
  if (!given) return createAlarmTopic(scope).topic;
  allowAlarmsToPublish(given);
  return given;
}

/** Route ECS deployment failures and unexpected task stops of one service to the topic. */
export function routeEcsEvents(scope: Construct, topic: sns.ITopic, clusterArn: string, serviceArn: string, serviceName: string): events.Rule[] {
  const deployment = new events.Rule(scope, 'DeploymentEvents', {
    description: 'ECS deployment failed or rolled back',
    eventPattern: {
      source: ['aws.ecs'],
      detailType: ['ECS Deployment State Change'],
      resources: [serviceArn],
      detail: { eventName: ['SERVICE_DEPLOYMENT_FAILED'] },
    },
  });
  const stopped = new events.Rule(scope, 'TaskStoppedEvents', {
    description: 'ECS task stopped without a user or scaling asking for it',
    eventPattern: {
      source: ['aws.ecs'],
      detailType: ['ECS Task State Change'],
      detail: {
        clusterArn: [clusterArn],
        group: [`service:${serviceName}`],
        lastStatus: ['STOPPED'],
        // Crashes and failed starts, plus tasks the scheduler killed for failing health checks;
        // not scale-in, deployments, users or Spot reclaims.
        $or: [
          { stopCode: [{ 'anything-but': ['UserInitiated', 'ServiceSchedulerInitiated', 'SpotInterruption'] }] },
          { stoppedReason: [{ prefix: 'Task failed' }] },
        ],
      },
    },
  });
  for (const rule of [deployment, stopped]) rule.addTarget(new targets.SnsTopic(topic));
  return [deployment, stopped];
}

/** Where the alarms of a topic go in Slack. */
export interface SlackTargets {
  readonly slackChatbot?: ChatbotSlackChannel;
  readonly slackWebhookSecret?: secretsmanager.ISecret;
}

/** Subscribe Chatbot and/or the webhook notifier to the topic, as asked. */
export function subscribeSlack(scope: Construct, topic: sns.ITopic, slack: SlackTargets, logKey?: kms.IKey) {
  return {
    slackChannel: slack.slackChatbot
      ? subscribeChatbot(scope, topic, slack.slackChatbot, Names.uniqueResourceName(scope, { maxLength: 128, separator: '-' }))
      : undefined,
    slackNotifier: slack.slackWebhookSecret ? subscribeWebhook(scope, topic, slack.slackWebhookSecret, logKey) : undefined,
  };
}

/** Subscribe AWS Chatbot (Slack) to the topic. */
function subscribeChatbot(
  scope: Construct, topic: sns.ITopic, channel: ChatbotSlackChannel, defaultName: string,
): chatbot.SlackChannelConfiguration {
  const config = new chatbot.SlackChannelConfiguration(scope, 'SlackChannel', {
    slackChannelConfigurationName: channel.configurationName ?? defaultName,
    slackWorkspaceId: channel.workspaceId,
    slackChannelId: channel.channelId,
    notificationTopics: [topic],
    // No logRetention: CDK would deploy a custom-resource Lambda just to set it.
    loggingLevel: chatbot.LoggingLevel.ERROR,
  });
  return config;
}

/**
 * SNS -> Lambda -> Slack incoming webhook whose URL is a Secrets Manager secret. The function
 * formats alarms and ECS events (see `assets/slack-notifier`).
 */
function subscribeWebhook(scope: Construct, topic: sns.ITopic, secret: secretsmanager.ISecret, logKey?: kms.IKey): lambda.Function {
  const logGroup = new logs.LogGroup(scope, 'SlackNotifierLogs', {
    retention: logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.DESTROY,
    encryptionKey: logKey,
  });
  // Notifications Lambda could not post after its retries wait here 14 days, and an alarm says so.
  const deadLetters = new sqs.Queue(scope, 'SlackNotifierDeadLetters', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const dlqReason = 'This queue is the Slack notifier\'s dead-letter queue; a dead-letter queue of its own would add nothing.';
  acknowledge(deadLetters, [{ id: 'AwsSolutions-SQS3', reason: dlqReason }]);
  suppressGuard(deadLetters, [{ rule: 'sqs_dlq_check', reason: dlqReason }]);
  const role = new iam.Role(scope, 'SlackNotifierRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  const policy = new iam.ManagedPolicy(scope, 'SlackNotifierPolicy', {
    roles: [role],
    statements: [
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetters.queueArn] }),
      // A secret imported by name has an ARN without the random suffix; match any suffix then.
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretFullArn ?? `${secret.secretArn}-??????`] }),
      ...(secret.encryptionKey ? [new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [secret.encryptionKey.keyArn] })] : []),
    ],
  });
  const fn = new lambda.Function(scope, 'SlackNotifier', {
    runtime: NOTIFIER_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', 'slack-notifier')),
    role: role.withoutPolicyUpdates(),
    logGroup,
    timeout: Duration.seconds(10),
    memorySize: 128,
    environment: { WEBHOOK_SECRET_ARN: secret.secretArn },
    description: 'Posts alarm and ECS event notifications to Slack',
    deadLetterQueue: deadLetters,
  });
  const undelivered = new cloudwatch.Alarm(scope, 'SlackNotifierUndelivered', {
    metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: 'Slack notifications failed after retries; they wait in the dead-letter queue (14 days).',
  });
  undelivered.addAlarmAction(new cw_actions.SnsAction(topic));
  fn.node.addDependency(policy);
  topic.addSubscription(new subscriptions.LambdaSubscription(fn));
  acknowledge(fn, [
    // cdk-nag compares with the newest runtime the app's aws-cdk-lib knows, so a newer
    // aws-cdk-lib would flag it while the template stays the same on every version.
    { id: 'AwsSolutions-L1', reason: `Pinned to ${NOTIFIER_RUNTIME.name}, the runtime the handler is tested on; the library moves it, not the app's aws-cdk-lib version.` },
    ...inCompliancePacks('LambdaInsideVPC',
      'Posts to Slack over the internet; placing it in a VPC would need a NAT gateway and adds nothing.'),
    ...inCompliancePacks('LambdaConcurrency',
      'No reserved concurrency: new accounts (quota 10) reject any reservation; traffic is a few alarms an hour.'),
  ]);
  suppressGuard(fn, [{ rule: 'lambda_inside_vpc_check', reason: 'Posts to Slack over the internet; placing it in a VPC would need a NAT gateway and adds nothing.' }]);
  if (!logKey) {
    const logReason = 'Notifier diagnostics only (no secrets are logged); CloudWatch Logs encrypts them with service keys.';
    explainServiceKeys(logGroup, logReason);
  }
  return fn;
}
