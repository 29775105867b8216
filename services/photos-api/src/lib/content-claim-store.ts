import { ContentClaims } from '@event-photos/aws';
import { config } from '#lib/config';
import { documents } from '#lib/photo-store';

// The deduplication writes, for processing and delete only (see content-claims.ts).
export const claims = new ContentClaims(documents, config.tableName);
