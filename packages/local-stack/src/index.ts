export { DEMO_EVENT, DEMO_USERS, REPO_ROOT, startLocalStack, writeOutputs } from '#lib/stack';
export type { LocalStack, LocalStackOptions, LocalStackOutputs } from '#lib/stack';
export { encodeKeyForEvent } from '#lib/s3-notifications';
