import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, StackProps, aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2, aws_logs as logs, aws_s3 as s3 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudFrontLogFormat, LogArchiveBucket, LogArchiveBucketProps, LogArchiveEncryption } from '../src';

/** Build into a stack of a fresh app, synthesize it to a temporary folder, and return the template's path. */
export function synthesizedTemplate(build: (stack: Stack) => void): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'template-'));
  const app = new App({ outdir });
  build(new Stack(app, 'Test'));
  return path.join(outdir, app.synth().getStackByName('Test').templateFile);
}

/** A fresh stack; env-agnostic unless a region is given. */
export function newStack(props: StackProps = {}): Stack {
  return new Stack(new App(), 'Test', props);
}

/** A small VPC without NAT, enough for an ALB and flow logs. */
export function smallVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
  });
}

/** Every SSE-S3 source wired into one archive: ALB, CloudFront (legacy logging), VPC flow logs, S3 access logs, CloudWatch Logs. */
export function everythingOn(stack: Stack, props: LogArchiveBucketProps = {}) {
  const archive = new LogArchiveBucket(stack, 'Archive', props);
  const vpc = smallVpc(stack);
  archive.addVpcFlowLogs(vpc);
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  archive.addApplicationLoadBalancer(alb);
  const site = new s3.Bucket(stack, 'Site', { enforceSSL: true });
  archive.addServerAccessLogsSource(site);
  const distribution = new cloudfront.Distribution(stack, 'Web', {
    defaultBehavior: { origin: origins.S3BucketOrigin.withOriginAccessControl(site) },
  });
  archive.addCloudFrontDistribution(distribution, { format: CloudFrontLogFormat.LEGACY });
  const appLogs = new logs.LogGroup(stack, 'AppLogs', { retention: logs.RetentionDays.ONE_YEAR });
  archive.addLogGroup(appLogs);
  return { archive, vpc, alb, site, distribution, appLogs };
}

/** The KMS flavour with object lock: sources that accept SSE-KMS only. */
export function kmsWithObjectLock(stack: Stack) {
  const archive = new LogArchiveBucket(stack, 'Archive', {
    encryption: LogArchiveEncryption.KMS,
    objectLockRetention: s3.ObjectLockRetention.governance(Duration.days(365)),
  });
  const vpc = smallVpc(stack);
  archive.addVpcFlowLogs(vpc);
  const appLogs = new logs.LogGroup(stack, 'AppLogs', { retention: logs.RetentionDays.ONE_YEAR });
  archive.addLogGroup(appLogs);
  return { archive, vpc, appLogs };
}

/** A VPC with public, private-with-egress (one NAT) and isolated subnets. */
export function appVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'AppVpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
      { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ],
  });
}

/** The archive bucket (logical id `ArchiveBucket...`) of a template and its properties. */
export function archiveBucket(template: Template): { id: string; props: any } {
  const buckets = template.findResources('AWS::S3::Bucket');
  const id = Object.keys(buckets).find((k) => k.startsWith('ArchiveBucket'))!;
  return { id, props: buckets[id].Properties };
}

/** The statements of the bucket policy of a bucket, by the bucket's logical id. */
export function bucketPolicyStatements(template: Template, bucketLogicalId: string): any[] {
  const policies = template.findResources('AWS::S3::BucketPolicy');
  const policy = Object.values(policies).find((p: any) => p.Properties.Bucket.Ref === bucketLogicalId) as any;
  return policy.Properties.PolicyDocument.Statement;
}
