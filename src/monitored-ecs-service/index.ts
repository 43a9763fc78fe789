// Public API only: the helper functions in these files stay internal.
export type { AlarmOptions, CreatedAlarms, ServiceAlarmsOptions } from './alarms';
export type { NewLoadBalancerOptions, SharedListenerOptions } from './load-balancer';
export { ServiceLoadBalancer } from './load-balancer';
export { ServiceDeployment, TestTraffic } from './deployment';
export type { CanaryDeploymentOptions, LinearDeploymentOptions, ProgressiveDeploymentOptions, SmokeTestPath, TestTrafficHeaderOptions } from './deployment';
export * from './monitored-ecs-service';
export * from './mutual-tls';
export type { ChatbotSlackChannel } from './slack-channel';
export type { PrometheusOptions } from './prometheus';
export type { ScalingOptions, ScalingTargetOptions } from './scaling';
export type { ServiceConnectOptions } from './service-connect';
