import { createHash } from 'crypto';
import { Token } from 'aws-cdk-lib';

/**
 * Characters EC2 accepts in a security group's GroupDescription and in a rule's Description
 * (`a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*`, at most 255): an apostrophe or a non-ASCII letter in a
 * construct id would otherwise fail the deployment.
 */
const EC2_DESCRIPTION_REJECTED = /[^a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]+/g;

/** Letters with accents become their base letter (Shöp → Shop); other non-ASCII is left to the caller. */
export function foldToAscii(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
}

/**
 * A security group or rule description EC2 accepts, whatever the construct ids in it hold:
 * accents folded, every run of other characters EC2 rejects replaced by `_`, cut to 255.
 * Unresolved tokens pass unchanged.
 */
export function ec2Description(text: string): string {
  if (Token.isUnresolved(text)) return text;
  return foldToAscii(text).replace(EC2_DESCRIPTION_REJECTED, '_').slice(0, 255);
}

/** A short, stable hash of a string (8 hex digits), to keep names apart that cleaning made equal. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
