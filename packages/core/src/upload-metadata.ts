import { S3_USER_METADATA_LIMIT_BYTES, decodeMetadataValue, encodeMetadataValue, metadataSize } from '#lib/metadata-encoding';
import { IMAGE_CONTENT_TYPES, type ImageContentType } from '#lib/limits';

/** What an upload's S3 object carries about itself (metadata keys are lowercase, as S3 returns them). */
export interface UploadMetadata {
  photoId: string;
  eventId: string;
  uploaderId: string;
  contentType: ImageContentType;
  title: string;
  /** Absent when it did not fit in S3's 2 KB metadata budget; the upload record always has it. */
  description?: string;
}

/**
 * S3-safe metadata for an upload. A long non-ASCII description can exceed S3's 2 KB limit
 * (2000 CJK characters are 6 KB of UTF-8); it is then left out of the object and kept only
 * in the upload record written at initiation.
 */
export function encodeUploadMetadata(upload: UploadMetadata): Record<string, string> {
  const metadata: Record<string, string> = {
    photoid: upload.photoId,
    eventid: upload.eventId,
    uploaderid: upload.uploaderId,
    contenttype: upload.contentType,
    title: encodeMetadataValue(upload.title),
  };
  if (upload.description !== undefined) {
    const withDescription = { ...metadata, description: encodeMetadataValue(upload.description) };
    if (metadataSize(withDescription) <= S3_USER_METADATA_LIMIT_BYTES) return withDescription;
  }
  return metadata;
}

/** Decodes metadata from HeadObject; null when the object does not carry ours. */
export function decodeUploadMetadata(metadata: Record<string, string>): UploadMetadata | null {
  const { photoid, eventid, uploaderid, contenttype, title, description } = metadata;
  if (!photoid || !eventid || !uploaderid || !contenttype || title === undefined) return null;
  if (!Object.hasOwn(IMAGE_CONTENT_TYPES, contenttype)) return null; // not `in`: it sees 'constructor' etc.
  try {
    return {
      photoId: photoid,
      eventId: eventid,
      uploaderId: uploaderid,
      contentType: contenttype as ImageContentType,
      title: decodeMetadataValue(title),
      ...(description === undefined ? {} : { description: decodeMetadataValue(description) }),
    };
  } catch {
    return null; // not valid UTF-8 after decoding: not metadata we wrote
  }
}
