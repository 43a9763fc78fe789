// Prints an ElastiCache IAM authentication token (valid 15 minutes) for a cache user, signed with
// your AWS credentials (the default chain: environment, profile, SSO), to use as the password in
// valkey-cli or redis-cli, e.g. through the developer-access tunnel:
//   node scripts/cache-token.js --cache <CacheName> --user <user id> --region <region> [--serverless]
import { parseArgs } from 'node:util';
import { defaultCredentials, iamTokenGenerator } from '../src/cache-iam.js';

const { values } = parseArgs({
  options: { cache: { type: 'string' }, user: { type: 'string' }, region: { type: 'string' }, serverless: { type: 'boolean', default: false } },
});
const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
if (!values.cache || !values.user || !region) {
  console.error('usage: node scripts/cache-token.js --cache <cache name or replication group id> --user <user id> --region <region> [--serverless]');
  process.exit(2);
}
const token = iamTokenGenerator({ cacheName: values.cache, user: values.user, region, serverless: values.serverless, credentials: await defaultCredentials() });
console.log(await token());
