// A reader's summary of a synthesized system: what each stack holds, read back from its template.
import { Stack } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';

type Resources = Record<string, { Type: string; Properties?: any }>;

const str = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** Where a container image comes from: an asset CDK builds, an ECR repository, or a registry. */
function imageKind(image: unknown): string {
  const text = str(image);
  if (text.includes('container-assets')) return 'asset';
  if (text.includes('.dkr.ecr.')) return 'from ECR';
  return text.slice(0, 60);
}

/** One line per tier, from the resources' properties (no AWS call). */
export function describeStack(template: { Resources?: Resources; Outputs?: Record<string, unknown> }): string[] {
  const resources = Object.entries(template.Resources ?? {});
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const lines: string[] = [];
  const subnets = ofType('AWS::EC2::Subnet').length;
  if (subnets) {
    const nat = ofType('AWS::EC2::NatGateway').length ? `${ofType('AWS::EC2::NatGateway').length} NAT gateway(s)`
      : ofType('AWS::EC2::Instance').length ? `${ofType('AWS::EC2::Instance').length} NAT instance(s)` : 'no NAT (VPC endpoints)';
    lines.push(`network  ${subnets} subnets, ${nat}, ${ofType('AWS::EC2::VPCEndpoint').length} VPC endpoints, flow logs ${ofType('AWS::EC2::FlowLog').length ? 'on' : 'off'}`);
  }
  for (const [, d] of ofType('AWS::CloudFront::Distribution')) {
    const config = d.Properties.DistributionConfig;
    const paths = (config.CacheBehaviors ?? []).map((b: any) => b.PathPattern);
    lines.push(`web      CloudFront: site from S3${paths.length ? `, ${paths.join(' ')} to the load balancer` : ''}, WAF ${config.WebACLId ? 'on' : 'off'}`);
  }
  for (const [id, t] of ofType('AWS::ECS::TaskDefinition')) {
    const app = t.Properties.ContainerDefinitions[0];
    const name = id.replace(/TaskDefinition[0-9A-F]{8}$/, '');
    const arch = t.Properties.RuntimePlatform?.CpuArchitecture ?? 'X86_64';
    const sidecars = t.Properties.ContainerDefinitions.slice(1).map((c: any) => c.Name);
    lines.push(`app      ${name}: ${Number(t.Properties.Cpu) / 1024} vCPU / ${t.Properties.Memory} MiB ${arch}, port ${app.PortMappings?.[0]?.ContainerPort}`
      + `${sidecars.length ? `, sidecars: ${sidecars.join(', ')}` : ''}, image ${imageKind(app.Image)}`);
  }
  for (const [, c] of ofType('AWS::RDS::DBCluster')) {
    const scaling = c.Properties.ServerlessV2ScalingConfiguration;
    lines.push(`data     ${c.Properties.Engine} ${c.Properties.EngineVersion}, Serverless v2 ${scaling?.MinCapacity}-${scaling?.MaxCapacity} ACU, `
      + `${ofType('AWS::RDS::DBInstance').length} instance(s), deletion protection ${c.Properties.DeletionProtection ? 'on' : 'off'}`);
  }
  for (const [, t] of ofType('AWS::DynamoDB::GlobalTable').concat(ofType('AWS::DynamoDB::Table'))) {
    lines.push(`data     DynamoDB ${t.Properties.BillingMode ?? 'PAY_PER_REQUEST'}, key ${t.Properties.KeySchema.map((k: any) => k.AttributeName).join('+')}`);
  }
  for (const [, acl] of ofType('AWS::WAFv2::WebACL')) {
    lines.push(`edge     WAF web ACL (${acl.Properties.Scope}), rules: ${acl.Properties.Rules.map((r: any) => r.Name).join(', ')}`);
  }
  const alarms = ofType('AWS::CloudWatch::Alarm').length;
  if (alarms) {
    lines.push(`observe  ${alarms} alarms, ${ofType('AWS::CloudWatch::Dashboard').length} dashboards, ${ofType('AWS::APS::Workspace').length} Prometheus workspace(s), `
      + `${ofType('AWS::SNS::Subscription').length} alarm subscription(s)`);
  }
  const tables = ofType('AWS::Glue::Table').map(([, t]) => t.Properties.TableInput.Name);
  if (tables.length) lines.push(`logs     Athena tables ${tables.join(', ')}; ${ofType('AWS::Athena::NamedQuery').length} saved queries`);
  const outputs = Object.keys(template.Outputs ?? {}).filter((o) => !o.startsWith('ExportsOutput')); // CDK's cross-stack exports
  if (outputs.length) lines.push(`outputs  ${outputs.join(', ')}`);
  return lines;
}

export function printSummary(name: string, assembly: CloudAssembly, stacks: Stack[]): void {
  console.log(`\n${name}: what it deploys (read from cdk.out/${name})`);
  for (const stack of stacks) {
    const artifact = assembly.getStackByName(stack.stackName);
    console.log(`  ${stack.stackName} (${stack.region}, ${Object.keys(artifact.template.Resources ?? {}).length} resources)`);
    for (const line of describeStack(artifact.template)) console.log(`    ${line}`);
  }
}
