import { awscdk, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

// Versions below were measured on the project's machines; see README "Versions".
const cdkVersion = '2.257.0'; // newest that integ-runner 2.197.x can read (schema 53)

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-three-tier',
  packageName: 'cdk-three-tier',
  description:
    'Secure-by-default AWS CDK constructs for a three-tier system: a log archive bucket, a monitored ECS service and the whole app.',
  author: 'cdk-three-tier maintainers',
  authorAddress: 'maintainers@cdkthreetier.invalid',
  repositoryUrl: 'https://github.com/cdk-three-tier/cdk-three-tier.git',
  keywords: ['cdk', 'aws-cdk', 'awscdk', 'three-tier', 'ecs', 'fargate', 'logging', 'athena', 'cdk-nag'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // The Grafana importer ships in the npm package: `npx -p cdk-three-tier cdk-three-tier-grafana-import`.
  bin: { 'cdk-three-tier-grafana-import': 'tools/grafana-import.mjs' },
  cdkVersion,
  constructsVersion: '10.5.1',
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.3',

  publishToPypi: { distName: 'cdk-three-tier', module: 'cdk_three_tier' },
  publishToMaven: {
    javaPackage: 'io.github.cdkthreetier',
    mavenGroupId: 'io.github.cdkthreetier',
    mavenArtifactId: 'cdk-three-tier',
  },
  publishToNuget: { dotNetNamespace: 'CdkThreeTier', packageId: 'CdkThreeTier' },
  publishToGo: { moduleName: 'github.com/cdk-three-tier/cdk-three-tier-go' },

  experimentalIntegRunner: true,
  jestOptions: {
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out/', '\\.snapshot/'],
      coveragePathIgnorePatterns: ['/node_modules/', '/test/'],
    },
  },

  devDeps: [
    'cdk-nag@^3.0.2',
    // cdk-nag 2 beside 3, only to prove that consumers on v2 see our acknowledgements.
    'cdk-nag-v2@npm:cdk-nag@2.38.2',
    '@cdklabs/cdk-validator-cfnguard@0.0.62',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/integ-runner@2.197.10',
    'aws-cdk@2.1115.1',
    'ts-node',
    // Draws docs/architecture.png (the `diagram` task); never a runtime dependency.
    'cdk-dia@0.12.3',
  ],

  gitignore: ['.jsii.tabl.json', 'cdk.out', '/examples/cdk.out', '/dist-py-check', '/.ci/out', '/.venv-cfn-lint', '/consumers/*/.venv', '/consumers/java/target', '/.cache'],
  npmIgnoreOptions: {
    ignorePatterns: ['/examples', '/scripts', '/integ', '/bench', '/.ci', '/docs', '/consumers', '/cdk.out', '/dist-code', '/.venv-cfn-lint', '/.cache', '/.cfnlintrc.yaml'],
  },
  // The development tsconfig at the top level (the project card's layout), for tests, integ tests, examples, scripts and benchmarks.
  tsconfigDevFile: 'tsconfig.dev.json',
  // One program for every file: the dev tsconfig (editors' nearest-tsconfig lookup would find the jsii one for tests).
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'integ', 'examples', 'scripts', 'bench', '.projenrc.ts'], projectService: false, tsconfigPath: './tsconfig.dev.json' },
});

// projen's dev tsconfig includes every .ts below it; at the top level that would take in lib/ and nested node_modules.
project.tryFindObjectFile('tsconfig.dev.json')!.addOverride('include',
  ['src/**/*.ts', 'test/**/*.ts', 'integ/**/*.ts', 'examples/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', '.projenrc.ts', 'projenrc/**/*.ts']);

// Integration tests and their snapshots live in integ/ (the project card's layout).
project.tasks.tryFind('integ')!.reset('integ-runner $@ --language typescript --directory integ', { receiveArgs: true });

// projen derives `@types/node@ts5.9`, a dist-tag the registry lacks; use Node 20's types.
project.deps.removeDependency('@types/node');
project.addDevDeps('@types/node@^20');

// The registry here lacks non-Linux bindings of unrs-resolver 1.13, which breaks `npm ci`.
project.package.addPackageResolutions('unrs-resolver@1.12.2');

// README TypeScript snippets must compile in every jsii language.
project.postCompileTask.exec('jsii-rosetta extract --strict');

// Snapshots are written offline: never let an update deploy anything.
project.tasks.tryFind('integ:update')!.reset('integ-runner $@ --language typescript --directory integ --update-on-failed --dry-run', { receiveArgs: true });

// The main job: synthesize every example app, run the rule packs, print a summary per stack.
project.addTask('examples', {
  description: 'Synthesize every example app into cdk.out, run the rule packs and the policy gate, print a summary',
  env: { AWS_EC2_METADATA_DISABLED: 'true' },
  exec: 'ts-node --project tsconfig.dev.json scripts/synth-examples.ts',
});

// Benchmarks (docs/BENCHMARKS.md): scripts that print figures, never tests of time. `bench` runs them all.
const tsBench = (script: string) => `ts-node --transpile-only --project tsconfig.dev.json bench/${script}`;
const benches: Array<[string, string, string]> = [
  ['synth', 'Synth cost: the full example system against the hand-built ecs-patterns one, alternately', tsBench('synth.ts')],
  ['scale', 'Scale: synth time and resources for 1-40 services, for each service placement; every quota of 95 services', tsBench('scale.ts')],
  ['profile', 'Where synth time goes: phases of both systems, and a CPU profile by area and function', tsBench('profile-synth.ts')],
  ['service', 'Service speed: items GET/POST on PostgreSQL 18 against a bare node:http ceiling (needs npm ci in examples/items-service and examples/load)', 'node bench/service.mjs'],
  ['cost', 'Idle cost of each profile and of the hand-built equivalent, from bench/prices.json', tsBench('cost.ts')],
];
const benchAll = project.addTask('bench', { description: 'Run every benchmark (docs/BENCHMARKS.md)' });
for (const [name, description, exec] of benches) {
  const task = project.addTask(`bench:${name}`, { description, env: { AWS_EC2_METADATA_DISABLED: 'true' }, exec, receiveArgs: true });
  benchAll.spawn(task);
}

// Regenerate the architecture picture: apt-get install -y graphviz && npx projen diagram
// Synthesizes examples/three-tier into cdk.out/diagram and draws docs/architecture.png (and .dot)
// with cdk-dia and Graphviz's `dot`. Run by hand, never in CI: a fresh machine has no Graphviz.
project.addTask('diagram', {
  description: 'Draw docs/architecture.png from the main example with cdk-dia (needs Graphviz: apt-get install -y graphviz)',
  env: { AWS_EC2_METADATA_DISABLED: 'true' },
  exec: 'ts-node --project tsconfig.dev.json scripts/diagram.ts',
});

// Bindings for every jsii language, generated offline (packaging needs registries we cannot reach).
project.addTask('pacmak:code-only', {
  description: 'Generate Python, Java, .NET and Go bindings without packaging them',
  exec: 'jsii-pacmak --code-only --targets python java dotnet go --outdir dist-code',
});
project.gitignore.exclude('/dist-code');

// The packages a release would publish, for the consumer apps (consumers/): a wheel (dist/python),
// a local Maven repository (dist/java) and a Go module (dist/go). .NET is generated, not packaged:
// there is no .NET SDK here. One jsii-pacmak run packs python and java (one npm pack).
project.addTask('package:languages', {
  description: 'Pack the Python wheel, the local Maven repository and the Go module (and .NET code) for the consumer apps',
  steps: [
    { exec: 'jsii-pacmak -v --targets python java' },
    // Go's "package" is its module folder; pacmak's own check runs `go mod tidy` on indirect versions the proxy may not serve.
    { exec: 'rm -rf dist/go dist/dotnet && jsii-pacmak --code-only --targets go dotnet --outdir dist' },
    { exec: 'node scripts/go-module.mjs dist/go/cdkthreetier' },
  ],
});
// Snapshot verification diffs templates, not asset payloads; the awscli layer of BucketDeployment alone is 21 MB.
project.gitignore.exclude('/integ/*.snapshot/asset.*.zip');

project.synth();
