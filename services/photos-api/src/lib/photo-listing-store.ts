import { PhotoListing } from '@event-photos/aws';
import { config } from '#lib/config';
import { documents } from '#lib/photo-store';

// The photo list's queries, for list-photos only (see photo-listing.ts).
export const listing = new PhotoListing(documents, config.tableName);
