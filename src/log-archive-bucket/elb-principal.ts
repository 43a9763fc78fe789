import { Aws, CfnCondition, CfnMapping, Fn, ICfnConditionExpression, Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { Fact, FactName, RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';

/** ELB log delivery service principal, used by Regions launched from August 2022 on. */
export const ELB_LOG_DELIVERY_PRINCIPAL = 'logdelivery.elasticloadbalancing.amazonaws.com';

/** Regions that predate the service principal, with the regional ELB account that writes logs. */
export function legacyElbAccounts(): Record<string, string> {
  const accounts: Record<string, string> = {};
  for (const region of RegionInfo.regions) {
    const account = Fact.find(region.name, FactName.ELBV2_ACCOUNT);
    if (account) accounts[region.name] = account;
  }
  return accounts;
}

/**
 * The principals that may write ALB access logs in the stack's Region.
 *
 * With a concrete Region we pick one: the regional ELB account for older Regions, the service
 * principal for newer ones. In an env-agnostic stack the Region is only known at deploy time, so
 * we grant the service principal and, under a condition that is true only in the older Regions,
 * the ELB account looked up from a mapping. (A chain of nested `Fn::If`s would avoid the mapping,
 * but `aws-cdk-lib/assertions` walks nested arrays exponentially and consumers' tests would hang.)
 */
export function albLogWriterPrincipals(scope: Construct): iam.IPrincipal {
  const region = Stack.of(scope).region;
  const accounts = legacyElbAccounts();
  if (!Token.isUnresolved(region)) {
    const account = accounts[region];
    return account
      ? new iam.ArnPrincipal(`arn:${Aws.PARTITION}:iam::${account}:root`)
      : new iam.ServicePrincipal(ELB_LOG_DELIVERY_PRINCIPAL);
  }
  // Every Region CDK knows has an entry (newer ones a placeholder that the condition never selects),
  // so the lookup can only miss in a Region launched after this aws-cdk-lib version.
  const mapping = new CfnMapping(scope, 'ElbLogAccounts', {
    mapping: Object.fromEntries(RegionInfo.regions.map((r) => [r.name, { account: accounts[r.name] ?? 'none' }])),
  });
  const equals = Object.keys(accounts).map((name) => Fn.conditionEquals(Aws.REGION, name));
  const chunks: ICfnConditionExpression[] = [];
  for (let i = 0; i < equals.length; i += 10) {
    const chunk = equals.slice(i, i + 10);
    chunks.push(chunk.length === 1 ? chunk[0] : Fn.conditionOr(...chunk));
  }
  const legacyRegion = new CfnCondition(scope, 'IsLegacyElbRegion', {
    expression: chunks.length === 1 ? chunks[0] : Fn.conditionOr(...chunks),
  });
  const legacyArn = Fn.conditionIf(
    legacyRegion.logicalId,
    Fn.join('', ['arn:', Aws.PARTITION, ':iam::', mapping.findInMap(Aws.REGION, 'account'), ':root']),
    Aws.NO_VALUE,
  ).toString();
  return new iam.CompositePrincipal(
    new iam.ServicePrincipal(ELB_LOG_DELIVERY_PRINCIPAL),
    new iam.ArnPrincipal(legacyArn),
  );
}
