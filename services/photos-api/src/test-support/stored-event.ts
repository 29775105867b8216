// An event as the table stores it (keys included), for the event handler tests.
export const STORED_EVENT_ID = 'summit-2026';

export function storedEvent(overrides: Record<string, unknown> = {}) {
  return {
    pk: `EVENT#${STORED_EVENT_ID}`,
    sk: 'EVENT',
    gsi1pk: 'EVENTS',
    gsi1sk: `2026-05-01T10:00:00.000Z#${STORED_EVENT_ID}`,
    eventId: STORED_EVENT_ID,
    name: 'Summit',
    description: '',
    open: true,
    organizerId: 'organizer-sub',
    createdAt: '2026-05-01T10:00:00.000Z',
    ...overrides,
  };
}
