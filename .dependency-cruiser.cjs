// The house rules, checked by `npm run deps` (part of `npm test`). Each rule says why it exists.
const TEST = '(\\.test\\.ts$|/test-support/|/test-fetch\\.ts$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No cycles anywhere, tests included: a cycle makes load order and layering unreadable.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-no-aws',
      severity: 'error',
      comment: 'packages/core is the domain: no AWS SDK, no Lambda runtime. Adapters live in packages/aws.',
      from: { path: '^packages/core/' },
      to: { path: ['node_modules/@aws-sdk/', 'node_modules/@smithy/', 'node_modules/@aws-lambda-powertools/', 'node_modules/aws-'] },
    },
    {
      name: 'browser-no-node',
      severity: 'error',
      comment: 'Code that runs in the browser (the client, the web app) imports no node: module.',
      from: { path: '^(packages/client/src|services/web/src/app|services/web/src/examples)/', pathNot: TEST },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'browser-only-browser-packages',
      severity: 'error',
      comment: 'The browser code builds on core and client only, never on the server side or the tooling.',
      from: { path: '^(packages/client/src|services/web/src/app|services/web/src/examples)/', pathNot: TEST },
      to: { path: '^(packages/(aws|images|local-stack|testing)|services/photos-api)/' },
    },
    {
      name: 'core-leaf',
      severity: 'error',
      comment: 'core depends on no other workspace.',
      from: { path: '^packages/core/' },
      to: { path: '^(packages/(?!core/)|services/|tests/)' },
    },
    {
      name: 'packages-not-to-services',
      severity: 'error',
      comment: 'Dependencies point one way: services use packages, never the reverse.',
      from: { path: '^packages/' },
      to: { path: '^(services|tests)/' },
    },
    {
      name: 'product-not-to-tooling',
      severity: 'error',
      comment: 'Product code (not its tests) never imports the local stack, the test kit or the e2e tests.',
      from: { path: '^(packages/(core|aws|client|images)|services/[^/]+)/src/', pathNot: TEST },
      to: { path: '^(packages/(local-stack|testing)|tests)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'declared-dependencies',
      severity: 'error',
      comment: 'Every workspace declares what it imports in its own package.json (hoisting must not make it work).',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'no-dev-dependency-in-product',
      severity: 'error',
      comment: 'What server code and the client library import at run time is a dependency, not a devDependency.',
      from: { path: '^(packages/(core|aws|images|client)|services/photos-api)/src/', pathNot: TEST },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^services/web/dist/', '^\\.local/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.mjs', '.js', '.cjs', '.json', '.d.ts'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
