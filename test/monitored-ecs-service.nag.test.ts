import { aws_iam as iam } from 'aws-cdk-lib';
import { newStack } from './fixtures';
import { formatFindings, nag2Errors, nagFindings } from './helpers/nag';
import { defaultService, everythingOnService } from './monitored-ecs-service.fixtures';

// Only what MonitoredEcsService creates is ours; the VPC and the secret belong to the test.
const ours = (resource: string) => resource.startsWith('Test/Api/') || resource.startsWith('Test/Archive/');

describe('MonitoredEcsService rule packs', () => {
  test('default configuration has no unacknowledged findings in any of the four packs', () => {
    const stack = newStack();
    defaultService(stack);
    expect(formatFindings(nagFindings(stack).filter((f) => ours(f.resource)))).toEqual('');
  });

  test('everything on (Exec, Spot, Prometheus, Chatbot, webhook Lambda) has no unacknowledged findings', () => {
    const stack = newStack();
    everythingOnService(stack);
    expect(formatFindings(nagFindings(stack).filter((f) => ours(f.resource)))).toEqual('');
  });

  test('acknowledgements are scoped: a wildcard the user grants to the task role is still reported', () => {
    const stack = newStack();
    const { service } = defaultService(stack);
    service.taskDefinition.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    const rules = nagFindings(stack).filter((f) => f.resource.startsWith('Test/Api/TaskDefinition/TaskRole')).map((f) => f.rule);
    expect(rules).toContain('AwsSolutions-IAM5[Resource::*]');
  });

  test('cdk-nag 2 consumers see nothing from the service either', () => {
    const stack = newStack();
    everythingOnService(stack);
    expect(nag2Errors(stack, ['/Test/Api/', '/Test/Archive/'])).toEqual([]);
  });
});
