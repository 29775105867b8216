import type { CdnInvalidator, DeletedPhoto } from '@event-photos/core';

/**
 * CdnInvalidator for handler tests: records each call as the port states it (event and photos,
 * not CloudFront's paths), and refuses with `failWith` when set, as a CDN that is down would.
 */
export class RecordingCdnInvalidator implements CdnInvalidator {
  readonly calls: Array<{ eventId: string; photos: DeletedPhoto[] }> = [];
  /** Thrown by every call while set (the call is still recorded). */
  failWith: Error | undefined;

  async invalidatePhotos(eventId: string, photos: DeletedPhoto[]): Promise<void> {
    this.calls.push({ eventId, photos: photos.map((photo) => ({ ...photo })) });
    if (this.failWith) throw this.failWith;
  }

  /** The ids of every photo invalidated, call by call. */
  photoIds(): string[][] {
    return this.calls.map((call) => call.photos.map((photo) => photo.photoId));
  }
}
