export * from './alarms';
export * from './load-balancer';
export * from './monitored-ecs-service';
export * from './notifications';
export * from './prometheus';
