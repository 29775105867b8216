import type { Stores } from '#lib/stores';

// Waits for another run that holds the claim and is about to write its photo (two uploads of the
// same bytes at the same moment). Past them the run fails, so Lambda retries it later.
const IN_FLIGHT_WAITS_MS = [50, 100, 200, 400, 800];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Claims the event's hash for photoId before its photo is written (no transactions: a
 * conditional put is the one race-safe step). Returns null when photoId holds the claim, or the
 * photoId of the photo that already holds these bytes.
 *
 * A claim whose photo was never written (a crash in between, a delete, an expired upload) must
 * not block the bytes forever: such a stale claim is taken over with a conditional update.
 */
export async function claimContent(stores: Stores, eventId: string, sha256: string, photoId: string): Promise<string | null> {
  const { photos, claims } = stores;
  for (let attempt = 0; ; attempt++) {
    if (await claims.claimHash(eventId, sha256, photoId)) return null;
    const holder = (await photos.getHashClaim(eventId, sha256))?.photoId;
    // Released (or taken over) since the put failed: claim again.
    const state = holder === undefined ? 'changed' : await holderState(stores, eventId, holder);
    if (state === 'recorded') return holder!;
    if (state === 'stale' && (await claims.takeOverHashClaim(eventId, sha256, holder!, photoId))) return null;
    if (attempt >= IN_FLIGHT_WAITS_MS.length) {
      throw new Error(`Photo ${holder} holds the claim on ${sha256} but is not recorded yet; retry later`);
    }
    if (state === 'inFlight') await sleep(IN_FLIGHT_WAITS_MS[attempt]!);
  }
}

async function holderState({ photos, objects }: Stores, eventId: string, photoId: string): Promise<'recorded' | 'stale' | 'inFlight'> {
  const [photo, upload] = await Promise.all([photos.getPhoto(eventId, photoId), photos.getPendingUpload(eventId, photoId)]);
  // Being deleted: its own release of the claim may not have run yet.
  if (upload?.status === 'deleted') return 'stale';
  if (photo) return 'recorded';
  // Rejected, a duplicate itself, or past its TTL: it will never write a photo.
  if (!upload || upload.status) return 'stale';
  // Still pending: a run holds it now, or a retry or reconcile will finish it, as long as its object exists.
  return (await objects.head(upload.objectKey)) ? 'inFlight' : 'stale';
}
