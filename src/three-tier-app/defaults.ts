import { Duration, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { SERVICE_DEFAULTS } from '../monitored-ecs-service/defaults';

/** The path CloudFront sends to the services. */
export const API_PATH_PATTERN = '/api/*';

/** A NAT instance's size when none is given: Graviton, about $3 a month. */
export const NAT_INSTANCE_TYPE = () => ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO);

/** The resilient defaults: the production profile, and what a tier uses when it is given no profile. */
export const PRODUCTION = {
  maxAzs: 3,
  data: { minCapacity: 0.5, maxCapacity: 16, readers: 1, backupRetention: Duration.days(30), deletionProtection: true },
  services: { minTasks: SERVICE_DEFAULTS.minTasks, maxTasks: SERVICE_DEFAULTS.maxTasks, spotShare: 0 },
  deletionProtection: true,
  logEncryption: true,
};

/** The cheap-when-idle defaults of the development profile. */
export const DEVELOPMENT = {
  maxAzs: 2,
  data: { minCapacity: 0, maxCapacity: 4, readers: 0, backupRetention: Duration.days(7), deletionProtection: false },
  services: { minTasks: 1, maxTasks: 4, spotShare: 1, cpu: 256, memoryLimitMiB: 512 },
  deletionProtection: false,
  logEncryption: false,
};
