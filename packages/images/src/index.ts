export * from '#lib/sharp-photo-renderer';
export * from '#lib/strip-metadata';
