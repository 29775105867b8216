import { foldForSearch, type Photo } from '@event-photos/core';

// Photo items carry, besides the photo, what listing needs. Two local secondary indexes of the
// event's partition order them; LSIs, not GSIs, because only they can be read strongly consistent,
// which the feed's guarantee needs (a GSI lags by an unbounded, if usually short, time):
//   byReady     readyKey     {createdAt}#{photoId}                 the whole event, by ready time
//   byUploader  uploaderKey  {uploaderId}#{createdAt}#{photoId}    one uploader's photos, by ready time
// titleFold and descriptionFold hold the texts as searched (foldForSearch).
export const READY_INDEX = 'byReady';
export const UPLOADER_INDEX = 'byUploader';
const LISTING_ATTRIBUTES = ['readyKey', 'uploaderKey', 'titleFold', 'descriptionFold'] as const;

// A photo's place in the list: the time processing accepted it (ISO, fixed width, so string order
// is time order), then its id to break ties.
export const readyKeyOf = (photo: { createdAt: string; photoId: string }) => `${photo.createdAt}#${photo.photoId}`;

export function listingAttributes(photo: Pick<Photo, 'photoId' | 'createdAt' | 'uploaderId' | 'title' | 'description'>) {
  const readyKey = readyKeyOf(photo);
  return {
    readyKey,
    uploaderKey: `${photo.uploaderId}#${readyKey}`,
    titleFold: foldForSearch(photo.title),
    descriptionFold: foldForSearch(photo.description),
  };
}

/** The photo of an item: without the table's keys and the listing attributes. */
export function photoOfItem(item: Record<string, unknown>): Photo {
  const { pk: _pk, sk: _sk, ...photo } = item;
  for (const name of LISTING_ATTRIBUTES) delete photo[name];
  return photo as unknown as Photo;
}
