// The behaviour suites every store implementation must pass: the in-memory fakes (their tests
// here) and the AWS adapters on the local emulators (packages/local-stack).
export { objectStoreContract, type ObjectStoreSubject } from '#lib/object-store-contract';
export { photoStoreContract, type PhotoStoreSubject } from '#lib/photo-store-contract';
export { membershipStoreContract, type MembershipStoreSubject } from '#lib/membership-store-contract';
export { exportStoreContract, type ExportStoreSubject } from '#lib/export-store-contract';
