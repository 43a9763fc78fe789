// Every example app, for the main job (`npx projen examples`) and CI.
import { App } from 'aws-cdk-lib';
import { createApp as logArchive } from './log-archive/app';
import { createApp as monitoredService } from './monitored-service/app';
import { createApp as threeTier } from './three-tier/app';

export interface ExampleApp {
  readonly name: string;
  readonly create: (app: App) => App;
}

export const EXAMPLES: ExampleApp[] = [
  { name: 'log-archive', create: logArchive },
  { name: 'monitored-service', create: monitoredService },
  { name: 'three-tier', create: threeTier },
];
