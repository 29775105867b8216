export * from '#lib/dynamodb-client';
export * from '#lib/object-storage';
export * from '#lib/photo-repository';
export * from '#lib/s3-client';
export * from '#lib/upload-signer';
export * from '#lib/upload-signing-env';
export * from '#lib/content-claims';
export * from '#lib/photo-listing';
