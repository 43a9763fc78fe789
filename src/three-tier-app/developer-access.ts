import {
  ArnFormat, RemovalPolicy, Stack, aws_ec2 as ec2, aws_elasticache as elasticache, aws_events as events, aws_events_targets as targets,
  aws_iam as iam, aws_kms as kms, aws_logs as logs, aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ILogArchive } from '../log-archive-bucket';
import { ec2Description } from '../private/cfn-text';
import { hardenInstance } from '../private/instances';
import { acknowledge, explainServiceKeys, inCompliancePacks, nagResourceText, suppressGuard } from '../private/nag';
import { checkLogRetention, invalid } from '../private/validate';
import { ValkeyCache } from '../valkey-cache';

/** Session Manager's document that forwards a local port to a host and port the target can reach. */
const PORT_FORWARDING_DOCUMENT = 'AWS-StartPortForwardingSessionToRemoteHost';

/** How developers reach the private tier; `ThreeTierAppProps.developerAccess` takes these. */
export interface DeveloperAccessOptions {
  /**
   * Instance type of the access host.
   * @default t4g.nano (about $3 a month)
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Aurora user developers sign in as with an IAM token (create it once with the `rds_iam` role).
   * @default 'developer'
   */
  readonly databaseUser?: string;
  /**
   * Access string of the developers' cache user (Valkey ACL syntax).
   * @default 'on ~* -@all +@read +@connection' (read-only)
   */
  readonly cacheAccessString?: string;
  /**
   * How long the session log keeps each session's start.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/** Properties of a `DeveloperAccess`. */
export interface DeveloperAccessProps extends DeveloperAccessOptions {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the access host; it needs a way to Systems Manager (NAT, or ssm, ssmmessages and ec2messages endpoints).
   * @default - private subnets with egress, or isolated subnets when the VPC has none
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Archive the session log streams into.
   * @default - the session log stays in CloudWatch Logs only
   */
  readonly logArchive?: ILogArchive;
  /**
   * KMS key of the session log.
   * @default - CloudWatch Logs' service key
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Topic told of every session start (e.g. the system's alarm topic, hence Slack).
   * @default - no notification
   */
  readonly notificationTopic?: sns.ITopic;
}

/**
 * Developers reach the private database and cache from a laptop with Session Manager port
 * forwarding through a small access host: no SSH key, no inbound port, no VPN server. The host
 * admits nothing; developers get a managed policy that lets them start only port-forwarding
 * sessions to it, and sign in to the database and cache with IAM tokens. Every session start is
 * logged (CloudTrail through EventBridge into a log group, and the log archive).
 */
export class DeveloperAccess extends Construct {
  /** The access host: an SSM-managed instance that forwards ports, with no inbound rule. */
  public readonly host: ec2.Instance;
  /** Security group of the host: no inbound rule; outbound HTTPS (Systems Manager) and what `allowTo` adds. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Attach to the developers' role or group. */
  public readonly policy: iam.ManagedPolicy;
  /** Every session start on the host, and every refused attempt, from CloudTrail. */
  public readonly sessionLog: logs.LogGroup;
  /** The EventBridge rule that writes the session log. */
  public readonly sessionRule: events.Rule;
  /** The Aurora user developers sign in as. */
  public readonly databaseUser: string;
  private readonly cacheAccessString: string;
  private developersCacheUser?: elasticache.CfnUser;

  constructor(scope: Construct, id: string, props: DeveloperAccessProps) {
    super(scope, id);
    const path = this.node.path;
    this.databaseUser = props.databaseUser ?? 'developer';
    this.cacheAccessString = props.cacheAccessString ?? 'on ~* -@all +@read +@connection';
    checkLogRetention(path, 'logRetention', props.logRetention);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: ec2Description(`Developer access host of ${path}; no inbound rule, Session Manager only`),
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), ec2Description('Systems Manager (HTTPS)'));
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Access host of ${path}: registers with Systems Manager and opens session channels, nothing else`,
    });
    // The Session Manager minimum (what AmazonSSMManagedInstanceCore grants for sessions, without
    // its ssm:GetParameter*, ssm:ListAssociations and other wide reads); these actions have no
    // resource-level permissions.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [
        'ssm:UpdateInstanceInformation',
        'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel',
        'ec2messages:AcknowledgeMessage', 'ec2messages:DeleteMessage', 'ec2messages:FailMessage', 'ec2messages:GetEndpoint',
        'ec2messages:GetMessages', 'ec2messages:SendReply',
      ],
      resources: ['*'],
    }));
    acknowledge(role.node.findChild('DefaultPolicy'), [
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Session Manager\'s agent actions (ssm:UpdateInstanceInformation, ssmmessages, ec2messages) have no resource-level permissions.' },
      ...inCompliancePacks('IAMNoInlinePolicy', 'The host role\'s policy is written here, least privilege for the Session Manager agent.'),
    ]);
    this.host = new ec2.Instance(this, 'Host', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      instanceType: props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
      // AL2023 has the SSM agent; the image follows AWS's latest through an SSM parameter.
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      securityGroup: this.securityGroup,
      role,
      // Said on its network interface, where AWS Control Tower's CT.EC2.PR.8 looks for it.
      associatePublicIpAddress: false,
      ssmSessionPermissions: false,
    });
    const template = hardenInstance(this.host);
    const noData = 'The access host forwards ports and holds no data';
    suppressGuard(this.host, [
      { rule: 'ec2_instance_detailed_monitoring_enabled_check', reason: `${noData}; 5-minute metrics are enough, detailed monitoring is an extra cost.` },
      { rule: 'ec2_instance_nitro_encryption_in_transit_check', reason: `${noData}; what it forwards is TLS end to end (database and cache), and t4g.nano is the cost choice.` },
    ]);
    suppressGuard(template, [{ rule: 'ec2_launch_template_monitoring_enabled_check', reason: `${noData}; 5-minute metrics are enough.` }]);
    acknowledge(this.host, [
      { id: 'AwsSolutions-EC28', reason: `${noData}; 5-minute metrics are enough, detailed monitoring is an extra cost.` },
      { id: 'AwsSolutions-EC29', reason: `${noData}; CloudFormation replaces it when its image changes, termination protection would block that.` },
      ...inCompliancePacks('EC2InstanceDetailedMonitoringEnabled', `${noData}; 5-minute metrics are enough.`, ['HIPAA.Security']),
      ...inCompliancePacks('EC2InstancesInVPC', 'The host runs in a private subnet of this VPC (CDK sets the subnet, not the rule\'s property).',
        ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']),
    ]);

    // Developers: port-forwarding sessions to this host only (the document check makes a plain
    // shell session, which the document does not allow, fail), and their own sessions' end.
    const stack = Stack.of(this);
    const ownSessions = stack.formatArn({ service: 'ssm', resource: 'session', resourceName: '${aws:userid}-*' });
    this.policy = new iam.ManagedPolicy(this, 'DevelopersPolicy', {
      description: `Developers of ${path}: port forwarding to the private tier through the access host`,
      statements: [
        new iam.PolicyStatement({
          sid: 'PortForwardingToTheAccessHostOnly',
          actions: ['ssm:StartSession'],
          resources: [
            stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: this.host.instanceId }),
            stack.formatArn({ service: 'ssm', account: '', resource: 'document', resourceName: PORT_FORWARDING_DOCUMENT }),
          ],
          conditions: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
        }),
        new iam.PolicyStatement({
          sid: 'OwnSessionsOnly',
          actions: ['ssm:TerminateSession', 'ssm:ResumeSession'],
          resources: [ownSessions],
        }),
      ],
    });
    acknowledge(this.policy, [{
      // cdk-nag prints the policy variable ${aws:userid} as <aws:userid>.
      id: `AwsSolutions-IAM5[Resource::${nagResourceText(this.policy, ownSessions).replace(/\$\{([^}]+)\}/g, '<$1>')}]`,
      reason: 'Session ids are generated: developers may end or resume only sessions whose id starts with their own user id (AWS\'s documented pattern).',
    }]);

    // Session Manager records no data of port-forwarding sessions; CloudTrail records who started
    // which session to which host and port, and this rule keeps that for a year.
    this.sessionLog = new logs.LogGroup(this, 'Sessions', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (!props.logEncryptionKey) {
      const reason = 'Encrypted by CloudWatch Logs with service keys; the system\'s logEncryptionKey (production profile) encrypts it with a customer managed key.';
      explainServiceKeys(this.sessionLog, reason);
    }
    // EventBridge writes to the group under a resource policy of the group's own (not CDK's custom resource).
    new logs.ResourcePolicy(this, 'SessionsPolicy', {
      policyStatements: [new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com'), new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.sessionLog.logGroupArn],
      })],
    });
    // Every StartSession call to the host, refused ones included (an audit wants the attempts);
    // ResumeSession events name only the session, not the host, so they cannot be matched here.
    const startSession = {
      eventSource: ['ssm.amazonaws.com'],
      eventName: ['StartSession'],
      requestParameters: { target: [this.host.instanceId] },
    };
    this.sessionRule = new events.Rule(this, 'SessionStarts', {
      description: `Session Manager sessions to the access host of ${path}, and refused attempts (from CloudTrail)`,
      eventPattern: { source: ['aws.ssm'], detailType: ['AWS API Call via CloudTrail'], detail: startSession },
      // A log group target is its ARN without the ':*' that the group's Arn attribute ends in:
      // with it, the rule deploys and matches, and nothing arrives.
      targets: [{
        bind: () => ({
          arn: stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: this.sessionLog.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        }),
      }],
    });
    if (props.notificationTopic) {
      // The topic hears of sessions that started (CloudTrail sets errorCode on refused calls).
      new events.Rule(this, 'SessionNotices', {
        description: `Tells the system topic of each session started on the access host of ${path}`,
        eventPattern: { source: ['aws.ssm'], detailType: ['AWS API Call via CloudTrail'], detail: { ...startSession, errorCode: [{ exists: false }] } },
        targets: [new targets.SnsTopic(props.notificationTopic, {
          message: events.RuleTargetInput.fromText(
            `Developer session started by ${events.EventField.fromPath('$.detail.userIdentity.arn')} ` +
            `on ${events.EventField.fromPath('$.detail.requestParameters.target')} at ${events.EventField.fromPath('$.time')}`),
        })],
      });
    }
    props.logArchive?.addLogGroup(this.sessionLog);
  }

  /** The developers' cache user (its id is the user name they sign in with); throws unless `grantCache` was called. */
  public get cacheUser(): elasticache.CfnUser {
    if (!this.developersCacheUser) {
      throw invalid(this.node.path, 'cacheUser', undefined, 'developers have no cache user: the system has no cache', 'Give the ThreeTierApp cache (e.g. cache: {}).');
    }
    return this.developersCacheUser;
  }

  /** Let the host forward to a peer's port (the database, the cache, a service). */
  public allowTo(peer: ec2.IConnectable, port: ec2.Port, description: string): void {
    for (const group of peer.connections.securityGroups) {
      group.addIngressRule(this.securityGroup, port, ec2Description(description));
      this.securityGroup.addEgressRule(group, port, ec2Description(description));
    }
  }

  /** Developers sign in to an Aurora cluster as `databaseUser` with an IAM token. */
  public grantDatabase(clusterResourceIdentifier: string): void {
    this.policy.addStatements(new iam.PolicyStatement({
      sid: 'DatabaseAsDeveloperUser',
      actions: ['rds-db:connect'],
      resources: [Stack.of(this).formatArn({
        service: 'rds-db', resource: 'dbuser', resourceName: `${clusterResourceIdentifier}/${this.databaseUser}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
    }));
  }

  /** Developers reach the cache as a user of their own (read-only by default) through the host. */
  public grantCache(cache: ValkeyCache): void {
    this.allowTo(cache, cache.serverless ? ec2.Port.tcpRange(cache.port, cache.port + 1) : ec2.Port.tcp(cache.port), 'Developer access to the cache');
    const user = cache.addIamUser('Developers', this.cacheAccessString);
    this.developersCacheUser = user;
    this.policy.addStatements(new iam.PolicyStatement({
      sid: 'CacheAsDeveloperUser',
      actions: ['elasticache:Connect'],
      resources: [cache.cacheArn, user.attrArn],
    }));
  }
}
