// Unit tests of the Slack notifier Lambda's formatting and delivery (assets/slack-notifier).
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const notifier = require(path.join(__dirname, '..', 'assets', 'slack-notifier', 'index.js'));

const alarm = {
  AlarmName: 'prod-Api-ServerErrorRate',
  AlarmDescription: 'Target 5xx responses above 5% of requests',
  NewStateValue: 'ALARM',
  OldStateValue: 'OK',
  NewStateReason: 'Threshold Crossed: 3 out of the last 3 datapoints were greater than or equal to the threshold (5.0).',
  StateChangeTime: '2026-11-22T10:00:00.000+0000',
  Region: 'Asia Pacific (Seoul)',
};

describe('Slack notifier formatting', () => {
  test('an alarm going to ALARM shows a red icon, name, transition, description and reason', () => {
    const { text } = notifier.formatAlarm(alarm);
    expect(text.split('\n')).toEqual([
      ':red_circle: *prod-Api-ServerErrorRate* is ALARM (was OK)',
      'Target 5xx responses above 5% of requests',
      '> Threshold Crossed: 3 out of the last 3 datapoints were greater than or equal to the threshold (5.0).',
      '_Asia Pacific (Seoul) · 2026-11-22T10:00:00.000+0000_',
    ]);
  });

  test('recovery to OK shows a green icon', () => {
    expect(notifier.formatAlarm({ ...alarm, NewStateValue: 'OK', OldStateValue: 'ALARM' }).text)
      .toMatch(/^:large_green_circle: \*prod-Api-ServerErrorRate\* is OK \(was ALARM\)/);
  });

  test('a failed ECS deployment names the service and the reason', () => {
    const { text } = notifier.formatEcsEvent({
      'source': 'aws.ecs',
      'detail-type': 'ECS Deployment State Change',
      'region': 'ap-northeast-2',
      'resources': ['arn:aws:ecs:ap-northeast-2:111111111111:service/prod/api'],
      'detail': { eventName: 'SERVICE_DEPLOYMENT_FAILED', deploymentId: 'ecs-svc/123', reason: 'ECS deployment circuit breaker: tasks failed to start.' },
    });
    expect(text).toContain(':rotating_light: *Deployment failed* for `prod/api`');
    expect(text).toContain('> ECS deployment circuit breaker: tasks failed to start.');
    expect(text).toContain('_deployment ecs-svc/123 · ap-northeast-2_');
  });

  test('a task stopped unexpectedly lists the containers that exited non-zero', () => {
    const { text } = notifier.formatEcsEvent({
      'source': 'aws.ecs',
      'detail-type': 'ECS Task State Change',
      'region': 'ap-northeast-2',
      'detail': {
        group: 'service:api',
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        taskArn: 'arn:aws:ecs:ap-northeast-2:111111111111:task/prod/abc',
        containers: [{ name: 'app', exitCode: 137, reason: 'OutOfMemoryError' }, { name: 'otel-collector', exitCode: 0 }],
      },
    });
    expect(text).toContain(':warning: *Task stopped unexpectedly* in `service:api`');
    expect(text).toContain('`app` exited 137 (OutOfMemoryError)');
    expect(text).not.toContain('otel-collector');
    expect(text).toContain('prod/abc · EssentialContainerExited · ap-northeast-2');
  });

  test('SNS messages are recognised as alarms, ECS events or plain text', () => {
    expect(notifier.formatMessage('ALARM: x', JSON.stringify(alarm)).text).toMatch(/^:red_circle:/);
    expect(notifier.formatMessage(undefined, JSON.stringify({ 'source': 'aws.ecs', 'detail-type': 'ECS Task State Change', 'detail': {} })).text)
      .toMatch(/^:warning:/);
    expect(notifier.formatMessage('Hello', 'not json')).toEqual({ text: '*Hello*\nnot json' });
  });
});

describe('Slack notifier delivery', () => {
  test('posts one JSON message per SNS record to the webhook', async () => {
    const calls: Array<{ url: string; body: any }> = [];
    const fetch = async (url: string, init: any) => {
      calls.push({ url, body: JSON.parse(init.body) });
      return { ok: true, status: 200 };
    };
    await notifier.deliver({ Records: [{ Sns: { Message: JSON.stringify(alarm) } }, { Sns: { Subject: 'S', Message: 'm' } }] },
      { fetch, url: 'https://hooks.slack.invalid/x' });
    expect(calls).toHaveLength(2);
    expect(calls[0].url).toBe('https://hooks.slack.invalid/x');
    expect(calls[0].body.text).toContain('prod-Api-ServerErrorRate');
    expect(calls[1].body).toEqual({ text: '*S*\nm' });
  });

  test('fails (so the asynchronous invocation is retried) when Slack answers an error', async () => {
    const fetch = async () => ({ ok: false, status: 500 });
    await expect(notifier.deliver({ Records: [{ Sns: { Message: 'x' } }] }, { fetch, url: 'https://hooks.slack.invalid/x' }))
      .rejects.toThrow('Slack answered 500');
  });
});
