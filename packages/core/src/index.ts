export * from '#lib/errors';
export * from '#lib/metadata-encoding';
export * from '#lib/photo';
export * from '#lib/validation';
export * from '#lib/upload-metadata';
export * from '#lib/photo-changes';
export * from '#lib/search-text';
