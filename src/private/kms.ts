import { aws_iam as iam, aws_kms as kms } from 'aws-cdk-lib';

/**
 * Only AWS services may create grants on our keys (Control Tower CT.KMS.PR.3): no IAM principal
 * of the account needs a grant, while services that use the key for a resource (RDS, for
 * instance) still can.
 */
export function limitGrantsToAwsServices(key: kms.Key): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'GrantsOnlyForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
}
