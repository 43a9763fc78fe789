import { aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ExecAudit, ExecAuditOptions } from './exec-audit';
import { suppressGuard } from './nag';

/**
 * The cluster our services run in: Container Insights in its enhanced mode, Fargate and Fargate
 * Spot, and ECS Exec audited once a service turns it on.
 */
export function newServiceCluster(scope: Construct, vpc: ec2.IVpc | undefined, execAudit: ExecAuditOptions = {}): ecs.Cluster {
  const cluster = new ecs.Cluster(scope, 'Cluster', {
    vpc,
    containerInsightsV2: ecs.ContainerInsights.ENHANCED,
    enableFargateCapacityProviders: true,
  });
  suppressGuard(cluster, [{
    rule: 'ecs_container_insights_enabled_check',
    reason: 'Container Insights is on in its enhanced mode (\'enhanced\'); the rule only recognises the value \'enabled\'.',
  }]);
  new ExecAudit(scope, cluster, execAudit);
  return cluster;
}
