import { aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { suppressGuard } from './nag';

/** The cluster our services run in: Container Insights in its enhanced mode, Fargate and Fargate Spot. */
export function newServiceCluster(scope: Construct, vpc: ec2.IVpc | undefined): ecs.Cluster {
  const cluster = new ecs.Cluster(scope, 'Cluster', {
    vpc,
    containerInsightsV2: ecs.ContainerInsights.ENHANCED,
    enableFargateCapacityProviders: true,
  });
  suppressGuard(cluster, [{
    rule: 'ecs_container_insights_enabled_check',
    reason: 'Container Insights is on in its enhanced mode (\'enhanced\'); the rule only recognises the value \'enabled\'.',
  }]);
  return cluster;
}
