import { ArnFormat, Lazy, RemovalPolicy, Stack, aws_ecs as ecs, aws_iam as iam, aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { newLogGroupKey } from './kms';
import { acknowledge, nagResourceText } from './nag';
import type { ILogArchive } from '../log-archive-bucket/archive';

/** Where a cluster this library creates keeps the audit of ECS Exec sessions. */
export interface ExecAuditOptions {
  /** Key of the session channel and of the session log group. @default - a new key, made with the first Exec service */
  readonly encryptionKey?: kms.IKey;
  /** Archive the session log group streams into (Firehose, the `cloudwatch_logs` table). */
  readonly logArchive?: ILogArchive;
}

/**
 * The audit of ECS Exec on one cluster: every session's channel encrypted with a KMS key, and
 * every session's input and output logged to a KMS-encrypted log group kept a year, itself
 * streamed into the log archive. Made with the first service that turns Exec on; a cluster
 * without such a service has no Exec configuration at all.
 */
export class ExecAudit {
  /** The audit of a cluster made by `newServiceCluster`, if it is one. */
  public static of(cluster: ecs.ICluster): ExecAudit | undefined {
    return AUDITS.get(cluster);
  }

  private made?: { key: kms.IKey; logGroup: logs.LogGroup };

  constructor(private readonly scope: Construct, cluster: ecs.Cluster, private readonly options: ExecAuditOptions) {
    AUDITS.set(cluster, this);
    const cfn = cluster.node.defaultChild as ecs.CfnCluster;
    cfn.configuration = Lazy.any({
      produce: () => this.made && {
        executeCommandConfiguration: {
          kmsKeyId: this.made.key.keyArn,
          logging: 'OVERRIDE',
          logConfiguration: { cloudWatchLogGroupName: this.made.logGroup.logGroupName, cloudWatchEncryptionEnabled: true },
        },
      },
    });
  }

  /** The key and log group, made on first use. */
  public get resources(): { key: kms.IKey; logGroup: logs.LogGroup } {
    if (!this.made) {
      const key = this.options.encryptionKey
        ?? newLogGroupKey(this.scope, 'ExecKey', `Encrypts ECS Exec sessions and their log of ${this.scope.node.path}`);
      const logGroup = new logs.LogGroup(this.scope, 'ExecSessions', {
        retention: logs.RetentionDays.ONE_YEAR,
        encryptionKey: key,
        // An audit trail outlives the stack.
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.options.logArchive?.addLogGroup(logGroup);
      this.made = { key, logGroup };
    }
    return this.made;
  }

  /**
   * What a task needs to be exec'd into under this audit, and nothing more: the SSM channels,
   * the key to open them, and the session log.
   */
  public grantSessions(role: iam.IRole): void {
    const { key, logGroup } = this.resources;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
      resources: ['*'], // the SSM channels have no resource-level permissions
    }));
    key.grant(role, 'kms:Decrypt');
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }));
    // The SSM agent looks the log group up; DescribeLogGroups names no single group.
    const anyGroup = Stack.of(role).formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:DescribeLogGroups'], resources: [anyGroup] }));
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledge(policy, [{
        id: `AwsSolutions-IAM5[Resource::${nagResourceText(policy, anyGroup)}]`,
        reason: 'ECS Exec\'s agent looks its session log group up with DescribeLogGroups, which names no single group; it writes to that one group only.',
      }]);
    }
  }
}

const AUDITS = new WeakMap<ecs.ICluster, ExecAudit>();
