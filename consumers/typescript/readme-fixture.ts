// What the README's `declare const` lines stand for in the new user's app: small, real resources
// of the user's own (imported where the block only needs an interface), each with its rule-pack
// findings acknowledged the way a user would acknowledge them, so every finding left is ours.
import {
  App, Aspects, Stack, Validations,
  aws_certificatemanager as acm, aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_ec2 as ec2,
  aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2, aws_iam as iam, aws_logs as logs, aws_route53 as route53, aws_s3 as s3,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { LogArchiveBucket, MonitoredEcsService, ServiceLoadBalancer } from 'cdk-three-tier';

const ACCOUNT = '123456789012';

/** The user's own resources a README block declares, made in the block's stack on first use. */
export class Given {
  private readonly made = new Map<string, unknown>();

  constructor(private readonly scope: Stack) {}

  app(): App {
    return this.scope.node.root as App;
  }

  stack(): Stack {
    return this.once('stack', () => new Stack(this.app(), `${this.scope.node.id}Given`, { env: { region: 'us-east-1' } }));
  }

  vpc(): ec2.IVpc {
    return this.once('vpc', () => ec2.Vpc.fromVpcAttributes(this.scope, 'GivenVpc', {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidrBlock: '10.0.0.0/16',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      publicSubnetIds: ['subnet-0000000000000000a', 'subnet-0000000000000000b'],
      publicSubnetRouteTableIds: ['rtb-0000000000000000a', 'rtb-0000000000000000b'],
      privateSubnetIds: ['subnet-0000000000000000c', 'subnet-0000000000000000d'],
      privateSubnetRouteTableIds: ['rtb-0000000000000000c', 'rtb-0000000000000000d'],
    }));
  }

  alb(): elbv2.ApplicationLoadBalancer {
    return this.once('alb', () => {
      const alb = new elbv2.ApplicationLoadBalancer(this.scope, 'GivenAlb', { vpc: this.vpc(), dropInvalidHeaderFields: true });
      userAcknowledges(alb, inPacks(['ALBWAFEnabled', 'ELBDeletionProtectionEnabled']),
        'The README\'s stand-in for the user\'s own load balancer; only its access logs are the library\'s business.');
      return alb;
    });
  }

  distribution(): cloudfront.Distribution {
    return this.once('distribution', () => {
      const distribution = new cloudfront.Distribution(this.scope, 'GivenDistribution', {
        defaultBehavior: { origin: new origins.HttpOrigin('origin.example.com') },
      });
      userAcknowledges(distribution, ['AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR4', 'AwsSolutions-CFR5'],
        'The README\'s stand-in for the user\'s own distribution; only its logging is the library\'s business.');
      return distribution;
    });
  }

  siteBucket(): s3.Bucket {
    return this.once('siteBucket', () => {
      const bucket = new s3.Bucket(this.scope, 'GivenSiteBucket', {
        enforceSSL: true,
        versioned: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      });
      userAcknowledges(bucket, inPacks(['S3BucketReplicationEnabled', 'S3DefaultEncryptionKMS']),
        'The README\'s stand-in for the user\'s own bucket; only its access logs are the library\'s business.');
      return bucket;
    });
  }

  accessLogsBucket(): s3.IBucket {
    return this.once('accessLogsBucket', () => {
      // S3 server access logs need SSE-S3; a log target does not log into itself.
      const bucket = new s3.Bucket(this.scope, 'GivenAccessLogs', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        versioned: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      });
      userAcknowledges(bucket, ['AwsSolutions-S1', ...inPacks(['S3BucketLoggingEnabled', 'S3BucketReplicationEnabled', 'S3DefaultEncryptionKMS'])],
        'The README\'s stand-in for the user\'s own access-log bucket in the workload account.');
      return bucket;
    });
  }

  appLogs(): logs.ILogGroup {
    return this.once('appLogs', () => logs.LogGroup.fromLogGroupName(this.scope, 'GivenAppLogs', 'app-logs'));
  }

  analyst(): iam.IRole {
    return this.once('analyst', () => {
      const role = iam.Role.fromRoleName(this.scope, 'GivenAnalyst', 'analyst');
      // grantQuery writes an inline policy onto the user's role: the user acknowledges its wildcards.
      Aspects.of(this.scope).add({
        visit: (node) => {
          if (node instanceof iam.CfnPolicy && node.node.path.startsWith(`${role.node.path}/`)) {
            userAcknowledges(node, [...wildcardFindings(node), ...inPacks(['IAMNoInlinePolicy'])],
              'The analyst role may read every log object and table of the archive: that is what querying it means.');
          }
        },
      });
      return role;
    });
  }

  certificate(): acm.ICertificate {
    return this.once('certificate', () => acm.Certificate.fromCertificateArn(this.scope, 'GivenCertificate',
      `arn:aws:acm:${this.scope.region}:${ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555`));
  }

  hostedZone(): route53.IHostedZone {
    return this.once('hostedZone', () => route53.HostedZone.fromHostedZoneAttributes(this.scope, 'GivenZone', {
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      zoneName: 'example.com',
    }));
  }

  image(): ecs.ContainerImage {
    return ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27');
  }

  api(): MonitoredEcsService {
    return this.once('api', () => new MonitoredEcsService(this.scope, 'GivenApi', {
      vpc: this.vpc(),
      image: this.image(),
      containerPort: 80,
      loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate: this.certificate(), logArchive: new LogArchiveBucket(this.scope, 'GivenLogs') }),
    }));
  }

  private once<T>(name: string, make: () => T): T {
    if (!this.made.has(name)) this.made.set(name, make());
    return this.made.get(name) as T;
  }
}

/** The AwsSolutions-IAM5 finding ids of a policy's wildcards, written the way cdk-nag names them. */
function wildcardFindings(policy: iam.CfnPolicy): string[] {
  const document = Stack.of(policy).resolve(policy.policyDocument) as { Statement: Array<{ Action: unknown; Resource: unknown }> };
  const ids = new Set<string>();
  for (const statement of document.Statement) {
    for (const action of ([] as unknown[]).concat(statement.Action)) {
      if (String(action).includes('*')) ids.add(`AwsSolutions-IAM5[Action::${action}]`);
    }
    for (const resource of ([] as unknown[]).concat(statement.Resource)) {
      const name = render(resource);
      if (name.includes('*')) ids.add(`AwsSolutions-IAM5[Resource::${name}]`);
    }
  }
  return [...ids];
}

/** A resolved value as cdk-nag prints it in a finding id: `<Logical.Arn>`, `<AWS::Partition>`. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { Ref?: string; 'Fn::GetAtt'?: string[]; 'Fn::Join'?: [string, unknown[]] };
  if (v.Ref) return `<${v.Ref}>`;
  if (v['Fn::GetAtt']) return `<${v['Fn::GetAtt'].join('.')}>`;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(render).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
}

/** A rule in each of the three compliance packs that name their rules `<pack>-<Rule>`. */
function inPacks(rules: string[]): string[] {
  return rules.flatMap((rule) => ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => `${pack}-${rule}`));
}

/** A finding on the user's own resource, acknowledged in each pack that reports it. */
function userAcknowledges(construct: IConstruct, rules: string[], reason: string): void {
  for (const id of rules) Validations.of(construct).acknowledge({ id, reason });
}
