import { aws_ec2 as ec2 } from 'aws-cdk-lib';

/**
 * An encrypted gp3 root volume and IMDSv2 only, for an instance we run (NAT, developer access).
 * IMDSv2 is set on the instance and in an unnamed launch template of its own: cdk-nag 2 and other
 * scanners look for it only there (CDK's IMDSv2 aspect would add a launch template with a fixed
 * name, which clashes between stacks). AL2023's root device is /dev/xvda; the size stays the AMI's.
 */
export function hardenInstance(instance: ec2.Instance): ec2.CfnLaunchTemplate {
  const cfn = instance.node.defaultChild as ec2.CfnInstance;
  cfn.blockDeviceMappings = [{ deviceName: '/dev/xvda', ebs: { encrypted: true, volumeType: 'gp3', deleteOnTermination: true } }];
  const metadataOptions = { httpTokens: 'required', httpEndpoint: 'enabled' };
  cfn.metadataOptions = metadataOptions;
  const template = new ec2.CfnLaunchTemplate(instance, 'LaunchTemplate', { launchTemplateData: { metadataOptions } });
  cfn.launchTemplate = { launchTemplateId: template.ref, version: template.attrLatestVersionNumber };
  return template;
}
