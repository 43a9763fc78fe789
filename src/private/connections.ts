import { aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { ec2Description } from './cfn-text';

/**
 * `target.connections.allowFrom(client, port)`, with the ingress rule placed as the client's
 * ("remote") rule: when the client lives in another stack (a service in a nested stack), the
 * rule goes into the client's stack, created with the client rather than after it; within one
 * stack it keeps the logical id `allowFrom` gives it. The client's egress rule is added only
 * where its group does not already allow all outbound traffic (CDK warns on a redundant one).
 */
export function allowFromClient(target: ec2.IConnectable, client: ec2.IConnectable, port: ec2.Port, text: string): void {
  const description = ec2Description(text);
  for (const clientGroup of client.connections.securityGroups) {
    for (const targetGroup of target.connections.securityGroups) {
      targetGroup.addIngressRule(clientGroup, port, description, true);
      if (!clientGroup.allowAllOutbound) clientGroup.addEgressRule(targetGroup, port, description, false);
    }
  }
}

/**
 * The tasks' own group admits the load balancer on the container port. The load balancer's
 * egress rule names `shared` when the tasks carry it (one rule per port for every service on the
 * listener, placed with `shared`), else the tasks' own group (one rule per service).
 */
export function admitLoadBalancer(tasks: ec2.SecurityGroup, listener: elbv2.ApplicationListener, port: ec2.Port, shared?: ec2.ISecurityGroup): void {
  if (!shared) {
    tasks.connections.allowFrom(listener, port, 'From the load balancer');
    return;
  }
  for (const balancer of listener.connections.securityGroups) {
    tasks.addIngressRule(balancer, port, 'From the load balancer');
    if (!balancer.allowAllOutbound) balancer.addEgressRule(shared, port, ec2Description(`To the services on ${port}`), true);
  }
}
