// Prices the always-on parts of synthesized CloudFormation templates from a price table
// (bench/prices.json): what a system costs a month with no traffic. Traffic-driven charges
// (requests, LCUs, data processed, log ingestion, storage) are left out and said so.
import * as fs from 'fs';
import * as path from 'path';

export interface FargateRate { readonly vcpuHour: number; readonly gbHour: number }
export interface PriceTable {
  readonly region: string;
  readonly date: string;
  readonly source: string;
  readonly hoursPerMonth: number;
  readonly natGatewayHour: number;
  readonly publicIpv4Hour: number;
  readonly ec2InstanceHour: Record<string, number>;
  readonly ebsGp3GbMonth: number;
  readonly defaultRootVolumeGb: number;
  readonly loadBalancerHour: Record<string, number>;
  readonly interfaceEndpointHourPerAz: number;
  readonly fargate: Record<string, FargateRate>;
  readonly auroraServerlessV2AcuHour: number;
  readonly wafWebAclMonth: number;
  readonly wafRuleMonth: number;
  readonly secretMonth: number;
  readonly kmsKeyMonth: number;
  readonly alarmMetricMonth: number;
  readonly dashboardMonth: number;
  readonly hostedZoneMonth: number;
  /** ECR storage per GB-month (basic scanning is free). */
  readonly ecrStorageGbMonth: number;
  /** An image's size for the ECR upper bound: images share layers, so the real figure is lower. */
  readonly ecrImageGbUpperBound: number;
  /** ElastiCache Serverless for Valkey, per GB-hour of data held. */
  readonly valkeyServerlessGbHour: number;
  /** The least data a serverless Valkey cache is billed for. */
  readonly valkeyServerlessMinimumGb: number;
  /** Amazon Managed Grafana, per active Editor or Admin a month. */
  readonly grafanaEditorMonth: number;
  /** Amazon Managed Grafana, per active Viewer a month. */
  readonly grafanaViewerMonth: number;
  /** ElastiCache for Valkey nodes, per node-hour. */
  readonly valkeyNodeHour: Record<string, number>;
}

export function loadPrices(file = path.join(__dirname, 'prices.json')): PriceTable {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** One priced line: a category, what it is, and its monthly cost in USD. */
export interface CostLine { readonly category: string; readonly item: string; readonly monthly: number }

type Resources = Record<string, { Type: string; Properties?: any }>;

/** The logical id a `Ref` or `Fn::GetAtt` points at, if the value is one. */
function refId(value: any): string | undefined {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') return value.Ref;
    if (Array.isArray(value['Fn::GetAtt'])) return value['Fn::GetAtt'][0];
  }
  return undefined;
}

/** Whether `value` mentions the logical id anywhere (Ref, GetAtt, Join, ...). */
function mentions(value: any, id: string): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return false;
  if (Array.isArray(value)) return value.some((v) => mentions(v, id));
  if (typeof value === 'object') {
    if (refId(value) === id) return true;
    return Object.values(value).some((v) => mentions(v, id));
  }
  return false;
}

/** Alarms that target tracking creates for each scaling policy (high and low), billed like any alarm. */
export const TARGET_TRACKING_ALARMS = 2;

/** Price the always-on parts of a set of templates (one system may span several stacks). */
export function priceTemplates(templates: Array<{ Resources?: Resources }>, prices: PriceTable): CostLine[] {
  const lines: CostLine[] = [];
  const h = prices.hoursPerMonth;
  const add = (category: string, item: string, monthly: number) => lines.push({ category, item, monthly });
  for (const template of templates) {
    const res: Resources = template.Resources ?? {};
    const byType = (type: string) => Object.entries(res).filter(([, r]) => r.Type === type);

    // Network
    for (const [id] of byType('AWS::EC2::NatGateway')) add('NAT', `${id}: NAT gateway + its public IPv4`, (prices.natGatewayHour + prices.publicIpv4Hour) * h);
    for (const [id, r] of byType('AWS::EC2::Instance')) {
      const type = r.Properties?.InstanceType;
      const rate = prices.ec2InstanceHour[type];
      if (rate === undefined) throw new Error(`pricing: no price for instance type ${type} (${id}); add it to prices.json`);
      const root = (r.Properties?.BlockDeviceMappings ?? []).find((m: any) => m.Ebs)?.Ebs?.VolumeSize ?? prices.defaultRootVolumeGb;
      const subnet = res[refId(r.Properties?.SubnetId) ?? ''];
      const publicIp = subnet?.Properties?.MapPublicIpOnLaunch === true
        || (r.Properties?.NetworkInterfaces ?? []).some((n: any) => n.AssociatePublicIpAddress === true);
      // A NAT instance forwards others' traffic (source/destination check off); any other is a host of ours.
      const category = r.Properties?.SourceDestCheck === false ? 'NAT' : 'Instances';
      add(category, `${id}: ${type} instance, ${root} GB gp3${publicIp ? ', public IPv4' : ''}`,
        rate * h + root * prices.ebsGp3GbMonth + (publicIp ? prices.publicIpv4Hour * h : 0));
    }
    for (const [id, r] of byType('AWS::EC2::VPCEndpoint')) {
      if (r.Properties?.VpcEndpointType !== 'Interface') continue; // gateway endpoints are free
      const azs = (r.Properties?.SubnetIds ?? []).length;
      add('Interface endpoints', `${id}: ${azs} AZ(s)`, prices.interfaceEndpointHourPerAz * azs * h);
    }

    // Load balancers: an internet-facing one also pays for a public IPv4 per AZ.
    for (const [id, r] of byType('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
      const kind = r.Properties?.Type ?? 'application';
      const internetFacing = (r.Properties?.Scheme ?? 'internet-facing') === 'internet-facing';
      const azs = (r.Properties?.Subnets ?? r.Properties?.SubnetMappings ?? []).length;
      add('Load balancers', `${id}: ${kind}, ${internetFacing ? `internet-facing, ${azs} public IPv4` : 'internal'}`,
        prices.loadBalancerHour[kind] * h + (internetFacing ? azs * prices.publicIpv4Hour * h : 0));
    }

    // Fargate tasks at their minimum count (the scalable target's, else the desired count, else 1).
    for (const [id, r] of byType('AWS::ECS::Service')) {
      const taskDef = res[refId(r.Properties?.TaskDefinition) ?? ''];
      if (!taskDef) continue;
      const target = Object.values(res).find((t) => t.Type === 'AWS::ApplicationAutoScaling::ScalableTarget' && mentions(t.Properties?.ResourceId, id));
      const tasks = Number(target?.Properties?.MinCapacity ?? r.Properties?.DesiredCount ?? 1);
      const vcpu = Number(taskDef.Properties.Cpu) / 1024;
      const gb = Number(taskDef.Properties.Memory) / 1024;
      const arch = taskDef.Properties.RuntimePlatform?.CpuArchitecture ?? 'X86_64';
      const rate = prices.fargate[arch];
      // Tasks under the strategy's on-demand base are on-demand; Spot tasks beyond it are priced on-demand too (an upper bound).
      add('Fargate tasks at minimum', `${id}: ${tasks} × ${vcpu} vCPU / ${gb} GB ${arch}`, tasks * (vcpu * rate.vcpuHour + gb * rate.gbHour) * h);
    }

    // Aurora Serverless v2: each instance at the cluster's minimum ACUs (0 pauses).
    for (const [id, r] of byType('AWS::RDS::DBCluster')) {
      const min = Number(r.Properties?.ServerlessV2ScalingConfiguration?.MinCapacity ?? NaN);
      if (Number.isNaN(min)) continue;
      const instances = Object.values(res).filter((i) => i.Type === 'AWS::RDS::DBInstance' && refId(i.Properties?.DBClusterIdentifier) === id).length;
      add('Aurora at minimum', `${id}: ${instances} instance(s) at ${min} ACU${min === 0 ? ' (paused when idle)' : ''}`,
        instances * min * prices.auroraServerlessV2AcuHour * h);
      if (r.Properties?.ManageMasterUserPassword) add('Secrets', `${id}: RDS-managed master secret`, prices.secretMonth);
    }

    for (const [id, r] of byType('AWS::WAFv2::WebACL')) {
      const rules = (r.Properties?.Rules ?? []).length;
      add('WAF', `${id}: web ACL + ${rules} rules`, prices.wafWebAclMonth + rules * prices.wafRuleMonth);
    }
    for (const [id] of byType('AWS::SecretsManager::Secret')) add('Secrets', id, prices.secretMonth);
    for (const [id] of byType('AWS::KMS::Key')) add('KMS keys', id, prices.kmsKeyMonth);
    const alarms = byType('AWS::CloudWatch::Alarm');
    const alarmMetrics = alarms.reduce((n, [, r]) =>
      n + Math.max(1, (r.Properties?.Metrics ?? []).filter((m: any) => m.MetricStat).length), 0);
    if (alarms.length) add('Alarms', `${alarms.length} alarms, ${alarmMetrics} metrics`, alarmMetrics * prices.alarmMetricMonth);
    const tracking = byType('AWS::ApplicationAutoScaling::ScalingPolicy').filter(([, r]) => r.Properties?.PolicyType === 'TargetTrackingScaling');
    if (tracking.length) {
      add('Alarms', `${tracking.length} target-tracking policies × ${TARGET_TRACKING_ALARMS} alarms`,
        tracking.length * TARGET_TRACKING_ALARMS * prices.alarmMetricMonth);
    }
    for (const [id] of byType('AWS::CloudWatch::Dashboard')) add('Dashboards', id, prices.dashboardMonth);
    for (const [id] of byType('AWS::Route53::HostedZone')) add('Route 53', id, prices.hostedZoneMonth);
    // Valkey: a serverless cache at its billing minimum (ECPUs are traffic); nodes by the hour.
    for (const [id] of byType('AWS::ElastiCache::ServerlessCache')) {
      add('Cache', `${id}: serverless Valkey at its ${prices.valkeyServerlessMinimumGb} GB minimum`, prices.valkeyServerlessMinimumGb * prices.valkeyServerlessGbHour * h);
    }
    for (const [id, r] of byType('AWS::ElastiCache::ReplicationGroup')) {
      const type = r.Properties?.CacheNodeType;
      const rate = prices.valkeyNodeHour[type];
      if (rate === undefined) throw new Error(`pricing: no price for node type ${type} (${id}); add it to prices.json`);
      const nodes = Number(r.Properties?.NumNodeGroups ?? 1) * (1 + Number(r.Properties?.ReplicasPerNodeGroup ?? 0));
      add('Cache', `${id}: ${nodes} × ${type}`, nodes * rate * h);
    }
    // Grafana bills active users; priced at one Editor, the least a workspace in use has.
    for (const [id] of byType('AWS::Grafana::Workspace')) add('Grafana', `${id}: one active editor`, prices.grafanaEditorMonth);
    // A repository holds at most its lifecycle's image count once CI pushes: priced at that bound.
    for (const [id, r] of byType('AWS::ECR::Repository')) {
      const text = r.Properties?.LifecyclePolicy?.LifecyclePolicyText;
      const kept = typeof text === 'string'
        ? Math.max(0, ...JSON.parse(text).rules.map((rule: any) => rule.selection?.countType === 'imageCountMoreThan' ? rule.selection.countNumber : 0))
        : 0;
      if (!kept) throw new Error(`pricing: ${id} has no image-count lifecycle rule, so its storage has no bound`);
      add('Image storage', `${id}: at most ${kept} images of ${prices.ecrImageGbUpperBound} GB (an upper bound: images share layers)`,
        kept * prices.ecrImageGbUpperBound * prices.ecrStorageGbMonth);
    }
  }
  return lines;
}

/** Monthly total of priced lines. */
export function total(lines: CostLine[]): number {
  return lines.reduce((n, l) => n + l.monthly, 0);
}

/** Lines summed by category, in first-seen order. */
export function byCategory(lines: CostLine[]): Array<[string, number]> {
  const sums = new Map<string, number>();
  for (const l of lines) sums.set(l.category, (sums.get(l.category) ?? 0) + l.monthly);
  return [...sums];
}
