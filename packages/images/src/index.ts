export * from '#lib/sharp-photo-renderer';
