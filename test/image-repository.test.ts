import { RemovalPolicy, Stack, aws_iam as iam, aws_kms as kms } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newStack } from './fixtures';
import { formatFindings, nagFindings } from './helpers/nag';
import { IMAGE, containers, defaultService } from './monitored-ecs-service.fixtures';
import { itemsService, virginiaApp } from './three-tier-app.fixtures';
import { ImageRepository, ServicePlacement } from '../src';

// A service's own ECR repository: what CI pushes to and what the service runs from.

describe('ImageRepository', () => {
  const stack = newStack();
  new ImageRepository(stack, 'Images');
  const t = Template.fromStack(stack);

  test('immutable tags, scan on push, KMS encryption, retained', () => {
    t.hasResource('AWS::ECR::Repository', {
      Properties: {
        ImageTagMutability: 'IMMUTABLE',
        ImageScanningConfiguration: { ScanOnPush: true },
        EncryptionConfiguration: { EncryptionType: 'KMS' },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('Lifecycle: tagStatus any rule must have the highest rulePriority (untagged expire after a day, the last 30 kept)', () => {
    const repository = Object.values(t.findResources('AWS::ECR::Repository'))[0] as any;
    const rules = JSON.parse(repository.Properties.LifecyclePolicy.LifecyclePolicyText).rules;
    expect(rules).toEqual([
      expect.objectContaining({ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 1, countUnit: 'days' } }),
      expect.objectContaining({ rulePriority: 2, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 } }),
    ]);
  });

  test('grantPush gives CI the push actions on this repository and the registry login', () => {
    const other = newStack();
    const ciImages = new ImageRepository(other, 'Images');
    const role = new iam.Role(other, 'Ci', { assumedBy: new iam.AccountRootPrincipal() });
    ciImages.grantPush(role);
    const statements = Template.fromStack(other).findResources('AWS::IAM::Policy');
    const all = Object.values(statements).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(all).toContainEqual(expect.objectContaining({ Action: 'ecr:GetAuthorizationToken', Resource: '*' }));
    expect(all).toContainEqual(expect.objectContaining({
      Action: expect.arrayContaining(['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload']),
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ImagesRepository/), 'Arn'] },
    }));
  });

  test('the four rule packs find nothing', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
  });
});

test('a customer managed key, another lifecycle and DESTROY are honoured', () => {
  const stack = newStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  new ImageRepository(stack, 'Images', { encryptionKey: key, keepImages: 5, untaggedExpiryDays: 3, scanOnPush: false, removalPolicy: RemovalPolicy.DESTROY, repositoryName: 'team/items-service' });
  const t = Template.fromStack(stack);
  t.hasResource('AWS::ECR::Repository', {
    Properties: {
      RepositoryName: 'team/items-service',
      ImageScanningConfiguration: { ScanOnPush: false },
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
    },
    DeletionPolicy: 'Delete',
  });
  const repository = Object.values(t.findResources('AWS::ECR::Repository'))[0] as any;
  const rules = JSON.parse(repository.Properties.LifecyclePolicy.LifecyclePolicyText).rules;
  expect(rules.map((r: any) => r.selection.countNumber)).toEqual([3, 5]);
});

describe('ImageRepository validation', () => {
  test.each([
    [{ keepImages: 0 }, /Test\/Images: keepImages 0 is invalid: the number of images kept must be a whole number from 1 to 10000/],
    [{ untaggedExpiryDays: 0.5 }, /untaggedExpiryDays 0.5 is invalid/],
    [{ repositoryName: 'Items_Service' }, /repositoryName "Items_Service" is invalid: ECR names are 2-256 lowercase/],
    [{ repositoryName: 'items//service' }, /repositoryName "items\/\/service" is invalid/],
  ])('%j is refused', (props, message) => {
    expect(() => new ImageRepository(newStack(), 'Images', props)).toThrow(message);
  });

  test('a tag ECR would refuse is refused', () => {
    const images = new ImageRepository(newStack(), 'Images');
    expect(() => images.image('-latest')).toThrow(/tag "-latest" is invalid: an ECR tag is 1-128 letters/);
    expect(() => images.image('a'.repeat(129))).toThrow(/is invalid: an ECR tag/);
    expect(() => images.image('3f2c1ab')).not.toThrow();
  });
});

describe('a service with its own repository', () => {
  test('imageTag runs that tag from the repository, pulled by the execution role', () => {
    const stack = newStack();
    const { service } = defaultService(stack, { image: undefined, imageRepository: { repositoryName: 'items-service' }, imageTag: 'abc123' });
    const t = Template.fromStack(stack);
    expect(containers(t)[0].Image).toEqual({
      'Fn::Join': ['', [
        { 'Fn::Select': [4, { 'Fn::Split': [':', { 'Fn::GetAtt': [expect.stringMatching(/^ApiImagesRepository/), 'Arn'] }] }] },
        '.dkr.ecr.',
        { 'Fn::Select': [3, { 'Fn::Split': [':', { 'Fn::GetAtt': [expect.stringMatching(/^ApiImagesRepository/), 'Arn'] }] }] },
        '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: expect.stringMatching(/^ApiImagesRepository/) }, ':abc123',
      ]],
    });
    const executionPolicy = Object.entries(t.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('ApiTaskDefinitionExecutionRole'))![1] as any;
    expect(executionPolicy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ApiImagesRepository/), 'Arn'] },
    }));
    expect(stack.resolve(service.imageRepository.repository.repositoryName)).toEqual({ Ref: expect.stringMatching(/^ApiImagesRepository/) });
  });

  test('without imageTag, image runs (the first deploy, before CI has pushed)', () => {
    const stack = newStack();
    defaultService(stack, { imageRepository: {} });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ECR::Repository', 1);
    expect(containers(t)[0].Image).toBe('public.ecr.aws/nginx/nginx:1.27');
  });

  test('an empty new repository and no image is refused with the way out', () => {
    expect(() => defaultService(newStack(), { image: undefined, imageRepository: {} }))
      .toThrow('Test/Api: image undefined is invalid: the new repository is empty until CI pushes to it, so the first deploy needs an image to run. ' +
        'Give image (e.g. ContainerImage.fromAsset) for the first deploy, then imageTag once CI has pushed.');
  });

  test('imageTag without a repository of its own is refused', () => {
    expect(() => defaultService(newStack(), { imageTag: 'abc123' })).toThrow(/Test\/Api: imageTag "abc123" is invalid: a tag names an image in the service's own repository, and it has none/);
  });

  test('no image at all is refused', () => {
    expect(() => defaultService(newStack(), { image: undefined })).toThrow(/Test\/Api: image undefined is invalid: the service has nothing to run/);
  });

  test('the handle throws for a service without a repository', () => {
    const { service } = defaultService(newStack(), { image: IMAGE });
    expect(() => service.imageRepository).toThrow(/Test\/Api: imageRepository undefined is invalid: this service has no repository of its own/);
  });

  test('in a ThreeTierApp with nested stacks, the repository goes with its service and the rule packs stay clean', () => {
    const { stack, system } = virginiaApp({
      servicePlacement: ServicePlacement.NESTED_STACKS,
      services: [{ ...itemsService, imageRepository: { repositoryName: 'items-service' }, imageTag: 'v1' }],
    });
    const service = system.appTier.services[0];
    const nested = Stack.of(service);
    expect(nested).not.toBe(stack);
    Template.fromStack(nested).hasResourceProperties('AWS::ECR::Repository', { RepositoryName: 'items-service' });
    Template.fromStack(stack).resourceCountIs('AWS::ECR::Repository', 0);
    expect(formatFindings(nagFindings(nested))).toBe('');
  });
});
