import { App, Duration, Stack, aws_dynamodb as dynamodb, aws_ec2 as ec2, aws_iam as iam, aws_kms as kms, aws_rds as rds } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newStack } from './fixtures';
import { resourcesOf, virginiaApp } from './three-tier-app.fixtures';
import { CostProfile, DataStore, DataTier } from '../src';

/** A stack in us-east-1 with a VPC of public and isolated subnets, for Aurora. */
function vpcStack() {
  const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  return { stack, vpc };
}

/** Every IAM policy statement of a template. */
function statements(t: Template): any[] {
  return resourcesOf(t, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

describe('DataTier alone', () => {
  // Aurora PostgreSQL on the defaults (the production profile's), read by the first two tests.
  const { stack: auroraStack, vpc: auroraVpc } = vpcStack();
  const aurora = new DataTier(auroraStack, 'Data', { store: DataStore.auroraPostgres(), vpc: auroraVpc });
  const auroraTemplate = Template.fromStack(auroraStack);

  test('Aurora: a retained Serverless v2 cluster in the isolated subnets, 0.5-16 ACUs, a reader, 30 days of backups; dataTier.aurora is its handle', () => {
    const [[clusterId]] = resourcesOf(auroraTemplate, 'AWS::RDS::DBCluster');
    auroraTemplate.hasResource('AWS::RDS::DBCluster', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        Engine: 'aurora-postgresql',
        Port: 5432,
        DatabaseName: 'app',
        DeletionProtection: true,
        BackupRetentionPeriod: 30,
        ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 },
      }),
    });
    auroraTemplate.resourceCountIs('AWS::RDS::DBInstance', 2);
    auroraTemplate.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: auroraVpc.isolatedSubnets.map((s) => auroraStack.resolve(s.subnetId)) });
    expect(auroraStack.resolve(aurora.aurora.cluster.clusterIdentifier)).toEqual({ Ref: clusterId });
    expect(aurora.aurora.port).toBe(5432);
    expect(aurora.aurora.databaseName).toBe('app');
  });

  test('Aurora: dataTier.dynamodb throws, naming the handle to use', () => {
    expect(() => aurora.dynamodb).toThrow(/^S\/Data: dynamodb undefined is invalid: this data tier runs Aurora, not DynamoDB\. Use dataTier\.aurora, or choose DataStore\.dynamoDb\(\)/);
  });

  test('Aurora: allowFrom admits a security group on the database port only; grantAccess gives rds-db:connect as one user', () => {
    const { stack, vpc } = vpcStack();
    const data = new DataTier(stack, 'Data', { store: DataStore.auroraMysql(), vpc });
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc });
    data.allowFrom(client, 'From the test');
    data.grantAccess(new iam.Role(stack, 'Reporting', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') }), 'reporting');
    const t = Template.fromStack(stack);
    const dbSg = stack.getLogicalId(data.aurora.securityGroup.node.defaultChild as ec2.CfnSecurityGroup);
    const clientSg = stack.getLogicalId(client.node.defaultChild as ec2.CfnSecurityGroup);
    const ingress = resourcesOf(t, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties).filter((r) => r.GroupId['Fn::GetAtt'][0] === dbSg);
    expect(ingress).toEqual([expect.objectContaining({ FromPort: 3306, ToPort: 3306, SourceSecurityGroupId: { 'Fn::GetAtt': [clientSg, 'GroupId'] } })]);
    const connect = statements(t).filter((st) => st.Action === 'rds-db:connect');
    expect(connect).toHaveLength(1);
    expect(JSON.stringify(connect[0].Resource)).toMatch(/:dbuser:.*\/reporting"/);
  });

  test('DynamoDB needs no VPC: a retained on-demand table with point-in-time recovery; dataTier.dynamodb is its handle, dataTier.aurora throws; grantAccess gives item read/write', () => {
    const stack = newStack();
    const data = new DataTier(stack, 'Data', { store: DataStore.dynamoDb() });
    data.grantAccess(new iam.Role(stack, 'Items', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') }), 'ignored');
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::VPC', 0);
    t.resourceCountIs('AWS::RDS::DBCluster', 0);
    t.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
      }),
    });
    const [[tableId]] = resourcesOf(t, 'AWS::DynamoDB::GlobalTable');
    expect(stack.resolve(data.dynamodb.table.tableName)).toEqual({ Ref: tableId });
    expect(() => data.aurora).toThrow(/^Test\/Data: aurora undefined is invalid: this data tier runs DynamoDB, not Aurora\. Use dataTier\.dynamodb, or choose DataStore\.auroraPostgres\(\) or auroraMysql\(\)/);
    const items = statements(t).find((st) => JSON.stringify(st.Resource).includes(tableId));
    expect(items.Action).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:Query']));
    expect(items.Action).not.toContain('dynamodb:DeleteTable');
  });

  test('a customer managed key encrypts the storage and the master secret', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1' } });
    const key = new kms.Key(stack, 'DbKey');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const data = new DataTier(stack, 'Data', { store: DataStore.auroraPostgres({ encryptionKey: key }), vpc });
    expect(data.aurora.masterSecret).toBeDefined();
    Template.fromStack(stack).hasResourceProperties('AWS::RDS::DBCluster', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DbKey'), 'Arn'] },
      MasterUserSecret: { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DbKey'), 'Arn'] } },
    });
  });

  test('Aurora needs a VPC', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1' } });
    expect(() => new DataTier(stack, 'Data', { store: DataStore.auroraPostgres() })).toThrow(/^S\/Data: vpc undefined is invalid: Aurora runs in a VPC/);
  });
});

describe('data tier of a ThreeTierApp', () => {
  // A production system, read by the first two tests.
  const production = Template.fromStack(virginiaApp().stack);

  test('AWS constraint (manageMasterUserPassword, RDS6, RDS10): Aurora Serverless v2: RDS-managed master secret, IAM auth, encryption, backups, deletion protection, RETAIN', () => {
    production.hasResource('AWS::RDS::DBCluster', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        Engine: 'aurora-postgresql',
        ManageMasterUserPassword: true,
        MasterUserPassword: Match.absent(),
        MasterUsername: 'app_admin',
        EnableIAMDatabaseAuthentication: true,
        StorageEncrypted: true,
        DeletionProtection: true,
        BackupRetentionPeriod: 30,
        ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 },
      }),
    });
    production.resourceCountIs('AWS::SecretsManager::Secret', 0);
    production.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });

  test('production: one Serverless v2 reader that scales with the writer', () => {
    production.resourceCountIs('AWS::RDS::DBInstance', 2);
    production.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', PromotionTier: 1, PubliclyAccessible: false });
  });

  test('AWS constraint: Aurora Serverless v2 min capacity 0: auto-pause after 5 minutes (development)', () => {
    const t = Template.fromStack(virginiaApp({ profile: CostProfile.development() }).stack);
    t.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 300 },
      DeletionProtection: false,
      BackupRetentionPeriod: 7,
    });
    t.resourceCountIs('AWS::RDS::DBInstance', 1);
  });

  test('AWS constraint: Aurora Serverless v2 min capacity 0 needs a recent engine: fails on PostgreSQL 16.2 and MySQL 3.07', () => {
    const pg = DataStore.auroraPostgres({ minCapacity: 0, version: rds.AuroraPostgresEngineVersion.VER_16_2 });
    expect(() => virginiaApp({ database: pg })).toThrow(/needs aurora-postgresql 13.15, 14.12, 15.7, 16.3 or later.*16.2/);
    const mysql = DataStore.auroraMysql({ minCapacity: 0, version: rds.AuroraMysqlEngineVersion.VER_3_07_1 });
    expect(() => virginiaApp({ database: mysql })).toThrow(/needs aurora-mysql 3.08.0 or later/);
    const pg157 = DataStore.auroraPostgres({ minCapacity: 0, version: rds.AuroraPostgresEngineVersion.VER_15_7 });
    expect(() => virginiaApp({ database: pg157 })).not.toThrow();
    const mysql310 = DataStore.auroraMysql({ minCapacity: 0, version: rds.AuroraMysqlEngineVersion.VER_3_10_0 });
    expect(() => virginiaApp({ database: mysql310 })).not.toThrow();
    const pg17 = DataStore.auroraPostgres({ minCapacity: 0, version: rds.AuroraPostgresEngineVersion.VER_17_4 });
    expect(() => virginiaApp({ database: pg17 })).not.toThrow();
  });

  test('fails on invalid capacity, readers, backups or pause settings', () => {
    const bad = (o: object) => () => virginiaApp({ database: DataStore.auroraPostgres(o) });
    expect(bad({ minCapacity: 0.3 })).toThrow(/^System\/App\/Data: minCapacity 0.3 is invalid: Aurora Serverless v2 capacity is 0 to 256 ACUs in steps of 0.5/);
    expect(bad({ minCapacity: 8, maxCapacity: 4 })).toThrow(/maxCapacity 4 is invalid: the maximum capacity is below the minimum \(8 ACUs\)/);
    expect(bad({ readers: 16 })).toThrow(/readers 16 is invalid: an Aurora cluster has 0 to 15 readers/);
    expect(bad({ backupRetention: Duration.days(40) })).toThrow(/backupRetention 40 days is invalid: Aurora keeps automated backups 1 to 35 whole days/);
    expect(bad({ minCapacity: 0.5, autoPauseAfter: Duration.minutes(10) })).toThrow(/autoPauseAfter 10 minutes is invalid: it only applies when minCapacity is 0/);
    expect(bad({ minCapacity: 0, autoPauseAfter: Duration.minutes(1) })).toThrow(/autoPauseAfter 1 minute is invalid: Aurora pauses after 5 minutes to 1 day/);
    expect(bad({ databaseName: '1app' })).toThrow(/databaseName "1app" is invalid: an Aurora database name starts with a letter/);
  });

  test('Aurora MySQL listens on 3306 and exports its audit, error, general and slow query logs', () => {
    // The development profile (0 ACUs) works with the default MySQL version too.
    const t = Template.fromStack(virginiaApp({ database: DataStore.auroraMysql(), profile: CostProfile.development() }).stack);
    t.hasResourceProperties('AWS::RDS::DBCluster', { Engine: 'aurora-mysql', Port: 3306, EnableCloudwatchLogsExports: ['audit', 'error', 'general', 'slowquery'] });
    const container = resourcesOf(t, 'AWS::ECS::TaskDefinition')[0][1].Properties.ContainerDefinitions[0];
    expect(container.Environment).toEqual(expect.arrayContaining([{ Name: 'DB_ENGINE', Value: 'mysql' }, { Name: 'DB_PORT', Value: '3306' }]));
  });

  test('AWS constraint: DynamoDB PITR: on-demand, point-in-time recovery, encryption, deletion protection, RETAIN', () => {
    const t = Template.fromStack(virginiaApp({ database: DataStore.dynamoDb({ sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING } }) }).stack);
    t.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        SSESpecification: { SSEEnabled: false },
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
      }),
    });
  });
});
