export { cognitoEndpointFor, signIn } from '#lib/auth';
export type { SignInOptions, SignInResult } from '#lib/auth';
export { ApiError, PhotoDuplicateError, PhotoNotReadyError, PhotoRejectedError } from '#lib/errors';
export { createPhotosClient, isForbiddenRequestHeader, sha256Hex } from '#lib/photos-client';
export type {
  InitiateUploadInput,
  PendingPhoto,
  PhotosClient,
  PhotosClientOptions,
  PhotoWithStatus,
  RejectedPhoto,
  DuplicatePhoto,
  ReadyPhoto,
  UploadFileOptions,
  UploadStage,
  WaitForPhotoOptions,
} from '#lib/photos-client';
