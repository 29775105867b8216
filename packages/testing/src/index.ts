// Lambda events and contexts: what the local gateway, S3 notifications, unit tests and bench build.
// Fixtures and the browser launcher are separate entry points (./fixtures, ./browser), so the
// local stack does not load test-only dependencies.
export { claimsOfToken, flattenClaims, httpApiEvent, type HttpApiEventInput, type JwtClaims } from '#lib/http-api-event';
export { lambdaContext, type LambdaContextInput } from '#lib/lambda-context';
export { encodeKeyForEvent, s3Event, s3Record, type S3RecordInput } from '#lib/s3-event';
