import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { WebTier } from './web-tier';

export const minute = Duration.minutes(1);

/** CloudFront publishes its metrics in us-east-1 with Region=Global. */
export function cloudFrontMetric(web: WebTier, metricName: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/CloudFront',
    metricName,
    region: 'us-east-1',
    statistic,
    period: Duration.minutes(5),
    dimensionsMap: { DistributionId: web.distribution.distributionId, Region: 'Global' },
  });
}

export function wafMetric(webAclName: string, metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/WAFV2',
    metricName,
    region: 'us-east-1',
    statistic: 'Sum',
    period: Duration.minutes(5),
    dimensionsMap: { WebACL: webAclName, Rule: 'ALL' },
  });
}
