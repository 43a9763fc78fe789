import { App, Stack, aws_ec2 as ec2, aws_ecr as ecr, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2, aws_rds as rds } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SYSTEMS, optInSystem, priceSystem } from '../bench/cost';
import { CostLine, TARGET_TRACKING_ALARMS, loadPrices, priceTemplates, total } from '../bench/pricing';
import { scaledSystem } from '../bench/systems';
import { CacheDeployment, ImageRepository, ServicePlacement, ValkeyCache } from '../src';

const prices = loadPrices();
const H = prices.hoursPerMonth;

function price(build: (stack: Stack) => void): CostLine[] {
  const stack = new Stack(new App(), 'Priced', { env: { account: '123456789012', region: 'us-east-1' } });
  build(stack);
  return priceTemplates([Template.fromStack(stack).toJSON()], prices);
}
const sum = (lines: CostLine[], category: string) => total(lines.filter((l) => l.category === category));

describe('idle cost pricing (bench/pricing.ts)', () => {
  test('the price table names its region, date and source', () => {
    expect(prices.region).toBe('us-east-1');
    expect(prices.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(prices.source.length).toBeGreaterThan(40);
  });

  test('an image repository is priced at its lifecycle\'s image count, and one without a bound is refused', () => {
    const lines = price((s) => new ImageRepository(s, 'Images', { keepImages: 12 }));
    expect(sum(lines, 'Image storage')).toBeCloseTo(12 * prices.ecrImageGbUpperBound * prices.ecrStorageGbMonth);
    expect(() => price((s) => new ecr.Repository(s, 'Unbounded'))).toThrow(/Unbounded.* has no image-count lifecycle rule/);
  });

  test('a serverless Valkey cache is priced at its billing minimum, nodes by the hour each', () => {
    const vpcOf = (s: Stack) => new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const serverless = price((s) => new ValkeyCache(s, 'Cache', { vpc: vpcOf(s) }));
    expect(sum(serverless, 'Cache')).toBeCloseTo(prices.valkeyServerlessMinimumGb * prices.valkeyServerlessGbHour * H);
    const nodes = price((s) => new ValkeyCache(s, 'Cache', { vpc: vpcOf(s), deployment: CacheDeployment.nodes({ replicas: 2 }) }));
    expect(sum(nodes, 'Cache')).toBeCloseTo(3 * prices.valkeyNodeHour['cache.t4g.micro'] * H);
    // The disabled default user's password is a secret like any other.
    expect(sum(nodes, 'Secrets')).toBeCloseTo(prices.secretMonth);
  });

  test('the serverless cache opt-in adds its billing minimum, the default user\'s secret and three alarms, in each profile', () => {
    for (const profile of ['development', 'production'] as const) {
      const base = priceSystem(optInSystem(profile, {}, {}));
      const withCache = priceSystem(optInSystem(profile, { cache: {} }, { cache: true }));
      expect(sum(withCache, 'Cache')).toBeCloseTo(prices.valkeyServerlessMinimumGb * prices.valkeyServerlessGbHour * H);
      expect(sum(withCache, 'Secrets') - sum(base, 'Secrets')).toBeCloseTo(prices.secretMonth);
      expect(sum(withCache, 'Alarms') - sum(base, 'Alarms')).toBeCloseTo(3 * prices.alarmMetricMonth);
      const cache = prices.valkeyServerlessMinimumGb * prices.valkeyServerlessGbHour * H;
      expect(total(withCache) - total(base)).toBeCloseTo(cache + prices.secretMonth + 3 * prices.alarmMetricMonth);
    }
  });

  test('a NAT gateway costs its hours plus its public IPv4', () => {
    const lines = price((s) => new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 2 }));
    expect(sum(lines, 'NAT')).toBeCloseTo(2 * (prices.natGatewayHour + prices.publicIpv4Hour) * H);
  });

  test('an internal load balancer pays no public IPv4; an internet-facing one pays one per AZ', () => {
    const internal = price((s) => new elbv2.ApplicationLoadBalancer(s, 'Lb', { vpc: new ec2.Vpc(s, 'Vpc', { maxAzs: 2 }) }));
    const facing = price((s) => new elbv2.ApplicationLoadBalancer(s, 'Lb', { vpc: new ec2.Vpc(s, 'Vpc', { maxAzs: 2 }), internetFacing: true }));
    expect(sum(internal, 'Load balancers')).toBeCloseTo(prices.loadBalancerHour.application * H);
    expect(sum(facing, 'Load balancers')).toBeCloseTo((prices.loadBalancerHour.application + 2 * prices.publicIpv4Hour) * H);
  });

  test('Fargate tasks are priced at the scalable target\'s minimum, at their architecture\'s rate', () => {
    const lines = price((s) => {
      const cluster = new ecs.Cluster(s, 'Cluster', { vpc: new ec2.Vpc(s, 'Vpc', { maxAzs: 2 }) });
      const taskDefinition = new ecs.FargateTaskDefinition(s, 'Task', {
        cpu: 256, memoryLimitMiB: 512, runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64 },
      });
      taskDefinition.addContainer('app', { image: ecs.ContainerImage.fromRegistry('nginx') });
      const service = new ecs.FargateService(s, 'Service', { cluster, taskDefinition });
      service.autoScaleTaskCount({ minCapacity: 3, maxCapacity: 9 }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    });
    const arm = prices.fargate.ARM64;
    expect(sum(lines, 'Fargate tasks at minimum')).toBeCloseTo(3 * (0.25 * arm.vcpuHour + 0.5 * arm.gbHour) * H);
    // Target tracking creates a high and a low alarm, billed like any other.
    expect(sum(lines, 'Alarms')).toBeCloseTo(TARGET_TRACKING_ALARMS * prices.alarmMetricMonth);
  });

  test('Aurora Serverless v2 costs nothing at 0 ACUs (paused) and minimum ACUs times instances otherwise', () => {
    const aurora = (min: number) => price((s) => new rds.DatabaseCluster(s, 'Db', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_8 }),
      vpc: new ec2.Vpc(s, 'Vpc', { maxAzs: 2 }),
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      readers: [rds.ClusterInstance.serverlessV2('Reader', { scaleWithWriter: true })],
      serverlessV2MinCapacity: min,
      serverlessV2MaxCapacity: 4,
    }));
    expect(sum(aurora(0), 'Aurora at minimum')).toBe(0);
    expect(sum(aurora(0.5), 'Aurora at minimum')).toBeCloseTo(2 * 0.5 * prices.auroraServerlessV2AcuHour * H);
  });

  test('an instance type missing from the table is an error, not a free instance', () => {
    expect(() => price((s) => new ec2.Instance(s, 'Box', {
      vpc: new ec2.Vpc(s, 'Vpc', { maxAzs: 1, natGateways: 0 }),
      instanceType: new ec2.InstanceType('m7g.large'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    }))).toThrow(/no price for instance type m7g.large/);
  });
});

describe('idle cost of the main example (issue goal: development <= 30% of the hand-built ecs-patterns system)', () => {
  const [dev, prod, hand] = SYSTEMS.map(([, build]) => total(priceSystem(build)));

  test('development costs at most 30% of the hand-built equivalent', () => {
    expect(dev / hand).toBeLessThanOrEqual(0.3);
  });

  test('development is the cheaper profile; production pays for NAT gateways, a reader and 2 tasks', () => {
    expect(dev).toBeLessThan(prod);
    expect(prod - dev).toBeGreaterThan(100);
  });

  test('nested stacks are priced too', () => {
    const flat = total(priceSystem((app) => scaledSystem(app, 3)));
    const nested = total(priceSystem((app) => scaledSystem(app, 3, ServicePlacement.NESTED_STACKS)));
    expect(nested).toBeCloseTo(flat);
  });

  test('one dashboard for the whole system, whatever its services', () => {
    const lines = priceSystem(SYSTEMS[0][1]);
    expect(sum(lines, 'Dashboards')).toBe(prices.dashboardMonth);
  });
});
