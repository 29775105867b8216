export { DEMO_EVENT, DEMO_USERS, REPO_ROOT, localResourcesOf, startLocalStack, writeOutputs } from '#lib/stack';
export type { LocalStack, LocalStackOptions, LocalStackOutputs } from '#lib/stack';
export { prepareLocalFunctions, startLocalFunctions, type LocalFunctions } from '#lib/local-functions';
export { deployBuildOptions, linkExternals } from '#lib/function-bundles';
export { readServerlessApp } from '#lib/serverless-functions';
export { openApiOf } from '#lib/openapi';
