export * from '#lib/clients';
export * from '#lib/object-storage';
export * from '#lib/photo-repository';
export * from '#lib/upload-signer';
