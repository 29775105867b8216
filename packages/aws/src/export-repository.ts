import { DeleteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  exportStopped,
  type ExportOutcome,
  type ExportProgress,
  type ExportRun,
  type ExportStart,
  type ExportStore,
  type PhotoExport,
} from '@event-photos/core';
import { BatchedGets } from '#lib/batched-gets';
import { unlessConditionFails } from '#lib/conditional-write';
import { exportItem, exportKey, exportOfItem, runningExportItem, runningExportKey } from '#lib/export-items';
import { failed, transactWrite } from '#lib/transactions';

// Access patterns (items in export-items.ts):
//   start an export       TransactWriteItems: Put EXPORTING#{requester} on condition there is none
//                         or its deadline has passed (ALL_OLD: the one running), Put EXPORT#{id}
//   read an export        GetItem EXPORT#{id} (batched with the caller's access: one BatchGetItem)
//   claim, progress, end  UpdateItem EXPORT#{id} on condition it runs (and the run holds it); the
//                         end also deletes EXPORTING#{requester} on condition it names this export
/** How many times start tries again when the requester's lock names an export that is already over. */
const START_ATTEMPTS = 3;

const RUNNING = { '#status': 'status', '#deadline': 'deadline' };

/** ExportStore on the single table (the promises of each method are in @event-photos/core's export-store.ts). */
export class ExportRepository implements ExportStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Shared with the handler's other stores, so that the export and the caller's access are read in one request. */
    private readonly gets = new BatchedGets(db, tableName),
  ) {}

  async startExport(photoExport: PhotoExport, now: Date): Promise<ExportStart> {
    const { eventId, requesterId } = photoExport;
    for (let attempt = 1; ; attempt++) {
      const reasons = await transactWrite(this.db, [
        {
          Put: {
            TableName: this.tableName,
            Item: runningExportItem(photoExport),
            ConditionExpression: 'attribute_not_exists(pk) OR #deadline <= :now',
            ExpressionAttributeNames: { '#deadline': 'deadline' },
            ExpressionAttributeValues: { ':now': now.toISOString() },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        { Put: { TableName: this.tableName, Item: exportItem(photoExport), ConditionExpression: 'attribute_not_exists(pk)' } },
      ]);
      if (!reasons) return { started: true, export: photoExport };
      if (failed(reasons, 1)) throw new Error(`Export ${photoExport.exportId} already exists`);
      const held = String(reasons[0]?.item?.['exportId'] ?? '');
      const running = held ? await this.getExport(eventId, held, now) : null;
      if (running?.status === 'running' && !exportStopped(running, now)) return { started: false, export: running };
      if (attempt === START_ATTEMPTS) throw new Error(`Export of ${requesterId} in ${eventId}: the lock stays on ${held}`);
      await this.releaseLock(eventId, requesterId, held);
    }
  }

  async getExport(eventId: string, exportId: string, now: Date): Promise<PhotoExport | null> {
    const item = await this.gets.get(exportKey(eventId, exportId));
    if (!item) return null;
    const record = exportOfItem(item);
    // The TTL deletes within days, not at once: an expired record is gone already.
    return record.expiresAt > now.toISOString() ? record : null;
  }

  async claimExport(eventId: string, exportId: string, run: ExportRun, now: Date): Promise<PhotoExport | null> {
    const result = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: exportKey(eventId, exportId),
          UpdateExpression: 'SET runId = :run, runUntil = :until',
          ConditionExpression:
            'attribute_exists(pk) AND #status = :running AND #deadline > :now AND (attribute_not_exists(runId) OR runId = :run OR runUntil <= :now)',
          ExpressionAttributeNames: RUNNING,
          ExpressionAttributeValues: {
            ':run': run.runId,
            ':until': run.until.toISOString(),
            ':running': 'running',
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return result ? exportOfItem(result.Attributes!) : null;
  }

  async recordProgress(eventId: string, exportId: string, runId: string, { photos, skipped, bytes }: ExportProgress): Promise<boolean> {
    const result = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: exportKey(eventId, exportId),
          UpdateExpression: 'SET photos = :photos, skipped = :skipped, bytes = :bytes',
          ConditionExpression: 'attribute_exists(pk) AND #status = :running AND runId = :run',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':photos': photos, ':skipped': skipped, ':bytes': bytes, ':running': 'running', ':run': runId },
        }),
      ),
    );
    return result !== undefined;
  }

  /** UpdateItem on condition the run holds it; then the requester's lock is released (a failure there only delays their next export to the deadline). */
  async finishExport(eventId: string, exportId: string, runId: string, outcome: ExportOutcome, now: Date): Promise<boolean> {
    const { status, photos, skipped, bytes } = outcome;
    const reason = outcome.status === 'failed' ? outcome.reason : undefined;
    const result = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: exportKey(eventId, exportId),
          UpdateExpression: `SET #status = :status, photos = :photos, skipped = :skipped, bytes = :bytes, finishedAt = :now${reason === undefined ? '' : ', reason = :reason'} REMOVE runId, runUntil`,
          ConditionExpression: 'attribute_exists(pk) AND #status = :running AND runId = :run',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':photos': photos,
            ':skipped': skipped,
            ':bytes': bytes,
            ':now': now.toISOString(),
            ':running': 'running',
            ':run': runId,
            ...(reason === undefined ? {} : { ':reason': reason }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (!result) return false;
    await this.releaseLock(eventId, String(result.Attributes!['requesterId']), exportId);
    return true;
  }

  private async releaseLock(eventId: string, requesterId: string, exportId: string): Promise<void> {
    await unlessConditionFails(
      this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: runningExportKey(eventId, requesterId),
          ConditionExpression: 'exportId = :id',
          ExpressionAttributeValues: { ':id': exportId },
        }),
      ),
    );
  }
}
