// Load balancer and target group inputs AWS would reject fail at synth (issue #16, category 1):
// each row names the prop, a value just outside what AWS accepts, and the message; the valid row
// beside it is the boundary, which must synthesize. Messages follow one format:
// `<construct path>: <prop> <value> is invalid: <rule>. <how to fix>`.
import { App, Duration, Lazy, Stack, Token, aws_applicationautoscaling as appscaling, aws_certificatemanager as acm } from 'aws-cdk-lib';
import { LogArchiveBucket, MonitoredEcsService, MonitoredEcsServiceProps, ServiceLoadBalancer, SharedListenerOptions } from '../src';
import { newStack } from './fixtures';
import { IMAGE, defaultService } from './monitored-ecs-service.fixtures';

type Row = [string, Partial<MonitoredEcsServiceProps>, Partial<MonitoredEcsServiceProps>, RegExp];

const s = Duration.seconds;
/** [rule, invalid props, valid props at the boundary, message]. */
const TARGET_GROUP: Row[] = [
  ['deregistration delay above 3600 s', { deregistrationDelay: s(3601) }, { deregistrationDelay: s(3600) },
    /^Test\/Api: deregistrationDelay 3601 seconds is invalid: a target group deregistration delay must be whole seconds from 0 to 3600\. Give deregistrationDelay a duration/],
  ['deregistration delay of a fraction of a second', { deregistrationDelay: Duration.millis(500) }, { deregistrationDelay: s(0) },
    /deregistrationDelay 0.5 seconds is invalid/],
  ['health check interval below 5 s', { healthCheck: { interval: s(4), timeout: s(2) } }, { healthCheck: { interval: s(5), timeout: s(2) } },
    /healthCheck.interval 4 seconds is invalid: a health check interval must be whole seconds from 5 to 300/],
  ['health check interval above 300 s', { healthCheck: { interval: s(301) } }, { healthCheck: { interval: s(300) } },
    /healthCheck.interval 301 seconds is invalid/],
  ['health check timeout below 2 s', { healthCheck: { timeout: s(1) } }, { healthCheck: { timeout: s(2) } },
    /healthCheck.timeout 1 second is invalid: a health check timeout must be whole seconds from 2 to 120/],
  ['health check timeout above 120 s', { healthCheck: { interval: s(300), timeout: s(121) } }, { healthCheck: { interval: s(300), timeout: s(120) } },
    /healthCheck.timeout 121 seconds is invalid: a health check timeout must be whole seconds from 2 to 120/],
  ['health check timeout not below the interval', { healthCheck: { interval: s(10), timeout: s(10) } }, { healthCheck: { interval: s(10), timeout: s(9) } },
    /healthCheck.timeout 10 seconds is invalid: a health check timeout must be shorter than its interval \(10 seconds\)\. Shorten healthCheck.timeout/],
  ['healthy threshold below 2', { healthCheck: { healthyThresholdCount: 1 } }, { healthCheck: { healthyThresholdCount: 2 } },
    /healthCheck.healthyThresholdCount 1 is invalid: a healthy threshold must be a whole number from 2 to 10/],
  ['healthy threshold above 10', { healthCheck: { healthyThresholdCount: 11 } }, { healthCheck: { healthyThresholdCount: 10 } },
    /healthCheck.healthyThresholdCount 11 is invalid/],
  ['unhealthy threshold below 2', { healthCheck: { unhealthyThresholdCount: 1 } }, { healthCheck: { unhealthyThresholdCount: 2 } },
    /healthCheck.unhealthyThresholdCount 1 is invalid: an unhealthy threshold must be a whole number from 2 to 10/],
  ['unhealthy threshold above 10', { healthCheck: { unhealthyThresholdCount: 11 } }, { healthCheck: { unhealthyThresholdCount: 10 } },
    /healthCheck.unhealthyThresholdCount 11 is invalid/],
  ['success code below 200', { healthCheck: { healthyHttpCodes: '199' } }, { healthCheck: { healthyHttpCodes: '200' } },
    /healthCheck.healthyHttpCodes "199" is invalid: an Application Load Balancer accepts HTTP codes from 200 to 499.*Write it like '200-399'/],
  ['success code above 499', { healthCheck: { healthyHttpCodes: '200,500' } }, { healthCheck: { healthyHttpCodes: '200,499' } },
    /healthCheck.healthyHttpCodes "200,500" is invalid/],
  ['success code range upside down', { healthCheck: { healthyHttpCodes: '399-200' } }, { healthCheck: { healthyHttpCodes: '200-499' } },
    /healthCheck.healthyHttpCodes "399-200" is invalid/],
  ['success codes that are not codes', { healthCheck: { healthyHttpCodes: '2xx' } }, { healthCheck: { healthyHttpCodes: '200, 204' } },
    /healthCheck.healthyHttpCodes "2xx" is invalid/],
  ['health check path without a leading slash', { healthCheck: { path: 'healthz' } }, { healthCheck: { path: '/healthz' } },
    /healthCheck.path "healthz" is invalid: a health check path starts with '\/'/],
];

describe('target group ranges (Elastic Load Balancing)', () => {
  test.each(TARGET_GROUP)('AWS constraint: %s fails, naming the prop and the value', (_rule, bad, good, message) => {
    expect(() => defaultService(newStack(), bad)).toThrow(message);
    expect(() => defaultService(newStack(), good)).not.toThrow();
  });
});

describe('load balancer idle timeout', () => {
  const withIdle = (idleTimeout: Duration) => () => {
    const stack = newStack();
    const accessLogs = new LogArchiveBucket(stack, 'Logs');
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:us-east-1:111111111111:certificate/abc');
    defaultService(stack, { loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, accessLogs, idleTimeout }) });
  };

  test.each([
    ['AWS constraint: idle timeout 0 s fails (1-4000 s)', s(0), /^Test\/Api: loadBalancer.idleTimeout 0 seconds is invalid: an Application Load Balancer idle timeout must be whole seconds from 1 to 4000/],
    ['AWS constraint: idle timeout 4001 s fails (1-4000 s)', s(4001), /loadBalancer.idleTimeout 4001 seconds is invalid/],
  ])('%s', (_name, idle, message) => {
    expect(withIdle(idle)).toThrow(message);
  });

  test.each([[1], [4000]])('idle timeout of %i s, at the boundary, synthesizes', (seconds) => {
    expect(withIdle(s(seconds))).not.toThrow();
  });
});

describe('listener rules on a shared listener', () => {
  const rule = (options: SharedListenerOptions) => {
    const stack = newStack();
    const { service } = defaultService(stack);
    return () => new MonitoredEcsService(stack, 'Other', {
      cluster: service.cluster, image: IMAGE, loadBalancer: ServiceLoadBalancer.sharedListener(service.listener, options),
    });
  };
  const ROWS: Array<[string, SharedListenerOptions, SharedListenerOptions, RegExp]> = [
    ['priority 0', { priority: 0, pathPatterns: ['/a/*'] }, { priority: 1, pathPatterns: ['/a/*'] },
      /^Test\/Other: loadBalancer.priority 0 is invalid: a listener rule priority must be a whole number from 1 to 50000\. Give loadBalancer.priority a value/],
    ['priority 50001', { priority: 50001, pathPatterns: ['/a/*'] }, { priority: 50000, pathPatterns: ['/a/*'] },
      /loadBalancer.priority 50001 is invalid/],
    ['priority 1.5', { priority: 1.5, pathPatterns: ['/a/*'] }, { priority: 2, pathPatterns: ['/a/*'] }, /loadBalancer.priority 1.5 is invalid/],
    ['6 condition values', { priority: 5, pathPatterns: ['/a', '/b', '/c'], hostHeaders: ['a.example.com', 'b.example.com', 'c.example.com'] },
      { priority: 5, pathPatterns: ['/a', '/b', '/c'], hostHeaders: ['a.example.com', 'b.example.com'] },
      /loadBalancer.pathPatterns \+ hostHeaders \["\/a","\/b","\/c","a.example.com","b.example.com","c.example.com"\] is invalid: a listener rule allows at most 5 condition values/],
    ['a path pattern without a leading slash', { priority: 5, pathPatterns: ['api/*'] }, { priority: 5, pathPatterns: ['/api/*'] },
      /loadBalancer.pathPatterns "api\/\*" is invalid: a path pattern starts with '\/' and has at most 128 characters\. Write it as '\/api\/\*'/],
    ['a path pattern of 129 characters', { priority: 5, pathPatterns: [`/${'a'.repeat(128)}`] }, { priority: 5, pathPatterns: [`/${'a'.repeat(127)}`] },
      /loadBalancer.pathPatterns "\/a{128}" is invalid/],
    ['a host with a scheme', { priority: 5, hostHeaders: ['https://api.example.com'] }, { priority: 5, hostHeaders: ['api.example.com'] },
      /loadBalancer.hostHeaders "https:\/\/api.example.com" is invalid: a host condition holds letters.*Give the bare host name/],
    ['a host with a port', { priority: 5, hostHeaders: ['api.example.com:8443'] }, { priority: 5, hostHeaders: ['*.example.com'] },
      /loadBalancer.hostHeaders "api.example.com:8443" is invalid/],
    ['a host of 129 characters', { priority: 5, hostHeaders: [`${'a'.repeat(117)}.example.com`] }, { priority: 5, hostHeaders: [`${'a'.repeat(116)}.example.com`] },
      /loadBalancer.hostHeaders "a{117}.example.com" is invalid/],
  ];
  test.each(ROWS)('AWS constraint: %s fails, naming the prop and the value', (_name, bad, good, message) => {
    expect(rule(bad)).toThrow(message);
    expect(rule(good)).not.toThrow();
  });
});

describe('unresolved tokens are left to AWS', () => {
  test('a token deregistration delay, threshold, success codes, priority and path synthesize unchecked', () => {
    const stack = newStack();
    const { service } = defaultService(stack, {
      deregistrationDelay: Duration.seconds(Token.asNumber(Lazy.number({ produce: () => 99999 }))),
      healthCheck: {
        healthyThresholdCount: Token.asNumber(Lazy.number({ produce: () => 1 })),
        healthyHttpCodes: Lazy.string({ produce: () => '999' }),
        path: Lazy.string({ produce: () => 'no-slash' }),
      },
    });
    expect(() => new MonitoredEcsService(stack, 'Other', {
      cluster: service.cluster,
      image: IMAGE,
      loadBalancer: ServiceLoadBalancer.sharedListener(service.listener, {
        priority: Token.asNumber(Lazy.number({ produce: () => 0 })), pathPatterns: [Lazy.string({ produce: () => 'x' })],
      }),
    })).not.toThrow();
  });
});

describe('alarms (CloudWatch)', () => {
  const ROWS: Row[] = [
    ['a percentage threshold of 0 (always in ALARM)', { alarms: { serverErrorRate: { threshold: 0 } } }, { alarms: { serverErrorRate: { threshold: 0.5 } } },
      /^Test\/Api: alarms.serverErrorRate.threshold 0 is invalid: a percentage threshold must be above 0 and at most 100.*alarms.serverErrorRate.enabled: false/],
    ['a percentage threshold above 100', { alarms: { memory: { threshold: 101 } } }, { alarms: { memory: { threshold: 100 } } },
      /alarms.memory.threshold 101 is invalid: a percentage threshold/],
    ['a count threshold of 0', { alarms: { unhealthyHosts: { threshold: 0 } } }, { alarms: { unhealthyHosts: { threshold: 1 } } },
      /alarms.unhealthyHosts.threshold 0 is invalid: a count threshold must be a whole number of at least 1/],
    ['a fractional count threshold', { alarms: { runningTasks: { threshold: 1.5 } } }, { alarms: { runningTasks: { threshold: 2 } } },
      /alarms.runningTasks.threshold 1.5 is invalid/],
    ['a latency threshold of 0 ms', { alarms: { p99Latency: { threshold: 0 } } }, { alarms: { p99Latency: { threshold: 1 } } },
      /alarms.p99Latency.threshold 0 is invalid: a latency threshold must be above 0 milliseconds/],
    ['0 evaluation periods', { alarms: { cpu: { evaluationPeriods: 0 } } }, { alarms: { cpu: { evaluationPeriods: 1 } } },
      /alarms.cpu.evaluationPeriods 0 is invalid: one-minute evaluation periods \(CloudWatch evaluates at most one day\) must be a whole number from 1 to 1440/],
    ['more than a day of one-minute periods', { alarms: { cpu: { evaluationPeriods: 1441 } } }, { alarms: { cpu: { evaluationPeriods: 1440 } } },
      /alarms.cpu.evaluationPeriods 1441 is invalid/],
  ];
  test.each(ROWS)('AWS constraint: %s fails, naming the prop and the value', (_rule, bad, good, message) => {
    expect(() => defaultService(newStack(), bad)).toThrow(message);
    expect(() => defaultService(newStack(), good)).not.toThrow();
  });

  test('a switched-off alarm is not checked', () => {
    expect(() => defaultService(newStack(), { alarms: { cpu: { enabled: false, threshold: 0 } } })).not.toThrow();
  });
});

describe('scaling (Application Auto Scaling)', () => {
  const ROWS: Row[] = [
    ['a CPU target above 100 %', { cpuTargetPercent: 101 }, { cpuTargetPercent: 100 },
      /^Test\/Api: cpuTargetPercent 101 is invalid: a target utilization is a percentage from 1 to 100, and 0 is the one way to switch it off/],
    ['a negative memory target (never a silent "off")', { memoryTargetPercent: -1 }, { memoryTargetPercent: 0 },
      /memoryTargetPercent -1 is invalid/],
    ['a CPU target between 0 and 1 %', { cpuTargetPercent: 0.5 }, { cpuTargetPercent: 1 }, /cpuTargetPercent 0.5 is invalid/],
    ['a negative request target (never a silent "off")', { requestsPerTarget: -5 }, { requestsPerTarget: 0 },
      /requestsPerTarget -5 is invalid: a request-count scaling target.*0 is the one way to switch it off/],
  ];
  test.each(ROWS)('AWS constraint: %s fails, naming the prop and the value', (_rule, bad, good, message) => {
    expect(() => defaultService(newStack(), bad)).toThrow(message);
    expect(() => defaultService(newStack(), good)).not.toThrow();
  });

  const schedule = appscaling.Schedule.cron({ hour: '9', minute: '0' });
  test.each([
    ['minTasks above maxTasks', { schedule, minTasks: 5, maxTasks: 4 }, { schedule, minTasks: 4, maxTasks: 4 },
      /^Test\/Api\/Peak: minTasks 5 is invalid: minTasks must not exceed maxTasks \(4\)\. Lower minTasks or raise maxTasks/],
    ['neither minTasks nor maxTasks', { schedule }, { schedule, maxTasks: 3 }, /^Test\/Api\/Peak: minTasks undefined is invalid: a scheduled scaling action changes minTasks, maxTasks or both/],
    ['a negative task count', { schedule, minTasks: -1 }, { schedule, minTasks: 0 }, /Test\/Api\/Peak: minTasks -1 is invalid: a task count must be a whole number from 0 to 5000/],
  ] as const)('AWS constraint: scheduled scaling with %s fails, naming the prop and the value', (_rule, bad, good, message) => {
    const { service } = defaultService(newStack());
    expect(() => service.addScheduledScaling('Peak', bad)).toThrow(message);
    expect(() => service.addScheduledScaling('Peak', good)).not.toThrow();
  });

  test('a scaling window whose minTasks exceeds its maxTasks fails, naming both', () => {
    const { service } = defaultService(newStack());
    const start = appscaling.Schedule.cron({ hour: '9', minute: '0' });
    const end = appscaling.Schedule.cron({ hour: '18', minute: '0' });
    expect(() => service.addScalingWindow('Sale', { start, end, minTasks: 10, maxTasks: 8 }))
      .toThrow(/^Test\/Api\/Sale: minTasks 10 is invalid: minTasks must not exceed maxTasks \(8\)/);
    expect(() => service.addScalingWindow('Sale', { start, end, minTasks: 8, maxTasks: 8 })).not.toThrow();
  });
});

describe('names (ECS, Chatbot)', () => {
  const ROWS: Row[] = [
    ['an ECS service name with a space', { serviceName: 'items api' }, { serviceName: 'items-api' },
      /^Test\/Api: serviceName "items api" is invalid: an ECS service name has 1-255 letters, digits, '-' or '_'\. Use 'items-api'/],
    ['an ECS service name of 256 characters', { serviceName: 'a'.repeat(256) }, { serviceName: 'a'.repeat(255) }, /serviceName "a{256}" is invalid/],
    ['a Chatbot configuration name with a dot', { slackChatbot: { workspaceId: 'T1', channelId: 'C1', configurationName: 'shop.alarms' } },
      { slackChatbot: { workspaceId: 'T1', channelId: 'C1', configurationName: 'shop-alarms' } },
      /slackChatbot.configurationName "shop.alarms" is invalid: a Chatbot configuration name has 1-128 letters.*Use 'shop-alarms'/],
  ];
  test.each(ROWS)('AWS constraint: %s fails, naming the prop and the value', (_rule, bad, good, message) => {
    expect(() => defaultService(newStack(), bad)).toThrow(message);
    expect(() => defaultService(newStack(), good)).not.toThrow();
  });
});

describe('regions and scopes (ACM, WAF)', () => {
  const seoul = (options: { certificateRegion?: string; webAclArn?: string }) => () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'ap-northeast-2' } });
    const accessLogs = new LogArchiveBucket(stack, 'Logs');
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate',
      `arn:aws:acm:${options.certificateRegion ?? 'ap-northeast-2'}:111111111111:certificate/abc`);
    defaultService(stack, { loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, accessLogs, webAclArn: options.webAclArn }) });
  };
  const acl = (scope: string, region: string) => `arn:aws:wafv2:${region}:111111111111:${scope}/webacl/shop/0123abcd-0123-4567-89ab-0123456789ab`;

  test('AWS constraint: a load balancer certificate must be in the load balancer\'s Region', () => {
    expect(seoul({ certificateRegion: 'us-east-1' })).toThrow(
      /^Test\/Api: loadBalancer.certificate "arn:aws:acm:us-east-1:111111111111:certificate\/abc" is invalid: a load balancer takes ACM certificates from its own Region \(ap-northeast-2\), and this one is from us-east-1\. Request or import the certificate in ap-northeast-2/);
    expect(seoul({})).not.toThrow();
  });

  test('AWS constraint: a load balancer web ACL must be REGIONAL scope, not CLOUDFRONT', () => {
    expect(seoul({ webAclArn: acl('global', 'us-east-1') })).toThrow(/loadBalancer.webAclArn ".*global\/webacl.*" is invalid: .*this one is CLOUDFRONT scope/);
    expect(seoul({ webAclArn: acl('regional', 'ap-northeast-2') })).not.toThrow();
  });

  test('AWS constraint: a load balancer web ACL must be in the load balancer\'s Region', () => {
    expect(seoul({ webAclArn: acl('regional', 'us-west-2') })).toThrow(/loadBalancer.webAclArn ".*" is invalid: .*this one is from us-west-2/);
  });

  test('a certificate or web ACL that is a token is left to AWS', () => {
    expect(seoul({ webAclArn: Lazy.string({ produce: () => 'x' }) })).not.toThrow();
  });
});
