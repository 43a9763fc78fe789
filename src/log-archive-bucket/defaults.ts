import { Duration } from 'aws-cdk-lib';

/** The defaults of a `LogArchiveBucket`: its lifecycle tiers and how long results are kept. */
export const ARCHIVE_DEFAULTS = {
  infrequentAccessAfter: Duration.days(30),
  glacierInstantRetrievalAfter: Duration.days(90),
  expireAfter: Duration.days(2555),
  noncurrentVersionExpiration: Duration.days(30),
  queryResultsExpiration: Duration.days(30),
};
