import { aws_ec2 as ec2 } from 'aws-cdk-lib';

/** Where tasks (and an internal load balancer) go: private subnets with egress, else isolated ones. */
export function defaultPrivateSubnets(vpc: ec2.IVpc): ec2.SubnetSelection {
  return vpc.privateSubnets.length > 0
    ? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }
    : { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
}
