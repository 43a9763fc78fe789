import { aws_applicationautoscaling as appscaling } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { newStack } from './fixtures';
import { defaultService, resourceOf } from './monitored-ecs-service.fixtures';

// The default scaling (2-10 tasks, three target-tracking policies) is in monitored-ecs-service.test.ts.
describe('MonitoredEcsService scaling options', () => {
  test('Fargate Spot share: one task always on-demand, the rest split by weight', () => {
    const stack = newStack();
    defaultService(stack, { spotShare: 0.7 });
    expect(resourceOf(Template.fromStack(stack), 'AWS::ECS::Service', 'ApiService').Properties.CapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Base: 1, Weight: 3 },
      { CapacityProvider: 'FARGATE_SPOT', Weight: 7 },
    ]);
  });

  test('scaling window raises min tasks at the start and restores them at the end', () => {
    const stack = newStack();
    const { service } = defaultService(stack);
    service.addScalingWindow('Concert', {
      start: appscaling.Schedule.cron({ minute: '0', hour: '18', day: '24', month: '12' }),
      end: appscaling.Schedule.cron({ minute: '0', hour: '23', day: '24', month: '12' }),
      minTasks: 20,
    });
    const target = Object.values(Template.fromStack(stack).findResources('AWS::ApplicationAutoScaling::ScalableTarget'))[0] as any;
    const actions = target.Properties.ScheduledActions;
    expect(actions).toEqual([
      expect.objectContaining({ ScheduledActionName: 'ConcertStart', ScalableTargetAction: { MinCapacity: 20, MaxCapacity: 20 }, Schedule: 'cron(0 18 24 12 ? *)' }),
      expect.objectContaining({ ScheduledActionName: 'ConcertEnd', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 10 }, Schedule: 'cron(0 23 24 12 ? *)' }),
    ]);
  });

  test('each scaling signal switches off the way an alarm does, with enabled: false', () => {
    const stack = newStack();
    defaultService(stack, { scaling: { cpu: { enabled: false }, memory: { enabled: false }, requests: { enabled: false } } });
    Template.fromStack(stack).resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 0);
  });

  test('a tuned target replaces the default and leaves the other signals on', () => {
    const stack = newStack();
    defaultService(stack, { scaling: { cpu: { target: 45 } } });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 3);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 45, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } },
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' } },
    });
  });
});
