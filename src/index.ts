export * from './image-repository';
export * from './log-archive-bucket';
export * from './monitored-ecs-service';
export * from './three-tier-app';
export * from './valkey-cache';
