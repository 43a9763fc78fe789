import { CfnResource, Stack, Token, Validations, aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** A rule-pack finding that a construct means to have, and why. */
export interface NagAcknowledgement {
  /** Rule id as cdk-nag prints it, e.g. `AwsSolutions-S1` or `AwsSolutions-IAM5[Resource::*]`. */
  readonly id: string;
  /** Why the finding is intended; shown to reviewers. */
  readonly reason: string;
}

/** The compliance packs that name their rules `<pack>-<Rule>`. */
const COMPLIANCE_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];

/**
 * The same rule, with the same reason, in each compliance pack that has it
 * (all three unless `packs` names fewer).
 */
export function inCompliancePacks(rule: string, reason: string, packs: string[] = COMPLIANCE_PACKS): NagAcknowledgement[] {
  return packs.map((pack) => ({ id: `${pack}-${rule}`, reason }));
}

/**
 * Acknowledge findings on one construct so that consumers running cdk-nag see nothing from us.
 *
 * cdk-nag 3 reads CDK's native `Validations.of(c).acknowledge`; cdk-nag 2 reads the `cdk_nag`
 * metadata of the CloudFormation resource. We write both and never import cdk-nag, so it stays
 * out of our runtime dependencies.
 */
export function acknowledge(construct: IConstruct, acks: NagAcknowledgement[]): void {
  for (const ack of acks) acknowledgeInTree(construct, ack);
  const resource = cfnResourceOf(construct);
  if (!resource) {
    throw new Error(`${construct.node.path}: acknowledge found no CloudFormation resource to carry cdk_nag metadata`);
  }
  const existing = (resource.getMetadata('cdk_nag') as { rules_to_suppress?: NagAcknowledgement[] } | undefined)
    ?.rules_to_suppress ?? [];
  const merged = [...existing];
  for (const ack of acks) {
    // cdk-nag 2 writes a finding id as `Rule[Finding]` under `applies_to`; keep the same shape.
    const match = /^([^[]+)\[(.+)\]$/.exec(ack.id);
    const entry = match
      ? { id: match[1], reason: ack.reason, applies_to: [match[2]] }
      : { id: ack.id, reason: ack.reason };
    merged.push(entry as NagAcknowledgement);
  }
  resource.addMetadata('cdk_nag', { rules_to_suppress: merged });
}

/** CDK's acknowledgement in the construct tree, the one cdk-nag 3 reads. */
export function acknowledgeInTree(construct: IConstruct, ack: NagAcknowledgement): void {
  if (ack.id.split('::').length > 2) {
    // Findings about AWS managed policies (`IAM4[Policy::arn:<AWS::Partition>:...]`) hold '::',
    // which Validations.acknowledge refuses as an id; record them the way it records others.
    recordAcknowledgment(construct, ack);
  } else {
    Validations.of(construct).acknowledge({ id: ack.id, reason: ack.reason });
  }
}

function recordAcknowledgment(construct: IConstruct, ack: NagAcknowledgement): void {
  const key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;
  const previous = construct.node.metadata.filter((m) => m.type === key).pop()?.data ?? {};
  construct.node.addMetadata(key, { ...previous, [ack.id]: ack.reason });
}

/** The finding id of an AWS managed policy attached to a role (cdk-nag AwsSolutions-IAM4). */
export function managedPolicyFinding(policyName: string): string {
  return `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policyName}]`;
}

function cfnResourceOf(construct: IConstruct): CfnResource | undefined {
  if (CfnResource.isCfnResource(construct)) return construct;
  const child = construct.node.defaultChild;
  if (child && CfnResource.isCfnResource(child)) return child;
  return undefined;
}

/** A cfn-guard rule (e.g. the Control Tower proactive rules) a resource means to break, and why. */
export interface GuardSuppression {
  /** The rule name as cfn-guard reports it, e.g. `s3_bucket_object_lock_enabled_check`. */
  readonly rule: string;
  /** Why; the README's Compliance table carries it (cfn-guard reads only the rule names). */
  readonly reason: string;
}

/**
 * Write the rules into the resource's `Metadata.guard.SuppressedRules`, the convention of the AWS
 * Guard Rules Registry, so a consumer's cfn-guard run sees the trade-off on the resource itself.
 */
export function suppressGuard(construct: IConstruct, suppressions: GuardSuppression[]): void {
  const resource = cfnResourceOf(construct);
  if (!resource) {
    throw new Error(`${construct.node.path}: suppressGuard found no CloudFormation resource to carry guard metadata`);
  }
  const existing: string[] = (resource.getMetadata('guard') as { SuppressedRules?: string[] } | undefined)?.SuppressedRules ?? [];
  const rules = [...existing, ...suppressions.map((s) => s.rule).filter((r) => !existing.includes(r))];
  resource.addMetadata('guard', { SuppressedRules: rules });
}

/**
 * A resource ARN the way cdk-nag prints it in a finding id: references as `<Id.Attr>` and
 * pseudo parameters as `<AWS::Partition>`.
 */
export function nagResourceText(scope: IConstruct, value: string): string {
  const text = (v: unknown): string => {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object') {
      const o = v as Record<string, any>;
      if (o['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(text).join(o['Fn::Join'][0]);
      if (o.Ref) return `<${o.Ref}>`;
      if (o['Fn::GetAtt']) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
    }
    return JSON.stringify(v);
  };
  return text(Stack.of(scope).resolve(value));
}

/**
 * A log group's encryption as the packs and cfn-guard read it: with service keys it is explained;
 * with a key of another stack (a nested stack's parameter, an import) the Control Tower rule
 * cannot follow the reference, and on a bare parameter Ref a consumer's cfn-guard plugin
 * crashes, so the ARN is written as a join and explained.
 */
export function explainLogGroupKey(logGroup: logs.LogGroup, key: kms.IKey | undefined, withoutKey: string): void {
  if (!key) {
    explainServiceKeys(logGroup, withoutKey);
  } else if (Stack.of(key) !== Stack.of(logGroup) && Token.isUnresolved(key.keyArn)) {
    (logGroup.node.defaultChild as logs.CfnLogGroup).addPropertyOverride('KmsKeyId', { 'Fn::Join': ['', [key.keyArn]] });
    suppressGuard(logGroup, [{
      rule: 'cloudwatch_log_group_encrypted_check',
      reason: 'Encrypted with the KMS key given in logEncryptionKey, from another stack; the rule only follows references within the template.',
    }]);
  }
}

/** A log group encrypted by CloudWatch Logs with service keys, explained to the packs and cfn-guard. */
export function explainServiceKeys(logGroup: IConstruct, reason: string): void {
  acknowledge(logGroup, inCompliancePacks('CloudWatchLogGroupEncrypted', reason));
  suppressGuard(logGroup, [{ rule: 'cloudwatch_log_group_encrypted_check', reason }]);
}
