// esbuild plugins of the deploy (serverless.yml custom.esbuild.plugins, loaded by serverless-esbuild;
// the local stack and the bench load the same file).

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

module.exports = [eventStreamsOnlyWhenImportedStatically];
