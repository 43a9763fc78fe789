// Example: an event environment. The production profile (3 AZs, a NAT gateway per AZ, Aurora
// with a reader, 2-10 on-demand tasks) plus a peak window: the ticket API runs 12-40 tasks while
// sales are open, then returns to its own limits. Container logs go CloudWatch Logs -> Firehose
// -> the S3 log archive -> Athena. Seoul (ap-northeast-2), with the WAF web ACL in us-east-1.
// Deploy: cd examples/event-peak && npx cdk deploy --all, then query in the AthenaWorkGroup output's workgroup:
//         SELECT message FROM <AppLogsTableName output> WHERE year = '2026' AND month = '12' AND day = '05' LIMIT 100
//         (or run the saved query app-log-errors-today)
import { App, CfnOutput, Stack, aws_applicationautoscaling as appscaling } from 'aws-cdk-lib';
import { CostProfile, ThreeTierApp, ThreeTierEdgeStack } from '../../src';
import { itemsService } from '../shared';

export function createApp(app: App = new App()): App {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const edge = new ThreeTierEdgeStack(app, 'EventPeakEdge', { env: { account, region: 'us-east-1' } });
  const stack = new Stack(app, 'EventPeakSystem', { env: { account, region: 'ap-northeast-2' }, crossRegionReferences: true });

  const system = new ThreeTierApp(stack, 'Event', { profile: CostProfile.production(), edge });
  // Its log group streams to the archive through Firehose (ThreeTierApp does that for every service).
  const tickets = system.addService('Tickets', itemsService('postgres'));
  // Sales open at 10:00 KST (01:00 UTC) on 5 December; schedules are in UTC.
  tickets.addScalingWindow('TicketSale', {
    start: appscaling.Schedule.cron({ month: '12', day: '5', hour: '0', minute: '30' }),
    end: appscaling.Schedule.cron({ month: '12', day: '5', hour: '4', minute: '0' }),
    minTasks: 12,
    maxTasks: 40,
  });
  const archive = system.logArchive;

  new CfnOutput(stack, 'Url', { value: system.url });
  new CfnOutput(stack, 'AthenaWorkGroup', { value: archive.workGroupName });
  new CfnOutput(stack, 'AppLogsTableName', { value: `${archive.glueDatabaseName}.cloudwatch_logs` });
  return app;
}

if (require.main === module) createApp().synth();
