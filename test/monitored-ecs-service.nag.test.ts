import { Aspects, aws_iam as iam } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as nag2 from 'cdk-nag-v2';
import { newStack } from './fixtures';
import { formatFindings, nagFindings } from './helpers/nag';
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
    for (const pack of [nag2.AwsSolutionsChecks, nag2.NIST80053R5Checks, nag2.HIPAASecurityChecks, nag2.PCIDSS321Checks]) {
      Aspects.of(stack).add(new pack());
    }
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('.*'))
      .filter((m) => m.id.startsWith('/Test/Api/') || m.id.startsWith('/Test/Archive/'))
      .map((m) => `${m.id}: ${String(m.entry.data).split(':')[0]}`);
    expect(errors).toEqual([]);
  });
});
