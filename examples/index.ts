// Every example app, for the main job (`npx projen examples`) and CI.
import { App } from 'aws-cdk-lib';
import { createApp as eventPeak } from './event-peak/app';
import { createApp as globalFanSite } from './global-fan-site/app';
import { createApp as itemsDynamoDbDomain } from './items-dynamodb-domain/app';
import { createApp as logArchive } from './log-archive/app';
import { createApp as monitoredService } from './monitored-service/app';
import { createApp as pathRoutingNatInstance } from './path-routing-nat-instance/app';
import { createApp as prometheusGrafana } from './prometheus-grafana/app';
import { createApp as threeTier } from './three-tier/app';

export interface ExampleApp {
  readonly name: string;
  readonly create: (app: App) => App;
}

export const EXAMPLES: ExampleApp[] = [
  { name: 'log-archive', create: logArchive },
  { name: 'monitored-service', create: monitoredService },
  { name: 'three-tier', create: threeTier },
  { name: 'prometheus-grafana', create: prometheusGrafana },
  { name: 'items-dynamodb-domain', create: itemsDynamoDbDomain },
  { name: 'path-routing-nat-instance', create: pathRoutingNatInstance },
  { name: 'global-fan-site', create: globalFanSite },
  { name: 'event-peak', create: eventPeak },
];
