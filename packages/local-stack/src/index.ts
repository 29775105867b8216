export { DEMO_EVENT, DEMO_USERS, REPO_ROOT, functionEnvironment, startLocalStack, writeOutputs } from '#lib/stack';
export { createInvoker, readServerlessApp } from '#lib/serverless-functions';
export type { LocalStack, LocalStackOptions, LocalStackOutputs } from '#lib/stack';

