import { expectTypeOf, it } from 'vitest';
import type * as z from 'zod/mini';
import type * as schemas from '#lib/api-responses';
import type { BatchDeleteResponse } from '#lib/photo-changes';
import type { EventDetails, EventPage, EventView } from '#lib/events';
import type { DuplicateUploadResponse, InitiateUploadResponse, OriginalDownload, PhotoPage, PhotoView } from '#lib/photos';
import type { CreatedInvite, InviteList, InviteView, JoinedEvent, MemberPage, MemberView } from '#lib/members';
import type { CreatedExport, ExportView } from '#lib/exports';

/** Each assignable to the other (toEqualTypeOf alone tells an intersection from its flat equal). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// The OpenAPI document's response schemas are the types the handlers build their answers with:
// tsc fails here when either side changes alone (the integration test checks the real answers).
it('types the same shapes as the handlers', () => {
  expectTypeOf<Same<z.infer<typeof schemas.photoViewSchema>, PhotoView>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.photoPageSchema>, PhotoPage>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.originalDownloadSchema>, OriginalDownload>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.eventViewSchema>, EventView>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.eventDetailsSchema>, EventDetails>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.eventPageSchema>, EventPage>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.batchDeleteResponseSchema>, BatchDeleteResponse>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.initiateUploadResponseSchema>, InitiateUploadResponse>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.duplicateUploadResponseSchema>, DuplicateUploadResponse>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.createdInviteSchema>, CreatedInvite>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.inviteViewSchema>, InviteView>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.inviteListSchema>, InviteList>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.joinedEventSchema>, JoinedEvent>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.memberViewSchema>, MemberView>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.memberPageSchema>, MemberPage>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.createdExportSchema>, CreatedExport>>().toEqualTypeOf<true>();
  expectTypeOf<Same<z.infer<typeof schemas.exportViewSchema>, ExportView>>().toEqualTypeOf<true>();
});
