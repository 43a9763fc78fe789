// Load balancer and target group inputs AWS would reject fail at synth (issue #16, category 1):
// each row names the prop, a value just outside what AWS accepts, and the message; the valid row
// beside it is the boundary, which must synthesize. Messages follow one format:
// `<construct path>: <prop> <value> is invalid: <rule>. <how to fix>`.
import { App, Duration, Lazy, Stack, Token, aws_applicationautoscaling as appscaling, aws_certificatemanager as acm, aws_ec2 as ec2, aws_logs as logs } from 'aws-cdk-lib';
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
  ['slow start below 30 s', { slowStart: s(29) }, { slowStart: s(30) },
    /^Test\/Api: slowStart 29 seconds is invalid: a target group slow start is whole seconds from 30 to 900, or 0 for none/],
  ['slow start above 900 s', { slowStart: s(901) }, { slowStart: s(900) }, /slowStart 901 seconds is invalid/],
  ['slow start of a fraction of a second', { slowStart: Duration.millis(30500) }, { slowStart: s(0) }, /slowStart 30.5 seconds is invalid/],
  ['a health check grace period of a fraction of a second', { healthCheckGracePeriod: Duration.millis(1500) }, { healthCheckGracePeriod: s(0) },
    /healthCheckGracePeriod 1.5 seconds is invalid: an ECS health check grace period must be whole seconds/],
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
    const logArchive = new LogArchiveBucket(stack, 'Logs');
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:us-east-1:111111111111:certificate/abc');
    defaultService(stack, { loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, logArchive, idleTimeout }) });
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
    ['a CPU target above 100 %', { scaling: { cpu: { target: 101 } } }, { scaling: { cpu: { target: 100 } } },
      /^Test\/Api: scaling.cpu.target 101 is invalid: a target utilization is a percentage from 1 to 100\. Give a value from 1 to 100, or switch the signal off with scaling: \{ cpu: \{ enabled: false \} \}/],
    ['a 0 % memory target (never a silent "off")', { scaling: { memory: { target: 0 } } }, { scaling: { memory: { enabled: false } } },
      /scaling.memory.target 0 is invalid/],
    ['a CPU target between 0 and 1 %', { scaling: { cpu: { target: 0.5 } } }, { scaling: { cpu: { target: 1 } } }, /scaling.cpu.target 0.5 is invalid/],
    ['a zero request target (never a silent "off")', { scaling: { requests: { target: 0 } } }, { scaling: { requests: { target: 1 } } },
      /scaling.requests.target 0 is invalid: a request-count target is a positive number.*scaling: \{ requests: \{ enabled: false \} \}/],
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

describe('CloudWatch Logs retention', () => {
  test.each([
    ['45 days', 45, 60, /^Test\/Api: logRetention 45 is invalid: CloudWatch Logs keeps logs for one of 1, 3, 5, .*3653 days, or forever \(INFINITE\)\. Use 30 days \(RetentionDays.ONE_MONTH\) or 60 days \(RetentionDays.TWO_MONTHS\)/],
    ['0 days', 0, 1, /logRetention 0 is invalid: .*Use 1 day \(RetentionDays.ONE_DAY\)\./],
    ['4000 days', 4000, 9999, /logRetention 4000 is invalid: .*Use 3653 days \(RetentionDays.TEN_YEARS\)\./],
  ])('AWS constraint: a retention of %s fails, listing the nearest allowed values', (_name, bad, good, message) => {
    expect(() => defaultService(newStack(), { logRetention: bad as logs.RetentionDays })).toThrow(message);
    expect(() => defaultService(newStack(), { logRetention: good as logs.RetentionDays })).not.toThrow();
  });
});

describe('schedules (Application Auto Scaling)', () => {
  const e = appscaling.Schedule.expression;
  test.each([
    ['a cron with 5 fields', e('cron(0 9 * * ?)'), e('cron(0 9 * * ? *)'), /schedule "cron\(0 9 \* \* \?\)" is invalid: an Application Auto Scaling schedule is at\(.*cron\(\) takes 6 fields and this has 5\. Build it with appscaling.Schedule.cron/],
    ['a cron with both day fields', e('cron(0 9 1 * MON *)'), e('cron(0 9 1 * ? *)'), /exactly one of day-of-month and day-of-week must be '\?'/],
    ['a cron minute of 60', e('cron(60 9 ? * MON-FRI *)'), e('cron(59 9 ? * MON-FRI *)'), /minutes '60' takes values from 0 to 59/],
    ['a cron hour of 24', e('cron(0 24 * * ? *)'), e('cron(0 23 * * ? *)'), /hours '24' takes values from 0 to 23/],
    ['a cron month of 13', e('cron(0 9 1 13 ? *)'), e('cron(0 9 1 DEC ? *)'), /month '13' takes values from 1 to 12 or JAN-DEC/],
    ['a cron weekday of MONDAY', e('cron(0 9 ? * MONDAY *)'), e('cron(0 9 ? * 2#1 *)'), /day-of-week 'MONDAY' takes values/],
    ['a cron step of 0', e('cron(*/0 * * * ? *)'), e('cron(*/15 * * * ? *)'), /minutes '\*\/0' has a bad step/],
    ['a date that does not exist', e('at(2027-02-30T09:00:00)'), e('at(2027-02-28T09:00:00)'), /schedule "at\(2027-02-30T09:00:00\)" is invalid: .*this date does not exist/],
    ['a rate of 0', e('rate(0 minutes)'), e('rate(1 minute)'), /a rate is at least 1/],
    ['an expression of no kind', e('daily at 9'), e('cron(0 9 L * ? *)'), /schedule "daily at 9" is invalid: .*it is none of the three/],
  ])('AWS constraint: %s fails, naming the schedule', (_name, bad, good, message) => {
    const { service } = defaultService(newStack());
    expect(() => service.addScheduledScaling('Peak', { schedule: bad, maxTasks: 3 })).toThrow(message);
    expect(() => service.addScheduledScaling('Peak', { schedule: good, maxTasks: 3 })).not.toThrow();
  });

  test.each([
    ['a window that closes when it opens', e('cron(0 9 * * ? *)'), e('cron(0 9 * * ? *)'), e('cron(0 18 * * ? *)'),
      /^Test\/Api\/Sale: end "cron\(0 9 \* \* \? \*\)" is invalid: the window would close when it opens/],
    ['a one-off window that ends before it starts', e('at(2027-11-27T08:00:00)'), e('at(2027-11-26T20:00:00)'), e('at(2027-11-28T20:00:00)'),
      /^Test\/Api\/Sale: end "at\(2027-11-26T20:00:00\)" is invalid: a one-off window must end after it starts/],
    ['a window that ends on a rate', e('cron(0 9 * * ? *)'), e('rate(8 hours)'), e('cron(0 17 * * ? *)'),
      /end "rate\(8 hours\)" is invalid: a window opens and closes at clock times/],
    ['a window with a bad cron', e('cron(0 9 * * MON *)'), e('cron(0 18 * * ? *)'), e('cron(0 18 * * ? *)'),
      /start "cron\(0 9 \* \* MON \*\)" is invalid/],
  ])('AWS constraint: %s fails, naming the edge', (_name, start, badEnd, goodEnd, message) => {
    const { service } = defaultService(newStack());
    const fixedStart = start.expressionString.includes('MON *') ? e('cron(0 9 ? * MON *)') : start;
    expect(() => service.addScalingWindow('Sale', { start, end: badEnd, minTasks: 4 })).toThrow(message);
    expect(() => service.addScalingWindow('Sale', { start: fixedStart, end: goodEnd, minTasks: 4 })).not.toThrow();
  });

  test('an empty or taken schedule id fails, naming the id and the service', () => {
    const { service } = defaultService(newStack());
    const schedule = e('cron(0 9 * * ? *)');
    expect(() => service.addScheduledScaling('', { schedule, maxTasks: 3 })).toThrow(/^Test\/Api: scheduled scaling action id "" is invalid: a scheduled scaling action needs a non-empty id.*Give it an id such as 'Peak'/);
    service.addScheduledScaling('Peak', { schedule, maxTasks: 3 });
    expect(() => service.addScheduledScaling('Peak', { schedule, maxTasks: 4 })).toThrow(/^Test\/Api: scheduled scaling action id "Peak" is invalid: another scheduled scaling action of Test\/Api already has it/);
    service.addScalingWindow('Sale', { start: schedule, end: e('cron(0 18 * * ? *)'), minTasks: 3 });
    expect(() => service.addScalingWindow('Sale', { start: schedule, end: e('cron(0 19 * * ? *)'), minTasks: 3 })).toThrow(/scaling window id "Sale" is invalid: another scaling window of Test\/Api already has it/);
    expect(() => service.addScheduledScaling('Peak2', { schedule, maxTasks: 4 })).not.toThrow();
  });

  test('a window across midnight is valid', () => {
    const { service } = defaultService(newStack());
    expect(() => service.addScalingWindow('Night', { start: e('cron(0 22 * * ? *)'), end: e('cron(0 6 * * ? *)'), minTasks: 3 })).not.toThrow();
  });

  test('a schedule that is a token is left to AWS', () => {
    const { service } = defaultService(newStack());
    expect(() => service.addScheduledScaling('Peak', { schedule: e(Lazy.string({ produce: () => 'nonsense' })), maxTasks: 3 })).not.toThrow();
  });
});

describe('props that cannot apply together, and paths', () => {
  test('a vpc other than the cluster\'s fails, naming vpc to remove', () => {
    const stack = newStack();
    const { service } = defaultService(stack);
    const other = new ec2.Vpc(stack, 'Other', { maxAzs: 2, natGateways: 0 });
    const build = (vpc: ec2.IVpc, id = vpc === other ? 'S1' : 'S2') => () => new MonitoredEcsService(stack, id, {
      cluster: service.cluster, vpc, image: IMAGE, loadBalancer: ServiceLoadBalancer.sharedListener(service.listener, { priority: 7, pathPatterns: ['/s/*'] }),
    });
    expect(build(other)).toThrow(/^Test\/S1: vpc "Test\/Other" is invalid: the service runs in the VPC of its cluster \(Test\/AppVpc\), so this vpc would be ignored\. Remove vpc/);
    expect(build(service.cluster.vpc)).not.toThrow();
  });

  test.each([
    ['a scratch path that is relative', { scratchPaths: ['tmp'] }, { scratchPaths: ['/tmp'] }, /^Test\/Api: scratchPaths "tmp" is invalid: .*an absolute path\. Write it as '\/tmp'/],
    ['a Prometheus path without a slash', { prometheus: { path: 'metrics' } }, { prometheus: { path: '/metrics' } }, /prometheus.path "metrics" is invalid: a metrics path starts with '\/'/],
    ['a Prometheus port of 0', { prometheus: { port: 0 } }, { prometheus: { port: 1 } }, /prometheus.port 0 is invalid: a metrics port must be a whole number from 1 to 65535/],
    ['a scrape interval above an hour', { prometheus: { scrapeInterval: s(3601) } }, { prometheus: { scrapeInterval: s(3600) } }, /prometheus.scrapeInterval 3601 seconds is invalid/],
  ] as Row[])('AWS constraint: %s fails, naming the prop and the value', (_rule, bad, good, message) => {
    expect(() => defaultService(newStack(), bad)).toThrow(message);
    expect(() => defaultService(newStack(), good)).not.toThrow();
  });
});

describe('regions and scopes (ACM, WAF)', () => {
  const seoul = (options: { certificateRegion?: string; webAclArn?: string }) => () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'ap-northeast-2' } });
    const logArchive = new LogArchiveBucket(stack, 'Logs');
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate',
      `arn:aws:acm:${options.certificateRegion ?? 'ap-northeast-2'}:111111111111:certificate/abc`);
    defaultService(stack, { loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, logArchive, webAclArn: options.webAclArn }) });
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

describe('task size, task counts, health check, Spot share and alarm thresholds', () => {
  test('AWS constraint: Fargate accepts only documented CPU/memory pairs', () => {
    expect(() => defaultService(newStack(), { cpu: 256, memoryLimitMiB: 4096 })).toThrow(/^Test\/Api: memoryLimitMiB 4096 is invalid: it is not valid with cpu 256; Fargate accepts 512-2048 MiB/);
    expect(() => defaultService(newStack(), { cpu: 300 })).toThrow(/^Test\/Api: cpu 300 is invalid: cpu 300 is not a Fargate size\. Use one of 256, 512/);
    expect(() => defaultService(newStack(), { cpu: 8192, memoryLimitMiB: 18432 })).toThrow(/steps of 4096/);
    expect(() => defaultService(newStack(), { cpu: 1024, memoryLimitMiB: 8192 })).not.toThrow();
  });

  test('fails when minTasks > maxTasks', () => {
    expect(() => defaultService(newStack(), { minTasks: 5, maxTasks: 2 })).toThrow(/^Test\/Api: minTasks 5 is invalid: minTasks \(5\) must not exceed maxTasks \(2\)/);
  });

  test('fails when the health check path lacks a leading slash', () => {
    expect(() => defaultService(newStack(), { healthCheck: { path: 'healthz' } })).toThrow(/healthCheck.path "healthz" is invalid: a health check path starts with '\/'.*Write it as '\/healthz'/);
  });

  test('fails when the health check timeout is not shorter than the interval', () => {
    expect(() => defaultService(newStack(), { healthCheck: { interval: Duration.seconds(5), timeout: Duration.seconds(5) } }))
      .toThrow(/healthCheck.timeout 5 seconds is invalid: a health check timeout must be shorter than its interval \(5 seconds\)/);
  });

  test('fails on a Spot share outside 0..1', () => {
    expect(() => defaultService(newStack(), { spotShare: 1.5 })).toThrow(/^Test\/Api: spotShare 1.5 is invalid: the share of tasks on Fargate Spot is from 0 to 1/);
  });

  test('fails without a vpc or a cluster', () => {
    const stack = newStack();
    const made = defaultService(stack);
    expect(() => new MonitoredEcsService(stack, 'X', { image: IMAGE, loadBalancer: ServiceLoadBalancer.sharedListener(made.service.listener, { priority: 1, pathPatterns: ['/'] }) }))
      .toThrow(/vpc undefined is invalid: a service runs in a cluster, and none was given\. Give vpc/);
  });

  test('fails on a negative alarm threshold', () => {
    expect(() => defaultService(newStack(), { alarms: { cpu: { threshold: -1 } } })).toThrow(/^Test\/Api: alarms.cpu.threshold -1 is invalid: a percentage threshold must be above 0 and at most 100/);
  });
});
