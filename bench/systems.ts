// The systems the benchmarks compare: ours (the main example, examples/three-tier) and the same
// system hand-built from aws-ecs-patterns and plain L2 constructs, the way users build it today.
import * as fs from 'fs';
import * as path from 'path';
import {
  App, Duration, Stack, cx_api as cxapi,
  aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_ec2 as ec2, aws_ecs as ecs,
  aws_ecs_patterns as ecsPatterns, aws_rds as rds, aws_s3 as s3, aws_s3_deployment as s3deploy,
} from 'aws-cdk-lib';
import { itemsService } from '../examples/shared';
import { createApp as createThreeTierExample } from '../examples/three-tier/app';
import { CostProfile, NatMode, ServiceDeployment, ServicePlacement, TestTraffic, ThreeTierApp, ThreeTierServiceDefinition } from '../src';

/** The examples' items-service image (an ARM64 asset of examples/items-service). */
const itemsImage = () => itemsService('postgres').image!;
export const SITE = path.join(__dirname, '..', 'examples', 'three-tier', 'site');
const REGION = 'ap-northeast-2';

/** Ours: the main example (an edge stack in us-east-1 and the system in Seoul), in the given profile. */
export function ourSystem(app: App, profile: 'development' | 'production' = 'development'): Stack[] {
  app.node.setContext('profile', profile);
  createThreeTierExample(app);
  return app.node.children.filter(Stack.isStack);
}

/**
 * The hand-built equivalent: a VPC with a NAT gateway per AZ (the Vpc default), an internet-facing
 * `ApplicationLoadBalancedFargateService` with 2 tasks, Aurora PostgreSQL Serverless v2 at 0.5 ACU
 * with a generated secret, and CloudFront in front of a private S3 site (OAC) with `/api/*` to the
 * ALB. No WAF, alarms, dashboard, flow logs, access logs or log archive: what users skip by hand.
 */
export function handBuiltSystem(app: App): Stack[] {
  const stack = new Stack(app, 'HandBuilt', { env: { region: REGION } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const db = new rds.DatabaseCluster(stack, 'Db', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_8 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    serverlessV2MinCapacity: 0.5,
    serverlessV2MaxCapacity: 4,
    credentials: rds.Credentials.fromGeneratedSecret('items'),
    defaultDatabaseName: 'items',
    storageEncrypted: true,
  });
  const service = new ecsPatterns.ApplicationLoadBalancedFargateService(stack, 'Items', {
    vpc,
    cpu: 512,
    memoryLimitMiB: 1024,
    desiredCount: 2,
    runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    circuitBreaker: { rollback: true },
    taskImageOptions: {
      image: itemsImage(),
      containerPort: 8080,
      environment: { ITEMS_STORE: 'postgres', BASE_PATH: '/api', DB_HOST: db.clusterEndpoint.hostname, DB_NAME: 'items' },
      secrets: {
        DB_USER: ecs.Secret.fromSecretsManager(db.secret!, 'username'),
        DB_PASSWORD: ecs.Secret.fromSecretsManager(db.secret!, 'password'),
      },
    },
  });
  service.targetGroup.configureHealthCheck({ path: '/healthz', interval: Duration.seconds(15) });
  service.service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 10 }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
  db.connections.allowDefaultPortFrom(service.service);

  const site = new s3.Bucket(stack, 'Site', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true });
  const distribution = new cloudfront.Distribution(stack, 'Cdn', {
    defaultBehavior: { origin: origins.S3BucketOrigin.withOriginAccessControl(site) },
    defaultRootObject: 'index.html',
    additionalBehaviors: {
      '/api/*': {
        origin: new origins.LoadBalancerV2Origin(service.loadBalancer, { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY }),
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER,
      },
    },
  });
  new s3deploy.BucketDeployment(stack, 'DeploySite', {
    sources: [s3deploy.Source.asset(SITE)], destinationBucket: site, distribution,
  });
  return [stack];
}

/** A development-profile ThreeTierApp (us-east-1, no edge stack needed) with `count` copies of the items service. */
export function scaledSystem(app: App, count: number, servicePlacement = ServicePlacement.SAME_STACK): Stack[] {
  const edgeless = new Stack(app, `Scale${count}`, { env: { region: 'us-east-1' } });
  const services: ThreeTierServiceDefinition[] = Array.from({ length: count }, (_, i) => ({
    id: `Svc${i}`, ...itemsService('postgres', `/api/s${i}`), pathPatterns: [`/api/s${i}/*`],
  }));
  new ThreeTierApp(edgeless, 'System', { profile: CostProfile.development(), services, servicePlacement });
  return [edgeless];
}

/**
 * The scale test's system (issue #21): one production-profile ThreeTierApp in us-east-1 without NAT
 * (so the interface endpoints admit the services too), Aurora PostgreSQL, Service Connect, each
 * service in a nested stack, with `count` services routed on the one listener. Every fifth
 * service answers over Service Connect and every tenth scrapes Prometheus; the first three
 * deploy blue/green, canary and linear (two target groups each, as the quota allows).
 */
export function fullScaleSystem(app: App, count: number): Stack {
  const stack = new Stack(app, `Scale${count}`, { env: { region: 'us-east-1' } });
  const smokeTests = (i: number) => [{ path: `/api/s${i}/items` }];
  const strategies = [
    ServiceDeployment.blueGreen({ smokeTests: smokeTests(0) }),
    ServiceDeployment.canary({ smokeTests: smokeTests(1) }),
    ServiceDeployment.linear({ smokeTests: smokeTests(2), testTraffic: TestTraffic.port(9080) }),
  ];
  const services: ThreeTierServiceDefinition[] = Array.from({ length: count }, (_, i) => ({
    id: `Svc${i}`,
    ...itemsService('postgres', `/api/s${i}`),
    pathPatterns: [`/api/s${i}/*`],
    serviceConnectName: i % 5 === 0 ? `s${i}` : undefined,
    prometheus: i % 10 === 0 ? {} : undefined,
    deployment: strategies[i],
  }));
  new ThreeTierApp(stack, 'System', {
    profile: CostProfile.production(),
    natMode: NatMode.none(),
    serviceConnect: {},
    servicePlacement: ServicePlacement.NESTED_STACKS,
    services,
  });
  return stack;
}

/** The hand-built way with `count` services: one VPC and cluster, an ecs-patterns service (and ALB) each. */
export function handBuiltScaled(app: App, count: number): Stack[] {
  const stack = new Stack(app, `HandScale${count}`, { env: { region: REGION } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  for (let i = 0; i < count; i++) {
    new ecsPatterns.ApplicationLoadBalancedFargateService(stack, `Svc${i}`, {
      cluster,
      cpu: 512,
      memoryLimitMiB: 1024,
      desiredCount: 2,
      circuitBreaker: { rollback: true },
      taskImageOptions: { image: itemsImage(), containerPort: 8080 },
    }).service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 10 }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
  }
  return [stack];
}

/** The synthesized template of every stack in the app, nested stacks included (files beside their parent's). */
export function templatesOf(app: App, assembly: cxapi.CloudAssembly): Map<Stack, any> {
  return new Map(app.node.findAll().filter(Stack.isStack)
    .map((s) => [s, JSON.parse(fs.readFileSync(path.join(assembly.directory, s.templateFile), 'utf8'))]));
}
