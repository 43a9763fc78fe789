// AWS quotas a synthesized system must fit, checked on the templates CloudFormation would receive
// (nested stacks resolved to the parent's resources through their parameters). The values and
// their sources are listed in docs/BENCHMARKS.md ("Quotas"); each is the default of a new account.
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, NestedStack, Stack, cx_api as cxapi } from 'aws-cdk-lib';

export const QUOTAS = {
  stackResources: 500,
  stackOutputs: 200,
  stackParameters: 200,
  templateBytes: 1_000_000,
  securityGroupRulesPerDirection: 60,
  securityGroupsPerInterface: 5,
  rulesPerLoadBalancer: 100,
  targetGroupsPerLoadBalancer: 100,
  listenersPerLoadBalancer: 50,
  eventRulesPerBus: 300,
  rolesPerAccount: 1000,
  inlinePolicyCharsPerRole: 10_240,
  managedPoliciesPerRole: 10,
  managedPolicyChars: 6_144,
  bucketPolicyBytes: 20_480,
  keyPolicyBytes: 32_768,
  topicPolicyBytes: 30_720,
  subscriptionFiltersPerLogGroup: 2,
  dashboardWidgets: 500,
  dashboardMetrics: 2_500,
  graphMetrics: 500,
};

/** One stack's template and where its nested stack resource sits in its parent. */
interface Entry {
  readonly key: string;
  readonly template: any;
  readonly parent?: { entry: Entry; logicalId: string };
}

/** What a quota measured: the largest use, where, against the quota. */
export interface QuotaUse {
  readonly quota: keyof typeof QUOTAS;
  readonly largest: number;
  readonly where: string;
  readonly limit: number;
}

/**
 * A rule naming a prefix list counts as the list's maximum entries: the only list this library
 * names is CloudFront's origin-facing one, which weighs 55.
 */
const PREFIX_LIST_RULE_WEIGHT = 55;
const ruleWeight = (rule: any) => (rule.SourcePrefixListId || rule.DestinationPrefixListId ? PREFIX_LIST_RULE_WEIGHT : 1);

/** Characters a deploy-time value takes once resolved: an ARN, id or name is taken as 80. */
const TOKEN_CHARS = 80;

/** Approximate size of a policy document once CloudFormation resolves it (IAM does not count whitespace). */
export function resolvedSize(value: any): number {
  if (typeof value === 'string') return JSON.stringify(value).length;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  if (Array.isArray(value)) return 2 + value.reduce((n, v) => n + resolvedSize(v) + 1, 0);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'Fn::Join') {
      const [, parts] = value['Fn::Join'];
      return 2 + (parts as any[]).reduce((n, p) => n + (typeof p === 'string' ? p.length : TOKEN_CHARS), 0);
    }
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return TOKEN_CHARS + 2;
    return 2 + keys.reduce((n, k) => n + JSON.stringify(k).length + 1 + resolvedSize(value[k]) + 1, 0);
  }
  return 4;
}

/** Every stack of the app (nested ones included) with its template as synthesized. */
function entries(app: App, assembly: cxapi.CloudAssembly): Entry[] {
  const stacks = app.node.findAll().filter(Stack.isStack);
  const byStack = new Map<Stack, Entry>();
  const make = (stack: Stack): Entry => {
    const known = byStack.get(stack);
    if (known) return known;
    const template = JSON.parse(fs.readFileSync(path.join(assembly.directory, stack.templateFile), 'utf8'));
    let parent: Entry['parent'];
    if (NestedStack.isNestedStack(stack) && stack.nestedStackResource) {
      const parentStack = Stack.of(stack.nestedStackResource);
      parent = { entry: make(parentStack), logicalId: parentStack.resolve((stack.nestedStackResource as CfnResource).logicalId) };
    }
    const entry = { key: stack.node.path, template, parent };
    byStack.set(stack, entry);
    return entry;
  };
  return stacks.map(make);
}

/** A resource a value names, as `<stack path>#<logical id>`: through nested stacks' parameters and outputs. */
function resolveTarget(entry: Entry, value: any, all: Entry[]): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ref = value.Ref ?? (Array.isArray(value['Fn::GetAtt']) ? value['Fn::GetAtt'][0] : undefined);
  if (typeof ref !== 'string') return undefined;
  const attr = Array.isArray(value['Fn::GetAtt']) ? String(value['Fn::GetAtt'][1]) : '';
  const resource = entry.template.Resources?.[ref];
  if (resource) {
    if (resource.Type === 'AWS::CloudFormation::Stack' && attr.startsWith('Outputs.')) {
      const child = all.find((e) => e.parent?.entry === entry && e.parent.logicalId === ref);
      const output = child?.template.Outputs?.[attr.slice('Outputs.'.length)];
      return child && output ? resolveTarget(child, output.Value, all) : undefined;
    }
    return `${entry.key}#${ref}`;
  }
  if (entry.template.Parameters?.[ref] && entry.parent) {
    const given = entry.parent.entry.template.Resources[entry.parent.logicalId].Properties?.Parameters?.[ref];
    return resolveTarget(entry.parent.entry, given, all);
  }
  return undefined;
}

/** Measure every quota on the app's synthesized templates. */
export function measureQuotas(app: App, assembly: cxapi.CloudAssembly): QuotaUse[] {
  const all = entries(app, assembly);
  const uses: QuotaUse[] = [];
  const counts = new Map<string, Map<string, number>>();
  const add = (quota: keyof typeof QUOTAS, where: string, n = 1) => {
    const m = counts.get(quota) ?? new Map<string, number>();
    m.set(where, (m.get(where) ?? 0) + n);
    counts.set(quota, m);
  };
  const max = (quota: keyof typeof QUOTAS, where: string, n: number) => {
    const m = counts.get(quota) ?? new Map<string, number>();
    m.set(where, Math.max(m.get(where) ?? 0, n));
    counts.set(quota, m);
  };
  const resources = (type: string) => all.flatMap((e) => Object.entries<any>(e.template.Resources ?? {})
    .filter(([, r]) => r.Type === type).map(([id, r]) => ({ entry: e, id, r, key: `${e.key}#${id}` })));
  const target = (e: Entry, v: any) => resolveTarget(e, v, all) ?? JSON.stringify(v);

  for (const e of all) {
    max('stackResources', e.key, Object.keys(e.template.Resources ?? {}).length);
    max('stackOutputs', e.key, Object.keys(e.template.Outputs ?? {}).length);
    max('stackParameters', e.key, Object.keys(e.template.Parameters ?? {}).length);
    max('templateBytes', e.key, JSON.stringify(e.template, undefined, 1).length);
  }
  // Security groups: inline rules, and standalone rules on the group they name.
  for (const { key, r } of resources('AWS::EC2::SecurityGroup')) {
    const weigh = (rules: any[] = []) => rules.reduce((n, rule) => n + ruleWeight(rule), 0);
    add('securityGroupRulesPerDirection', `${key} ingress`, weigh(r.Properties?.SecurityGroupIngress));
    add('securityGroupRulesPerDirection', `${key} egress`, weigh(r.Properties?.SecurityGroupEgress));
  }
  for (const [type, direction] of [['AWS::EC2::SecurityGroupIngress', 'ingress'], ['AWS::EC2::SecurityGroupEgress', 'egress']]) {
    for (const { entry, r } of resources(type)) add('securityGroupRulesPerDirection', `${target(entry, r.Properties.GroupId)} ${direction}`, ruleWeight(r.Properties));
  }
  for (const { key, r } of resources('AWS::ECS::Service')) {
    max('securityGroupsPerInterface', key, (r.Properties?.NetworkConfiguration?.AwsvpcConfiguration?.SecurityGroups ?? []).length);
  }
  for (const { key, r } of resources('AWS::Lambda::Function')) {
    max('securityGroupsPerInterface', key, (r.Properties?.VpcConfig?.SecurityGroupIds ?? []).length);
  }
  // Load balancers: listeners, rules and the target groups their actions name.
  const listenerBalancer = new Map<string, string>();
  const groupsOf = new Map<string, Set<string>>();
  const forwardTo = (entry: Entry, balancer: string, actions: any[]) => {
    const groups = groupsOf.get(balancer) ?? new Set<string>();
    for (const action of actions ?? []) {
      if (action.TargetGroupArn) groups.add(target(entry, action.TargetGroupArn));
      for (const tg of action.ForwardConfig?.TargetGroups ?? []) groups.add(target(entry, tg.TargetGroupArn));
    }
    groupsOf.set(balancer, groups);
  };
  for (const { entry, key, r } of resources('AWS::ElasticLoadBalancingV2::Listener')) {
    const balancer = target(entry, r.Properties.LoadBalancerArn);
    listenerBalancer.set(key, balancer);
    add('listenersPerLoadBalancer', balancer);
    forwardTo(entry, balancer, r.Properties.DefaultActions);
  }
  for (const { entry, r } of resources('AWS::ElasticLoadBalancingV2::ListenerRule')) {
    const listener = target(entry, r.Properties.ListenerArn);
    const balancer = listenerBalancer.get(listener) ?? listener;
    add('rulesPerLoadBalancer', balancer);
    forwardTo(entry, balancer, r.Properties.Actions);
  }
  for (const [balancer, groups] of groupsOf) max('targetGroupsPerLoadBalancer', balancer, groups.size);
  // EventBridge rules on each account's default bus (one Region per app here).
  for (const { r } of resources('AWS::Events::Rule')) add('eventRulesPerBus', r.Properties?.EventBusName ? JSON.stringify(r.Properties.EventBusName) : 'default bus');
  // IAM
  add('rolesPerAccount', 'account', resources('AWS::IAM::Role').length);
  for (const { key, r } of resources('AWS::IAM::Role')) {
    add('inlinePolicyCharsPerRole', key, (r.Properties?.Policies ?? []).reduce((n: number, p: any) => n + resolvedSize(p.PolicyDocument), 0));
    add('managedPoliciesPerRole', key, (r.Properties?.ManagedPolicyArns ?? []).length);
  }
  for (const { entry, r } of resources('AWS::IAM::Policy')) {
    for (const role of r.Properties?.Roles ?? []) add('inlinePolicyCharsPerRole', target(entry, role), resolvedSize(r.Properties.PolicyDocument));
  }
  for (const { entry, key, r } of resources('AWS::IAM::ManagedPolicy')) {
    max('managedPolicyChars', key, resolvedSize(r.Properties.PolicyDocument));
    for (const role of r.Properties?.Roles ?? []) add('managedPoliciesPerRole', target(entry, role));
  }
  // Resource policies
  for (const { entry, r } of resources('AWS::S3::BucketPolicy')) add('bucketPolicyBytes', target(entry, r.Properties.Bucket), resolvedSize(r.Properties.PolicyDocument));
  for (const { key, r } of resources('AWS::KMS::Key')) max('keyPolicyBytes', key, resolvedSize(r.Properties.KeyPolicy));
  for (const { entry, r } of resources('AWS::SNS::TopicPolicy')) {
    for (const topic of r.Properties.Topics ?? []) add('topicPolicyBytes', target(entry, topic), resolvedSize(r.Properties.PolicyDocument));
  }
  for (const { entry, r } of resources('AWS::Logs::SubscriptionFilter')) add('subscriptionFiltersPerLogGroup', target(entry, r.Properties.LogGroupName));
  // Dashboards: the body with every deploy-time value as a placeholder of the same kind.
  for (const { key, r } of resources('AWS::CloudWatch::Dashboard')) {
    const body = dashboardBody(r.Properties.DashboardBody);
    const widgets: any[] = body.widgets ?? [];
    max('dashboardWidgets', key, widgets.length);
    const metricsOf = (w: any) => (w.properties?.metrics ?? []).length;
    max('dashboardMetrics', key, widgets.reduce((n, w) => n + metricsOf(w), 0));
    for (const w of widgets) max('graphMetrics', key, metricsOf(w));
  }
  for (const [quota, m] of counts) {
    const [where, largest] = [...m.entries()].sort((a, b) => b[1] - a[1])[0];
    uses.push({ quota: quota as keyof typeof QUOTAS, largest, where, limit: QUOTAS[quota as keyof typeof QUOTAS] });
  }
  return uses;
}

/** A dashboard body (a string or an Fn::Join of strings and deploy-time values) as JSON. */
function dashboardBody(body: any): any {
  if (typeof body === 'string') return JSON.parse(body);
  const [sep, parts] = body['Fn::Join'];
  return JSON.parse((parts as any[]).map((p) => (typeof p === 'string' ? p : 'x'.repeat(TOKEN_CHARS))).join(sep));
}

/**
 * Resources of each template that depend on themselves through `DependsOn`, `Ref`, `Fn::GetAtt`
 * and `Fn::Sub` (CloudFormation refuses such a template: "Circular dependency between resources").
 */
export function circularDependencies(app: App, assembly: cxapi.CloudAssembly): string[] {
  const found: string[] = [];
  for (const { key, template } of entries(app, assembly)) {
    const ids = new Set(Object.keys(template.Resources ?? {}));
    const edges = new Map<string, Set<string>>();
    const refs = (value: any, into: Set<string>): void => {
      if (Array.isArray(value)) { value.forEach((v) => refs(v, into)); return; }
      if (!value || typeof value !== 'object') return;
      if (typeof value.Ref === 'string' && ids.has(value.Ref)) into.add(value.Ref);
      if (Array.isArray(value['Fn::GetAtt']) && ids.has(value['Fn::GetAtt'][0])) into.add(value['Fn::GetAtt'][0]);
      if (value['Fn::Sub'] !== undefined) {
        const text = Array.isArray(value['Fn::Sub']) ? value['Fn::Sub'][0] : value['Fn::Sub'];
        for (const m of String(text).matchAll(/\$\{([^}.!]+)[^}]*\}/g)) if (ids.has(m[1])) into.add(m[1]);
      }
      Object.values(value).forEach((v) => refs(v, into));
    };
    for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
      const to = new Set<string>([r.DependsOn ?? []].flat().filter((d: string) => ids.has(d)));
      refs(r.Properties, to);
      edges.set(id, to);
    }
    // Depth-first search with colours: grey on the stack, black done.
    const colour = new Map<string, 'grey' | 'black'>();
    const visit = (id: string): boolean => {
      if (colour.get(id) === 'grey') return true;
      if (colour.get(id) === 'black') return false;
      colour.set(id, 'grey');
      for (const next of edges.get(id) ?? []) {
        if (visit(next)) { found.push(`${key}#${id}`); colour.set(id, 'black'); return true; }
      }
      colour.set(id, 'black');
      return false;
    };
    for (const id of ids) visit(id);
  }
  return found;
}
