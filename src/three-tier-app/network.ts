import { Annotations, Token, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { NAT_INSTANCE_TYPE } from './defaults';
import { ILogArchive } from '../log-archive-bucket';
import { MonitoredEcsService, PrometheusOptions } from '../monitored-ecs-service';
import { allowFromClient } from '../private/connections';
import { hardenInstance } from '../private/instances';
import { acknowledge, inCompliancePacks, suppressGuard } from '../private/nag';
import { acknowledgeProvider } from '../private/provider-functions';
import { checkId, invalid } from '../private/validate';

/** Options of a NAT instance. */
export interface NatInstanceOptions {
  /**
   * Instance type of the NAT instance.
   * @default ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO) - Graviton, about $3 a month
   */
  readonly instanceType?: ec2.InstanceType;
}

/** What a NAT mode does to a new VPC. */
interface NatBinding {
  /** NAT gateways (or instances) for a VPC over `maxAzs` zones. */
  readonly natGateways: number;
  readonly provider?: ec2.NatInstanceProviderV2;
  /** Whether the app subnets reach the internet. */
  readonly egress: boolean;
  /** Finish what the mode needs once the VPC exists. */
  afterVpc(vpc: ec2.Vpc): void;
}

/** How private subnets reach the internet. */
export abstract class NatMode {
  /**
   * No NAT: the app subnets are isolated and reach AWS services through VPC endpoints only
   * (interface endpoints for ECR, CloudWatch Logs, Secrets Manager and SSM; gateway endpoints for
   * S3 and DynamoDB). Images must come from ECR.
   */
  public static none(): NatMode {
    return new NoNat();
  }

  /** One NAT gateway shared by every AZ (an AZ outage cuts the others' egress). */
  public static singleGateway(): NatMode {
    return new NatGateways(false);
  }

  /** One NAT gateway per AZ: egress survives the loss of an AZ. */
  public static gatewayPerAz(): NatMode {
    return new NatGateways(true);
  }

  /**
   * One NAT instance (Amazon Linux 2023) shared by every AZ: a tenth of a NAT gateway's cost,
   * for development and low traffic. It is a single instance without automatic recovery.
   */
  public static instance(options: NatInstanceOptions = {}): NatMode {
    return new NatInstance(options.instanceType ?? NAT_INSTANCE_TYPE());
  }

  /** @internal How errors name it, e.g. `NatMode.none()`. */
  public abstract readonly _name: string;

  /** @internal */
  public abstract _bind(maxAzs: number): NatBinding;
}

class NoNat extends NatMode {
  public readonly _name = 'NatMode.none()';
  public _bind(): NatBinding {
    return { natGateways: 0, egress: false, afterVpc: () => {} };
  }
}

class NatGateways extends NatMode {
  constructor(private readonly perAz: boolean) { super(); }
  public get _name() { return this.perAz ? 'NatMode.gatewayPerAz()' : 'NatMode.singleGateway()'; }
  public _bind(maxAzs: number): NatBinding {
    return { natGateways: this.perAz ? maxAzs : 1, egress: true, afterVpc: () => {} };
  }
}

class NatInstance extends NatMode {
  public readonly _name = 'NatMode.instance()';
  constructor(private readonly instanceType: ec2.InstanceType) { super(); }
  public _bind(): NatBinding {
    const provider = ec2.NatProvider.instanceV2({
      instanceType: this.instanceType,
      defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
      associatePublicIpAddress: true,
      userData: natUserData(),
    });
    return {
      natGateways: 1,
      provider,
      egress: true,
      afterVpc: (vpc) => {
        // The NAT instance forwards whatever the VPC sends it; nothing from outside may start a connection.
        provider.connections.allowFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.allTraffic(), 'From the VPC');
        hardenNatInstances(provider);
      },
    };
  }
}

/** Properties of a `Network`. */
export interface NetworkProps {
  /**
   * Use this VPC instead of creating one. Its private subnets with egress (or else its isolated
   * subnets) host the services; its isolated subnets host the database.
   * @default - a new VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Number of Availability Zones of a new VPC, 2 or 3.
   * @default 2
   */
  readonly maxAzs?: number;
  /**
   * How the app subnets of a new VPC reach the internet.
   * @default NatMode.singleGateway()
   */
  readonly natMode?: NatMode;
  /**
   * Address range of a new VPC.
   * @default ec2.IpAddresses.cidr('10.0.0.0/16')
   */
  readonly ipAddresses?: ec2.IIpAddresses;
  /**
   * Interface endpoints to create. With `NatMode.none()` the ones the services need are always
   * added (ECR api and dkr, CloudWatch Logs, Secrets Manager, SSM).
   * @default - no interface endpoints with NAT; without NAT, the ones the services need
   */
  readonly interfaceEndpoints?: ec2.InterfaceVpcEndpointAwsService[];
  /**
   * Archive that receives the VPC flow logs (all traffic, plain text, daily Hive partitions).
   * @default - no flow logs
   */
  readonly logArchive?: ILogArchive;
}

/** Interface endpoints that Fargate tasks need when they have no NAT. */
const ENDPOINTS_WITHOUT_NAT: Array<[string, ec2.InterfaceVpcEndpointAwsService]> = [
  ['EcrApi', ec2.InterfaceVpcEndpointAwsService.ECR],
  ['EcrDocker', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
  ['Logs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
  ['SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
  ['Ssm', ec2.InterfaceVpcEndpointAwsService.SSM],
];

/**
 * The network tier: a VPC over 2-3 AZs with public, app (private with egress, or isolated without
 * NAT) and data (isolated) subnets, gateway endpoints for S3 and DynamoDB, interface endpoints when
 * there is no NAT, and flow logs into the archive.
 */
export class Network extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** Whether the app subnets reach the internet through NAT (for a given VPC: whether it has private subnets with egress). */
  public readonly egress: boolean;
  /** Subnets of the services. */
  public readonly appSubnets: ec2.SubnetSelection;
  /** Subnets of the database. */
  public readonly dataSubnets: ec2.SubnetSelection;
  /** Interface endpoints by service name (e.g. `ecr.api`). */
  public readonly interfaceEndpoints: Record<string, ec2.InterfaceVpcEndpoint> = {};
  /** The NAT instance provider, with `NatMode.instance()`. */
  public readonly natInstanceProvider?: ec2.NatInstanceProviderV2;
  /** The flow log, when `logArchive` is given. */
  public readonly flowLog?: ec2.FlowLog;

  private readonly endpointClients: ec2.IConnectable[] = [];

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    const maxAzs = props.maxAzs ?? 2;
    if (!Token.isUnresolved(maxAzs) && (maxAzs < 2 || maxAzs > 3 || !Number.isInteger(maxAzs))) {
      throw invalid(this.node.path, 'maxAzs', maxAzs, 'a system spans 2 or 3 Availability Zones: an ALB and Aurora need subnets in at least two',
        'Give maxAzs 2 or 3.');
    }
    if (props.vpc) {
      for (const [prop, value] of [['natMode', props.natMode?._name], ['maxAzs', props.maxAzs], ['ipAddresses', props.ipAddresses && 'given']] as const) {
        if (value !== undefined) {
          throw invalid(this.node.path, prop, value, `${prop} shapes a new VPC, and vpc is given, so it would be ignored`,
            `Remove ${prop} (or vpc).`);
        }
      }
    }

    if (props.vpc) {
      this.vpc = props.vpc;
      this.egress = props.vpc.privateSubnets.length > 0;
      this.appSubnets = { subnetType: this.egress ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED };
      this.dataSubnets = { subnetType: props.vpc.isolatedSubnets.length > 0 ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS };
    } else {
      const nat = (props.natMode ?? NatMode.singleGateway())._bind(maxAzs);
      this.egress = nat.egress;
      this.natInstanceProvider = nat.provider;
      const vpc = new ec2.Vpc(this, 'Vpc', {
        maxAzs,
        ipAddresses: props.ipAddresses ?? ec2.IpAddresses.cidr('10.0.0.0/16'),
        natGateways: nat.natGateways,
        natGatewayProvider: nat.provider,
        subnetConfiguration: [
          { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
          { name: 'App', subnetType: nat.egress ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 },
          { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
        ],
        restrictDefaultSecurityGroup: true,
        gatewayEndpoints: {
          S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
          DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        },
      });
      acknowledgePublicRoutes(vpc);
      acknowledgeProvider(this, 'VpcRestrictDefaultSG', 'removes every rule of the VPC\'s default security group');
      acknowledge(vpc, inCompliancePacks('VPCDefaultSecurityGroupClosed',
        'The default security group is closed at deploy time: CDK\'s restrictDefaultSecurityGroup custom resource removes its rules. The rule reads only the VPC resource.'));
      this.vpc = vpc;
      this.appSubnets = { subnetGroupName: 'App' };
      this.dataSubnets = { subnetGroupName: 'Data' };
      nat.afterVpc(vpc);
    }

    const wanted = [...(props.interfaceEndpoints ?? []).map((s): [string, ec2.InterfaceVpcEndpointAwsService] => [endpointId(s), s])];
    if (!this.egress && !props.vpc) wanted.unshift(...ENDPOINTS_WITHOUT_NAT);
    for (const [endpoint, service] of wanted) this.addInterfaceEndpoint(endpoint, service);

    if (props.logArchive) {
      this.flowLog = props.logArchive.addVpcFlowLogs(this.vpc);
    }
  }

  /**
   * Add an interface endpoint in the app subnets (once per service). It admits, on 443, only the
   * security groups given to `allowEndpointsFrom` (before or after).
   */
  public addInterfaceEndpoint(id: string, service: ec2.InterfaceVpcEndpointAwsService): ec2.InterfaceVpcEndpoint {
    const existing = this.interfaceEndpoints[service.shortName];
    if (existing) return existing;
    checkId(this.node.path, 'interface endpoint', id, this.node.tryFindChild(`${id}Endpoint`) !== undefined, 'Sqs');
    const endpoint = new ec2.InterfaceVpcEndpoint(this, `${id}Endpoint`, {
      vpc: this.vpc,
      service,
      subnets: this.appSubnets,
      privateDnsEnabled: true,
      open: false,
    });
    this.interfaceEndpoints[service.shortName] = endpoint;
    for (const client of this.endpointClients) allowHttpsTo(endpoint, client);
    return endpoint;
  }

  /**
   * Let a security group (e.g. a service's tasks) use every interface endpoint, present and future.
   * The rules are stated from the client's side, so a client in a nested stack gets them in its stack.
   */
  public allowEndpointsFrom(client: ec2.IConnectable): void {
    this.endpointClients.push(client);
    for (const endpoint of Object.values(this.interfaceEndpoints)) allowHttpsTo(endpoint, client);
  }

  /**
   * @internal Without NAT, tasks reach AWS through the endpoints only: add the ones this service
   * needs, and say what is missing.
   */
  public _checkService(service: MonitoredEcsService, options: ServiceNeeds): void {
    if (this.egress) return;
    const warn = (id: string, message: string) => Annotations.of(service).addWarningV2(`cdk-three-tier:${id}`, message);
    if (!this.interfaceEndpoints['ecr.api']) {
      warn('isolatedTasks', 'Tasks run without NAT in the given VPC: it needs interface endpoints for ECR (api, dkr), CloudWatch Logs, ' +
        'Secrets Manager and SSM, and an S3 gateway endpoint (Network.addInterfaceEndpoint, Network.allowEndpointsFrom).');
      return;
    }
    if (options.prometheus) this.addInterfaceEndpoint('Prometheus', ec2.InterfaceVpcEndpointAwsService.PROMETHEUS_WORKSPACES);
    if (options.enableExecuteCommand) {
      this.addInterfaceEndpoint('SsmMessages', ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES);
      // The session channel is encrypted with a KMS key (audited Exec): the agent decrypts through KMS.
      this.addInterfaceEndpoint('Kms', ec2.InterfaceVpcEndpointAwsService.KMS);
    }
    if (options.imageTag === undefined && options.image instanceof ecs.RepositoryImage) {
      warn('registryImageWithoutNat', 'Without NAT the tasks can pull images from ECR in this region only; a Docker Hub or ' +
        'public.ecr.aws image cannot start. Use ContainerImage.fromAsset or fromEcrRepository.');
    }
    if (options.prometheus && !options.prometheus.collectorImage) {
      warn('publicCollectorImage', 'The Prometheus collector image comes from public.ecr.aws, which has no VPC endpoint: with ' +
        'NatMode.none() copy it into ECR and pass prometheus.collectorImage, or the task cannot start.');
    }
  }
}

/** What a service asks of the network without NAT. */
interface ServiceNeeds {
  readonly image?: ecs.ContainerImage;
  readonly imageTag?: string;
  readonly prometheus?: PrometheusOptions;
  readonly enableExecuteCommand?: boolean;
}

function allowHttpsTo(endpoint: ec2.InterfaceVpcEndpoint, client: ec2.IConnectable): void {
  allowFromClient(endpoint, client, ec2.Port.tcp(443), 'HTTPS to the endpoint');
}

function endpointId(service: ec2.InterfaceVpcEndpointAwsService): string {
  return service.shortName.split(/[^a-zA-Z0-9]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/**
 * CDK's NAT commands, with the package install retried: on first boot dnf can lose a race with
 * the system's own updates (aws-cdk #36717), and a NAT instance without iptables forwards nothing.
 */
function natUserData(): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  userData.addCommands(...ec2.NatInstanceProviderV2.DEFAULT_USER_DATA_COMMANDS.map((command) => command.startsWith('yum install')
    ? `for attempt in 1 2 3 4 5 6; do ${command} && break; echo "retrying: ${command}"; sleep 10; done`
    : command));
  return userData;
}

/** NAT instances are plain EC2 instances: some instance rules do not fit a router. */
function hardenNatInstances(provider: ec2.NatInstanceProviderV2): void {
  for (const instance of provider.gatewayInstances) {
    // The NAT script never reads instance metadata, so IMDSv1 can go.
    const template = hardenInstance(instance);
    const router = 'A NAT instance is a router with no workload';
    suppressGuard(instance, [
      { rule: 'ec2_instance_detailed_monitoring_enabled_check', reason: `${router}; 5-minute network metrics are enough, detailed monitoring is an extra cost.` },
      { rule: 'ec2_instance_nitro_encryption_in_transit_check', reason: `${router}; it forwards traffic the services encrypt end to end (TLS), and t4g.nano is the cost choice of NatMode.instance().` },
      { rule: 'ec2_instance_no_public_ip_check', reason: `${router}; it needs a public IP to forward the VPC's traffic to the internet.` },
    ]);
    suppressGuard(template, [{ rule: 'ec2_launch_template_monitoring_enabled_check', reason: `${router}; 5-minute network metrics are enough, detailed monitoring is an extra cost.` }]);
    acknowledge(instance, [
      { id: 'AwsSolutions-EC28', reason: `${router}; 5-minute network metrics are enough, detailed monitoring is an extra cost.` },
      { id: 'AwsSolutions-EC29', reason: `${router}; CloudFormation replaces it, termination protection would block updates.` },
      ...inCompliancePacks('EC2InstanceDetailedMonitoringEnabled', `${router}; 5-minute metrics are enough.`, ['HIPAA.Security']),
      ...inCompliancePacks('EC2InstanceNoPublicIp', `${router}; it needs a public IP to forward the VPC's traffic to the internet.`),
      ...inCompliancePacks('EC2InstancesInVPC', 'The NAT instance runs in a public subnet of this VPC (CDK sets the subnet, not the rule\'s property).',
        ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']),
    ]);
  }
  const reason = 'The NAT instance forwards any port the VPC sends it; only the VPC CIDR may connect, nothing from outside.';
  acknowledge(provider.securityGroup, [
    { id: 'AwsSolutions-EC23', reason },
    ...inCompliancePacks('EC2RestrictedCommonPorts', reason),
    ...inCompliancePacks('EC2RestrictedSSH', reason),
  ]);
}

/** Public subnets exist for NAT egress and the internet gateway that CloudFront VPC origins need. */
function acknowledgePublicRoutes(vpc: ec2.Vpc): void {
  for (const subnet of vpc.publicSubnets) {
    const route = subnet.node.tryFindChild('DefaultRoute');
    if (!route) continue;
    acknowledge(route, inCompliancePacks('VPCNoUnrestrictedRouteToIGW',
      'Public subnets route to the internet gateway by definition; they hold only NAT (the load balancer is internal).'));
  }
}
