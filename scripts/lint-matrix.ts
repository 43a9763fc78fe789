// The configurations cfn-lint checks beyond the examples (issue #15): both profiles, Aurora
// (PostgreSQL and MySQL) and DynamoDB, every NAT mode, with and without a custom domain, nested
// service placement, the two standalone constructs, in us-east-1 and ap-northeast-2. Each case is
// its own cloud assembly under cdk.out/matrix/<case>; scripts/cfn-lint.sh lints them for their
// stacks' regions, and scripts/consumer-view.ts scans them (the resources a case adds as its
// user's own, a VPC or a log group, are marked so). Run: npx ts-node --project tsconfig.dev.json scripts/lint-matrix.ts
import * as fs from 'fs';
import * as path from 'path';
import {
  App, Duration, Stack, aws_certificatemanager as acm, aws_ec2 as ec2, aws_ecs as ecs, aws_logs as logs,
  aws_route53 as route53, aws_s3 as s3,
} from 'aws-cdk-lib';
import {
  CacheAuthentication, CacheDeployment, CostProfile, DataStore, GrafanaAuthentication, LogArchiveBucket, LogArchiveEncryption, MonitoredEcsService,
  NatMode, ServiceDeployment, ServiceLoadBalancer, ServicePlacement, ThreeTierApp, ThreeTierAppProps, ThreeTierEdgeStack,
} from '../src';
import { markUsersOwn } from './consumer-view';
import { fullScaleSystem } from '../bench/systems';

const ACCOUNT = '123456789012';
// Region only: with an account, CDK would look up availability zones (dummy ones offline).
const VIRGINIA = { region: 'us-east-1' };
const SEOUL = { region: 'ap-northeast-2' };
const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27');
// Services run as a non-root user, as a real image should (the image is a placeholder).
const services = [
  { id: 'Items', image, user: '101:101', containerPort: 8080, pathPatterns: ['/api/items', '/api/items/*'], healthCheck: { path: '/healthz' } },
  { id: 'Orders', image, user: '101:101', containerPort: 8080, pathPatterns: ['/api/orders/*'], prometheus: {} },
];

function zone(stack: Stack): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
}

/** A system in Seoul with its edge stack in us-east-1 (certificate too, with a domain). */
function seoul(app: App, props: ThreeTierAppProps, domainName?: string): void {
  const stack = new Stack(app, 'System', { env: SEOUL, crossRegionReferences: true });
  const hostedZone = zone(stack); // imported: no resource, no cross-stack reference
  const edge = new ThreeTierEdgeStack(app, 'Edge', { env: VIRGINIA, domain: domainName ? { domainName, hostedZone } : undefined });
  new ThreeTierApp(stack, 'App', { edge, services, ...props });
}

/** A system in one us-east-1 stack. */
function virginia(app: App, props: ThreeTierAppProps): Stack {
  const stack = new Stack(app, 'System', { env: VIRGINIA });
  new ThreeTierApp(stack, 'App', { services, ...props });
  return stack;
}

/**
 * The scale test's system (test/scale.test.ts): 95 services in nested stacks, linted by cfn-lint
 * (cdk.out/scale/<case>). The consumer view leaves it out: re-reading its 96 templates takes about
 * 3 minutes, and the smaller nested cases above hold the same constructs.
 */
export const SCALE: Record<string, (app: App) => void> = {
  'production-aurora-95-services-nested-no-nat-virginia': (app) => { fullScaleSystem(app, 95); },
};

export const MATRIX: Record<string, (app: App) => void> = {
  'development-aurora-postgres-single-nat-seoul': (app) => seoul(app, {
    profile: CostProfile.development(), database: DataStore.auroraPostgres(), natMode: NatMode.singleGateway(),
  }),
  'production-aurora-mysql-nat-per-az-virginia': (app) => virginia(app, {
    profile: CostProfile.production(), database: DataStore.auroraMysql(), natMode: NatMode.gatewayPerAz(),
  }),
  'development-dynamodb-nat-instance-domain-seoul': (app) => seoul(app, {
    profile: CostProfile.development(), database: DataStore.dynamoDb(), natMode: NatMode.instance(), auth: {},
  }, 'shop.example.com'),
  'production-dynamodb-no-nat-nested-domain-virginia': (app) => {
    const stack = new Stack(app, 'System', { env: VIRGINIA });
    new ThreeTierApp(stack, 'App', {
      services,
      profile: CostProfile.production(),
      database: DataStore.dynamoDb(),
      natMode: NatMode.none(),
      servicePlacement: ServicePlacement.NESTED_STACKS,
      domain: { domainName: 'shop.example.com', hostedZone: zone(stack) },
    });
  },
  // Nested services, one of them blue/green (its hook lives in the listener's stack).
  'production-aurora-postgres-nested-seoul': (app) => seoul(app, {
    profile: CostProfile.production(),
    servicePlacement: ServicePlacement.NESTED_STACKS,
    services: services.map((s, i) => ({ ...s, deployment: i === 0 ? ServiceDeployment.blueGreen({ smokeTests: [{ path: '/api/items' }] }) : undefined })),
  }),
  // Issue #19: a node-based cache with a password, signed-in writes, developer access, an image repository, Grafana with SAML.
  'production-aurora-cache-nodes-password-developer-access-virginia': (app) => virginia(app, {
    profile: CostProfile.production(),
    cache: { deployment: CacheDeployment.nodes({ replicas: 1 }), authentication: CacheAuthentication.PASSWORD },
    auth: {},
    developerAccess: {},
    grafana: { authentication: GrafanaAuthentication.saml({ idpMetadataUrl: 'https://idp.example.com/metadata', adminRoleValues: ['grafana-admins'] }) },
    services: services.map((s, i) => ({ ...s, cache: true, auth: i === 0, imageRepository: i === 0 ? {} : undefined })),
  }),
  // Without NAT: a serverless cache reached from nested services, developer access over Session Manager endpoints.
  'development-dynamodb-no-nat-serverless-cache-developer-access-nested-seoul': (app) => seoul(app, {
    profile: CostProfile.development(),
    database: DataStore.dynamoDb(),
    natMode: NatMode.none(),
    servicePlacement: ServicePlacement.NESTED_STACKS,
    cache: {},
    developerAccess: {},
    services: services.map((s) => ({ ...s, cache: true })),
  }),
  'standalone-monitored-service-virginia': (app) => {
    const stack = new Stack(app, 'Service', { env: VIRGINIA });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    markUsersOwn(vpc);
    const archive = new LogArchiveBucket(stack, 'Logs');
    archive.addVpcFlowLogs(vpc);
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate',
      `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555`);
    const api = new MonitoredEcsService(stack, 'Api', {
      vpc,
      image,
      user: '101:101',
      containerPort: 8080,
      prometheus: {},
      loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, logArchive: archive }),
    });
    new MonitoredEcsService(stack, 'Worker', {
      cluster: api.cluster,
      image,
      user: '101:101',
      containerPort: 8080,
      loadBalancer: ServiceLoadBalancer.sharedListener(api.listener, { priority: 20, pathPatterns: ['/worker/*'] }),
    });
  },
  'standalone-log-archive-kms-object-lock-seoul': (app) => {
    const stack = new Stack(app, 'Archive', { env: SEOUL });
    const archive = new LogArchiveBucket(stack, 'Logs', {
      encryption: LogArchiveEncryption.KMS,
      objectLockRetention: s3.ObjectLockRetention.governance(Duration.days(365)),
    });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const appLogs = new logs.LogGroup(stack, 'AppLogs', { retention: logs.RetentionDays.ONE_YEAR });
    markUsersOwn(vpc, appLogs); // before the archive adds its flow log and subscription to them
    archive.addVpcFlowLogs(vpc);
    archive.addLogGroup(appLogs);
  },
  // The archive's three production layouts (issue #18).
  'archive-logging-stack-two-systems-virginia': (app) => {
    const logging = new Stack(app, 'Logging', { env: VIRGINIA });
    const archive = new LogArchiveBucket(logging, 'Archive');
    const shop = new Stack(app, 'Shop', { env: VIRGINIA });
    new ThreeTierApp(shop, 'Shop', { services, profile: CostProfile.development(), logArchive: archive.addSystem('shop') });
    const blog = new Stack(app, 'Blog', { env: VIRGINIA });
    new ThreeTierApp(blog, 'Blog', { services, profile: CostProfile.development(), database: DataStore.dynamoDb(), logArchive: archive.addSystem('blog') });
  },
  'archive-logging-account-owner-virginia': (app) => {
    const stack = new Stack(app, 'Logging', { env: { account: '111111111111', region: 'us-east-1' } });
    new LogArchiveBucket(stack, 'Central', { bucketName: 'central-logs-111111111111' }).addSystem('shop', { account: '222222222222' });
  },
  'archive-logging-account-workload-virginia': (app) => {
    // Region only, like the other cases (an account would hard-code availability zones); the archive's account still differs.
    const stack = new Stack(app, 'Workload', { env: VIRGINIA });
    const accessLogs = new s3.Bucket(stack, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true, versioned: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    });
    markUsersOwn(accessLogs);
    const logArchive = LogArchiveBucket.fromArchiveAttributes(stack, 'CentralLogs', {
      bucketName: 'central-logs-111111111111', account: '111111111111', logPrefix: 'shop/', localLogsBucket: accessLogs,
    });
    new ThreeTierApp(stack, 'Shop', { services, profile: CostProfile.development(), logArchive });
  },
  'standalone-log-archive-env-agnostic': (app) => {
    const stack = new Stack(app, 'Archive');
    const archive = new LogArchiveBucket(stack, 'Logs');
    const appLogs = new logs.LogGroup(stack, 'AppLogs', { retention: logs.RetentionDays.ONE_YEAR });
    markUsersOwn(appLogs);
    archive.addLogGroup(appLogs);
  },
};

if (require.main === module) {
  for (const [dir, cases] of [['matrix', MATRIX], ['scale', SCALE]] as const) {
    const root = path.join(__dirname, '..', 'cdk.out', dir);
    fs.rmSync(root, { recursive: true, force: true });
    for (const [name, build] of Object.entries(cases)) {
      const app = new App({ outdir: path.join(root, name) });
      build(app);
      const assembly = app.synth();
      console.log(`${dir}: ${name}: ${assembly.stacksRecursively.length} stack(s)`);
    }
  }
}
