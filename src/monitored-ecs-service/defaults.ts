import { Duration } from 'aws-cdk-lib';

/** The defaults of a `MonitoredEcsService`, read by the service and by the cost profiles. */
export const SERVICE_DEFAULTS = {
  minTasks: 2,
  maxTasks: 10,
  cpuTargetPercent: 60,
  memoryTargetPercent: 70,
  requestsPerTarget: 1000,
  deregistrationDelay: Duration.seconds(30),
  healthCheckGracePeriod: Duration.seconds(60),
};
