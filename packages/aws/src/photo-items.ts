import { FEED_CHANGES_KEPT_SECONDS, foldForSearch, type Photo, type PhotoEvent, type Upload } from '@event-photos/core';
import { changeSk, eventPk } from '#lib/table-keys';

// Photo items carry, besides the photo, what listing needs. Two local secondary indexes of the
// event's partition order them; LSIs, not GSIs, because only they can be read strongly consistent,
// which the feed's guarantee needs (a GSI lags by an unbounded, if usually short, time):
//   byReady     readyKey     {createdAt}#{photoId}                 the whole event, by ready time
//   byUploader  uploaderKey  {uploaderId}#{createdAt}#{photoId}    one uploader's photos, by ready time
// Both indexes are sparse: an accepted photo gets its keys only when it becomes ready
// (PhotoRepository.markPhotoReady), so until then it is in no list, no feed and no count.
// titleFold and descriptionFold hold the texts as searched (foldForSearch), from the start.
export const READY_INDEX = 'byReady';
export const UPLOADER_INDEX = 'byUploader';
const LISTING_ATTRIBUTES = ['readyKey', 'uploaderKey', 'titleFold', 'descriptionFold'] as const;

// A photo's place in the list: the time processing accepted it (ISO, fixed width, so string order
// is time order), then its id to break ties.
export const readyKeyOf = (photo: { createdAt: string; photoId: string }) => `${photo.createdAt}#${photo.photoId}`;

/** The keys of both listing indexes: what makes a photo ready. */
export function readyAttributes(photo: Pick<Photo, 'photoId' | 'createdAt' | 'uploaderId'>) {
  const readyKey = readyKeyOf(photo);
  return { readyKey, uploaderKey: `${photo.uploaderId}#${readyKey}` };
}

/** The texts as a search compares them. */
export function searchAttributes(photo: Pick<Photo, 'title' | 'description'>) {
  return { titleFold: foldForSearch(photo.title), descriptionFold: foldForSearch(photo.description) };
}

/** Everything listing reads of a ready photo. */
export function listingAttributes(photo: Pick<Photo, 'photoId' | 'createdAt' | 'uploaderId' | 'title' | 'description'>) {
  return { ...readyAttributes(photo), ...searchAttributes(photo) };
}

/** Whether a photo item is ready (listed, and what getPhoto answers). */
export const isReady = (item: Record<string, unknown>) => typeof item['readyKey'] === 'string';

/** The photo of an item: without the table's keys and the listing attributes. */
export function photoOfItem(item: Record<string, unknown>): Photo {
  const { pk: _pk, sk: _sk, ...photo } = item;
  for (const name of LISTING_ATTRIBUTES) delete photo[name];
  return photo as unknown as Photo;
}

/** The upload of an UPLOAD# item, without keys and TTL. An item without status (older code wrote none) is pending. */
export function uploadOfItem(item: Record<string, unknown>): Upload {
  const { pk: _pk, sk: _sk, ttl: _ttl, ...upload } = item;
  return { ...upload, status: upload['status'] ?? 'pending' } as Upload;
}

/** The event of an EVENT item, without the table's keys (nor the all-events index keys older items carry). */
export function eventOfItem(item: Record<string, unknown>): PhotoEvent {
  const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...event } = item;
  return event as unknown as PhotoEvent;
}

/** What a change record says happened to a photo: its text was edited (the feed reads it again), or it was deleted. */
export type PhotoChange = 'edited' | 'removed';

/**
 * The record of an edit or a delete that the feed reads (photo-listing.ts), written in the
 * transaction that makes the change: in the event's partition, ordered by when it was made, kept
 * FEED_CHANGES_KEPT_SECONDS (TTL). A delete names the uploader, so a feed of one uploader's photos
 * keeps to theirs; an edit need not (the feed reads the photo, which names them).
 */
export function changeItem(eventId: string, photoId: string, change: PhotoChange, now: Date, uploaderId?: string) {
  const changedAt = now.toISOString();
  return {
    pk: eventPk(eventId),
    sk: changeSk(changedAt, photoId),
    photoId,
    change,
    changedAt,
    ...(uploaderId === undefined ? {} : { uploaderId }),
    ttl: Math.floor(now.getTime() / 1000) + FEED_CHANGES_KEPT_SECONDS,
  };
}
