// The example apps as a user meets them: short, wired to the items service the way its
// configuration expects, and summarized by the main job.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp as threeTier } from '../examples/three-tier/app';
import { describeStack } from '../scripts/summary';

const EXAMPLES = path.join(__dirname, '..', 'examples');
const USER_SYSTEMS = ['prometheus-grafana', 'items-dynamodb-domain', 'path-routing-nat-instance', 'global-fan-site', 'event-peak'];

function systemStack(context: Record<string, string> = {}): Stack {
  const app = threeTier(new App({ context }));
  return app.node.findChild('ThreeTierSystem') as Stack;
}

/** The environment ECS would give the items container: tokens and secrets become placeholders. */
function containerEnvironment(stack: Stack): Record<string, string> {
  const taskDefinitions = Object.values(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition')) as any[];
  const items = taskDefinitions.flatMap((t) => t.Properties.ContainerDefinitions).find((c: any) => c.PortMappings?.[0]?.ContainerPort === 8080);
  const env: Record<string, string> = {};
  for (const { Name, Value } of items.Environment) env[Name] = typeof Value === 'string' ? Value : `resolved-${Name.toLowerCase()}`;
  for (const { Name } of items.Secrets ?? []) env[Name] = `secret-${Name.toLowerCase()}`;
  return env;
}

describe('examples', () => {
  test.each(USER_SYSTEMS)('%s is a short app (< 60 lines) registered in the main job and the examples table', (name) => {
    const lines = fs.readFileSync(path.join(EXAMPLES, name, 'app.ts'), 'utf8').split('\n').filter((l, i, all) => i < all.length - 1 || l !== '');
    expect(lines.length).toBeLessThan(60);
    expect(fs.readFileSync(path.join(EXAMPLES, 'index.ts'), 'utf8')).toContain(`'./${name}/app'`);
    expect(fs.readFileSync(path.join(EXAMPLES, 'README.md'), 'utf8')).toContain(`[\`${name}/\`](${name}/app.ts)`);
    expect(fs.existsSync(path.join(EXAMPLES, name, 'cdk.json'))).toBe(true);
  });

  test('main example: the items service accepts the environment ThreeTierApp gives it (Aurora, master secret, /api)', () => {
    const env = containerEnvironment(systemStack());
    expect(Object.keys(env).sort()).toEqual(['BASE_PATH', 'DB_ENGINE', 'DB_HOST', 'DB_NAME', 'DB_PASSWORD', 'DB_PORT', 'DB_SECRET_ARN', 'DB_USER', 'ITEMS_STORE']);
    const script = "import('./src/config.js').then((m) => process.stdout.write(JSON.stringify(m.loadConfig(process.env))))";
    const config = JSON.parse(execFileSync(process.execPath, ['-e', script], {
      cwd: path.join(EXAMPLES, 'items-service'), env: { PATH: process.env.PATH, ...env }, encoding: 'utf8',
    }));
    expect(config.basePath).toBe('/api');
    expect(config.store).toMatchObject({
      kind: 'postgres',
      host: 'resolved-db_host',
      port: 5432,
      database: 'app',
      user: 'secret-db_user',
      password: 'secret-db_password',
      secretArn: 'resolved-db_secret_arn',
      iamAuth: false,
    });
    // The image carries the RDS CA bundle (verify); outside it, TLS is still required.
    expect(config.store.ssl.mode).toBe('require');
  });

  test('main example: the service has its own ECR repository, and -c imageTag runs the tag CI pushed there', () => {
    const first = Template.fromStack(systemStack());
    first.hasResource('AWS::ECR::Repository', { Properties: { RepositoryName: 'items-service', ImageTagMutability: 'IMMUTABLE' }, DeletionPolicy: 'Retain' });
    expect(describeStack(first.toJSON()).find((l) => l.startsWith('app'))).toMatch(/image asset/);
    const t = Template.fromStack(systemStack({ imageTag: 'abc123' }));
    const images = (Object.values(t.findResources('AWS::ECS::TaskDefinition')) as any[])
      .flatMap((d) => d.Properties.ContainerDefinitions.map((c: any) => JSON.stringify(c.Image)));
    expect(images.some((i) => /SystemAppItemsImagesRepository[0-9A-F]{8}"},":abc123"/.test(i))).toBe(true);
    expect(describeStack(t.toJSON()).find((l) => l.startsWith('app'))).toMatch(/image from ECR$/);
    expect(() => systemStack({ imageTag: '-bad' })).toThrow(/imageTag|tag "-bad" is invalid/);
  });

  test('the three-tier integ snapshot holds the current service and site (integ-runner does not compare asset copies)', () => {
    const snapshot = path.join(__dirname, '..', 'integ', 'integ.three-tier-app.ts.snapshot');
    const assets = fs.readdirSync(snapshot).filter((d) => d.startsWith('asset.') && fs.statSync(path.join(snapshot, d)).isDirectory());
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
    for (const source of [path.join(EXAMPLES, 'items-service', 'src'), path.join(EXAMPLES, 'three-tier', 'site')]) {
      const wanted = files(source).map((f) => `${f}:${fs.readFileSync(path.join(source, f), 'utf8')}`).sort();
      const copies = assets.map((a) => path.join(snapshot, a, path.basename(source) === 'src' ? 'src' : ''))
        .filter((dir) => fs.existsSync(dir))
        .map((dir) => files(dir).map((f) => `${f}:${fs.readFileSync(path.join(dir, f), 'utf8')}`).sort());
      expect(copies).toContainEqual(wanted); // if not: rm -rf the snapshot, then npx projen integ:update
    }
  });

  test('the main job summary names each tier of the main example', () => {
    const lines = describeStack(Template.fromStack(systemStack()).toJSON());
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['network', 'web', 'app', 'data', 'observe', 'logs', 'outputs']);
    expect(lines.find((l) => l.startsWith('web'))).toContain('/api/* to the load balancer, WAF on');
    expect(lines.find((l) => l.startsWith('app'))).toMatch(/ARM64, port 8080, sidecars: otel-collector, image asset/);
    expect(lines.find((l) => l.startsWith('data'))).toMatch(/^data +aurora-postgresql/);
  });
});
