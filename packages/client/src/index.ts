export {
  cognitoEndpointFor,
  completeNewPassword,
  confirmForgotPassword,
  confirmSignUp,
  forgotPassword,
  NewPasswordRequiredError,
  refreshSession,
  resendConfirmationCode,
  revokeToken,
  signIn,
  signUp,
} from '#lib/auth';
export type { CodeDelivery, CognitoClientOptions, SignInOptions, SignInResult, SignUpOptions, SignUpResult } from '#lib/auth';
export type { ApiRequestOptions } from '#lib/api-request';
export { ApiError, PhotoDuplicateError, PhotoNotReadyError, PhotoRejectedError } from '#lib/errors';
export { createEventsClient } from '#lib/events-client';
export type { EventChanges, EventsClient, NewEvent } from '#lib/events-client';
export { createMembersClient } from '#lib/members-client';
export type { MembersClient, NewInvite } from '#lib/members-client';
export { hasOuterSpace, PASSWORD_MIN_LENGTH, PASSWORD_RULES, passwordProblems } from '#lib/password-policy';
export type { PasswordRule } from '#lib/password-policy';
export { plainErrorMessage, translatePlainErrors } from '#lib/plain-errors';
export { createPhotosClient, isForbiddenRequestHeader, sha256Hex } from '#lib/photos-client';
export type {
  DuplicatePhoto,
  InitiateUploadInput,
  ListPhotosOptions,
  PendingPhoto,
  PhotoChanges,
  PhotosClient,
  PhotosClientOptions,
  PhotoWithStatus,
  ReadyPhoto,
  RejectedPhoto,
  UploadFileOptions,
  UploadStage,
  WaitForPhotoOptions,
} from '#lib/photos-client';
export { DEFAULT_RETRY_DELAYS_MS, isOffline, isRetryable, THROTTLED, whenOnline, withRetry } from '#lib/retry';
export type { Backoff, RetryOptions } from '#lib/retry';
export { sendPhoto } from '#lib/send-photo';
export type { PhotoStatus, SendPhotoOptions, UploadJob, UploadTarget } from '#lib/send-photo';
export { UplinkPacer } from '#lib/upload-pacing';
export type { PacerOptions, PutSlot } from '#lib/upload-pacing';
export { DEFAULT_MAX_UPLOAD_BYTES } from '@event-photos/core/limits';
export { ACCEPTED_CONTENT_TYPES, contentTypeOf, formatBytes, titleFromFileName, uploadProblem } from '#lib/upload-checks';
export type { PhotoFile } from '#lib/upload-checks';
export { DEFAULT_CONCURRENCY } from '#lib/upload-photos';
export type { PhotoUploadInput, PhotoUploadProgress, PhotoUploadState, UploadPhotosOptions } from '#lib/upload-photos';
export { uppyUploadParameters } from '#lib/uppy-upload-parameters';
export type { UppyFileLike, UppyUploadParameters } from '#lib/uppy-upload-parameters';
