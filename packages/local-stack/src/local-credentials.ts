/** The local stack's only S3 key pair (s3rver's fixed one): the S3 proxy checks signatures with it. Not a secret. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
