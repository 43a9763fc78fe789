import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Parse the region of an ARN, or undefined when it is a token. */
export function arnRegion(arn: string): string | undefined {
  if (Token.isUnresolved(arn)) return undefined;
  return Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).region;
}

/** Region of a construct's stack, or undefined when env-agnostic. */
export function stackRegion(scope: Construct): string | undefined {
  const region = Stack.of(scope).region;
  return Token.isUnresolved(region) ? undefined : region;
}
