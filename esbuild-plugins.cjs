// esbuild plugins of the deploy (serverless.yml custom.esbuild.plugins, loaded by serverless-esbuild;
// the local stack and the bench load the same file).
const { readFile } = require('node:fs/promises');

// Every SDK protocol loads the event-stream codec with `await import('@smithy/core/event-streams')`,
// meant to be split into a chunk of its own. A one-file Lambda bundle inlines it instead: ~19 KiB
// parsed at every cold start, for operations we never call (DynamoDB has none; S3 only
// SelectObjectContent). Such an import gets a module that fails with the reason instead; a
// static import (the S3 client's config) still gets the real module.
const eventStreamsOnlyWhenImportedStatically = {
  name: 'event-streams-only-when-imported-statically',
  setup(build) {
    build.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path, namespace: 'not-bundled' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'not-bundled' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not bundled (esbuild-plugins.cjs): this function calls no event-stream operation`)});`,
      loader: 'js',
    }));
  },
};

// Sha256Node (every SigV4 signature) falls back to a pure-JS SHA-256 when node:crypto has no
// sha256, which never happens on Lambda's Node: ~3.3 KiB parsed at every cold start for nothing.
// That one import gets a class that fails with the reason; Sha256Js imported elsewhere (the S3
// client's checksums) stays the real one.
const noPureJsSha256FallbackInSha256Node = {
  name: 'no-pure-js-sha256-fallback-in-sha256-node',
  setup(build) {
    build.onResolve({ filter: /^\.\/Sha256Js$/ }, (args) =>
      /[\\/]checksum[\\/]sha256[\\/]Sha256Node\.js$/.test(args.importer)
        ? { path: args.path, namespace: 'sha256-js-not-bundled' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'sha256-js-not-bundled' }, () => ({
      contents: `export class Sha256Js { constructor() { throw new Error('The pure-JS SHA-256 is not bundled (esbuild-plugins.cjs): node:crypto has sha256 on Lambda'); } }`,
      loader: 'js',
    }));
  },
};

// Each SDK client imports its whole package.json (description, dependency lists, scripts: 2.4 KiB
// for DynamoDB) to read one field, its version, for the User-Agent header: it gets that field only.
const sdkClientPackageVersionOnly = {
  name: 'sdk-client-package-version-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/ }, async (args) => ({
      contents: JSON.stringify({ version: JSON.parse(await readFile(args.path, 'utf8')).version }),
      loader: 'json',
    }));
  },
};

// The SDK asks EC2's instance metadata service for the region only when AWS_REGION is not set
// (and, for defaultsMode auto, AWS_EXECUTION_ENV): Lambda sets both, and has no IMDS. Bundled as
// what IMDS answers there, nothing, rather than ~1.2 KiB of IMDS client.
const noImdsRegion = {
  name: 'no-imds-region',
  setup(build) {
    build.onResolve({ filter: /[\\/]regionConfig[\\/]getInstanceMetadataRegion$|^\.\/getInstanceMetadataRegion$/ }, (args) =>
      /[\\/]@smithy[\\/]core[\\/]/.test(args.importer)
        ? { path: 'getInstanceMetadataRegion', namespace: 'imds-region-not-bundled' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'imds-region-not-bundled' }, () => ({
      contents: 'export const getInstanceMetadataRegion = async () => undefined;',
      loader: 'js',
    }));
  },
};

module.exports = [eventStreamsOnlyWhenImportedStatically, noPureJsSha256FallbackInSha256Node, sdkClientPackageVersionOnly, noImdsRegion];
