// Bundled in place of @aws-sdk/credential-provider-node (an esbuild alias in serverless.yml's
// custom.esbuild). Every SDK client's runtime config imports that default chain statically, which
// bundles SSO, INI files, STS, IMDS and the rest (~80 KiB), though our clients are given
// environment credentials (Lambda's). The SDK only imports `defaultProvider`; should it ever import
// another name, the build fails rather than silently falling back.
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
