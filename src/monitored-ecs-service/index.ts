// Public API only: helpers in these files stay internal.
export { AlarmOptions, CreatedAlarms, ServiceAlarmsOptions } from './alarms';
export { NewLoadBalancerOptions, ServiceLoadBalancer, SharedListenerOptions } from './load-balancer';
export * from './monitored-ecs-service';
export { ChatbotSlackChannel } from './notifications';
export { PrometheusOptions } from './prometheus';
