import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  inviteValid,
  rightsOf,
  timeWindow,
  unionOfRights,
  widens,
  type AttemptCount,
  type EventOfUser,
  type Invite,
  type Joining,
  type Membership,
  type MembershipStore,
  type Page,
  type PageRequest,
  type PhotoEvent,
} from '@event-photos/core';
import { BatchedGets } from '#lib/batched-gets';
import { unlessConditionFails } from '#lib/conditional-write';
import { decodeEventCursor, decodeMemberCursor, encodeEventCursor, encodeMemberCursor } from '#lib/cursors';
import {
  ACCESS_INDEX,
  MEMBERSHIP_ATTRIBUTES,
  accessIndexKeys,
  accessIndexPk,
  accessKey,
  inviteIdOf,
  inviteKey,
  inviteOfItem,
  isMembership,
  memberIdOf,
  membershipOfItem,
} from '#lib/membership-items';
import { EVENT_SK, INVITE_SK_PREFIX, MEMBER_SK_PREFIX, eventPk, joinAttemptsSk, memberSk, userPk } from '#lib/table-keys';
import { failed, itemOf, setAttributes, transactWrite, type TransactAction } from '#lib/transactions';
import { eventOfItem } from '#lib/photo-items';

// Access patterns (items in membership-items.ts):
//   the caller's access, every request    GetItem EVENT#{e} / MEMBER#{memberIdOf(e, user)}, batched with the event's GetItem
//   join                                  BatchGetItem (event, invite by its code's hash), then one TransactWriteItems:
//                                         ConditionCheck of the invite (whole hash, not revoked, not expired) and the
//                                         access item's Update, on condition the user is no member yet
//   a user's events                       Query gsi1 (gsi1pk MEMBER#{user}, newest first), then BatchGetItem of the
//                                         events and the access items (consistent: a removal counts at once)
//   the event's members, its invites      Query EVENT#{e}, begins_with MEMBER# / INVITE# (consistent)
//   remove a member, revoke an invite     DeleteItem / UpdateItem by key
//   join attempts                         UpdateItem USER#{user} / JOINS#{window start}: a conditional counter with a TTL
/** How many times join tries again when a membership it was widening is removed meanwhile. */
const JOIN_ATTEMPTS = 3;

/** MembershipStore on the single table (the promises of each method are in @event-photos/core's membership-store.ts). */
export class MembershipRepository implements MembershipStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Shared with the PhotoRepository of the same handler, so the event and the caller's access are read in one request. */
    private readonly gets = new BatchedGets(db, tableName),
  ) {}

  async getMembership(eventId: string, userId: string): Promise<Membership | null> {
    const item = await this.gets.get(accessKey(eventId, userId));
    return isMembership(item) ? membershipOfItem(item!) : null;
  }

  // ---------------------------------------------------------------- invites

  /** One PutItem, on condition the id is new (ids are 128 bits of a random code's hash: a collision is a bug). */
  async createInvite(invite: Omit<Invite, 'inviteId' | 'revokedAt'>, codeHash: string): Promise<Invite> {
    const created: Invite = { ...invite, inviteId: inviteIdOf(codeHash) };
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...inviteKey(invite.eventId, created.inviteId), ...created, codeHash },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return created;
  }

  async listInvites(eventId: string): Promise<Invite[]> {
    const items = await this.queryAll(eventId, INVITE_SK_PREFIX);
    return items.map(inviteOfItem).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.inviteId.localeCompare(b.inviteId));
  }

  /** One UpdateItem: revokedAt set once, on condition the invite exists. */
  async revokeInvite(eventId: string, inviteId: string, now: Date): Promise<Invite | null> {
    const result = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: inviteKey(eventId, inviteId),
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': now.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return result ? inviteOfItem(result.Attributes!) : null;
  }

  // ---------------------------------------------------------------- members

  /**
   * Reads the event and the invite together, then one TransactWriteItems: the invite checked
   * again (so a revocation in between wins) and the membership set on the user's access item, on
   * condition they are no member yet. A member already (ALL_OLD says with which rights) who is
   * offered more gets them in a second transaction, on condition the membership is still there.
   */
  async join(eventId: string, codeHash: string, member: { userId: string; displayName: string }, now: Date): Promise<Joining> {
    const inviteId = inviteIdOf(codeHash);
    const [eventItem, inviteItem] = await Promise.all([
      this.gets.get({ pk: eventPk(eventId), sk: EVENT_SK }),
      this.gets.get(inviteKey(eventId, inviteId)),
    ]);
    const invite = inviteItem?.['codeHash'] === codeHash ? inviteOfItem(inviteItem) : undefined;
    if (!eventItem || !invite || !inviteValid(invite, now)) return { outcome: 'invalid' };
    const offered = rightsOf(invite);
    const event = eventItem as unknown as PhotoEvent;
    const key = accessKey(eventId, member.userId);
    const memberId = memberIdOf(eventId, member.userId);
    const inviteCheck: TransactAction = {
      ConditionCheck: {
        TableName: this.tableName,
        Key: inviteKey(eventId, inviteId),
        ConditionExpression:
          'codeHash = :hash AND attribute_not_exists(revokedAt) AND (attribute_type(expiresAt, :null) OR expiresAt > :now)',
        ExpressionAttributeValues: { ':hash': codeHash, ':null': 'NULL', ':now': now.toISOString() },
      },
    };
    for (let attempt = 0; attempt < JOIN_ATTEMPTS; attempt++) {
      const membership: Membership = {
        eventId,
        memberId,
        userId: member.userId,
        displayName: member.displayName,
        joinedAt: now.toISOString(),
        ...offered,
      };
      const fields = { ...membership, ...accessIndexKeys(member.userId, event) };
      const reasons = await transactWrite(this.db, [
        inviteCheck,
        {
          Update: {
            TableName: this.tableName,
            Key: key,
            ...setAttributes(fields),
            ConditionExpression: 'attribute_not_exists(memberId)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ]);
      if (!reasons) return { outcome: 'joined', membership };
      if (failed(reasons, 0)) return { outcome: 'invalid' };
      const held = membershipOfItem(reasons[1]!.item!);
      if (!widens(held, offered)) return { outcome: 'alreadyMember', membership: held };
      const widened = { ...held, ...unionOfRights(held, offered) };
      const again = await transactWrite(this.db, [
        inviteCheck,
        {
          Update: {
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET upload = :upload, viewOthers = :viewOthers, downloadOriginals = :downloadOriginals',
            ConditionExpression: 'memberId = :memberId',
            ExpressionAttributeValues: { ...rightsOfValues(widened), ':memberId': memberId },
          },
        },
      ]);
      if (!again) return { outcome: 'alreadyMember', membership: widened };
      if (failed(again, 0)) return { outcome: 'invalid' };
      // Removed meanwhile: join anew.
    }
    throw new Error(`Membership of ${eventId} changed under ${JOIN_ATTEMPTS} attempts to join`);
  }

  /** Query of the event's access items (consistent), leaving out its organizer's record when they are no member. */
  async listMembers(eventId: string, { limit, cursor }: PageRequest): Promise<Page<Membership>> {
    const pk = eventPk(eventId);
    let startKey: Record<string, unknown> | undefined = cursor === undefined ? undefined : { pk, sk: memberSk(decodeMemberCursor(cursor)) };
    const items: Membership[] = [];
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression: 'attribute_exists(memberId)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': MEMBER_SK_PREFIX },
          ConsistentRead: true,
          Limit: limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(result.Items ?? []).map(membershipOfItem));
      startKey = result.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    const last = startKey?.['sk'];
    return { items, nextCursor: typeof last === 'string' ? encodeMemberCursor(last.slice(MEMBER_SK_PREFIX.length)) : null };
  }

  /**
   * One DeleteItem of the member's access item, on condition it is a membership; the organizer's
   * own membership (they joined their event) ends with an UpdateItem that keeps their record.
   */
  async removeMember(eventId: string, memberId: string): Promise<boolean> {
    const key = { pk: eventPk(eventId), sk: memberSk(memberId) };
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: 'attribute_exists(memberId) AND attribute_not_exists(organizer)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const item = error.Item ? itemOf(error.Item) : undefined;
      if (!isMembership(item)) return false;
    }
    const removed = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `REMOVE ${MEMBERSHIP_ATTRIBUTES.join(', ')}`,
          ConditionExpression: 'attribute_exists(memberId)',
        }),
      ),
    );
    return removed !== undefined;
  }

  // ---------------------------------------------------------------- a user's events

  /**
   * Query of gsi1 (the user's access items, newest event first), then the events and the access
   * items read again from the table, consistently, in one BatchGetItem: an entry the index still
   * shows after a removal is left out (so a page may be shorter than `limit` and still have a cursor).
   */
  async listEventsOf(userId: string, { limit, cursor }: PageRequest): Promise<Page<EventOfUser>> {
    const after = cursor === undefined ? undefined : decodeEventCursor(cursor);
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: ACCESS_INDEX,
        KeyConditionExpression: 'gsi1pk = :user',
        ExpressionAttributeValues: { ':user': accessIndexPk(userId) },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: after && { ...accessKey(after.eventId, userId), ...accessIndexKeys(userId, after) },
      }),
    );
    const eventIds = (result.Items ?? []).map((item) => item['eventId'] as string);
    const read = await Promise.all(
      eventIds.map((eventId) =>
        Promise.all([this.gets.get({ pk: eventPk(eventId), sk: EVENT_SK }), this.gets.get(accessKey(eventId, userId))]),
      ),
    );
    const items = read.flatMap(([event, access]): EventOfUser[] =>
      event && access && (access['organizer'] === true || isMembership(access))
        ? [{ event: eventOfItem(event), membership: isMembership(access) ? membershipOfItem(access) : null }]
        : [],
    );
    const last = result.LastEvaluatedKey?.['gsi1sk'] as string | undefined;
    return { items, nextCursor: last ? encodeEventCursor(last) : null };
  }

  // ---------------------------------------------------------------- join attempts

  /** One UpdateItem: ADD 1 on condition the window's count is under the limit; the TTL set by the first. */
  async countJoinAttempt(
    userId: string,
    { attempts, windowSeconds }: { attempts: number; windowSeconds: number },
    now: Date,
  ): Promise<AttemptCount> {
    const { start, secondsLeft } = timeWindow(now, windowSeconds);
    const counted = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: userPk(userId), sk: joinAttemptsSk(start) },
          UpdateExpression: 'SET #ttl = if_not_exists(#ttl, :ttl) ADD attempts :one',
          ConditionExpression: 'attribute_not_exists(attempts) OR attempts < :max',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          // Kept a window past its own, then DynamoDB's TTL removes it.
          ExpressionAttributeValues: { ':ttl': Math.floor(Date.parse(start) / 1000) + 2 * windowSeconds, ':one': 1, ':max': attempts },
        }),
      ),
    );
    return counted ? { allowed: true } : { allowed: false, retryAfterSeconds: secondsLeft };
  }

  /** Every item of the event's partition under `prefix`, page by page (consistent). */
  private async queryAll(eventId: string, prefix: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': eventPk(eventId), ':prefix': prefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}

const rightsOfValues = ({ upload, viewOthers, downloadOriginals }: Membership) => ({
  ':upload': upload,
  ':viewOthers': viewOthers,
  ':downloadOriginals': downloadOriginals,
});
