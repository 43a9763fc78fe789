import { aws_s3 as s3 } from 'aws-cdk-lib';

/** What every bucket of the library has: private, owner-enforced, TLS-only and versioned. */
export const SECURE_BUCKET = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  versioned: true,
} as const satisfies s3.BucketProps;
