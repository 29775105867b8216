import { describe, expect, it } from 'vitest';
import { inviteInUrl } from '#lib/app/invite-link';

describe('inviteInUrl', () => {
  it('reads the event, the code and the name of an invite link', () => {
    expect(inviteInUrl('https://photos.example/?event=summit&invite=c0de_-x&name=Summit+2026%2C+Seoul')).toEqual({
      eventId: 'summit',
      code: 'c0de_-x',
      name: 'Summit 2026, Seoul',
    });
  });

  it('takes a link without a name (the API’s own), and none without an event or a code', () => {
    expect(inviteInUrl('https://photos.example/?event=summit&invite=abc')).toEqual({ eventId: 'summit', code: 'abc', name: '' });
    expect(inviteInUrl('https://photos.example/?event=summit')).toBeNull();
    expect(inviteInUrl('https://photos.example/?invite=abc')).toBeNull();
    expect(inviteInUrl('https://photos.example/?event=%20&invite=abc')).toBeNull();
  });

  it('keeps a name to one line of at most 200 characters', () => {
    const name = `${'Ä'.repeat(150)}\n\t${'😀'.repeat(100)}`;
    const read = inviteInUrl(`https://photos.example/?event=e&invite=c&name=${encodeURIComponent(name)}`)!.name;
    expect([...read]).toHaveLength(200);
    expect(read).toBe(`${'Ä'.repeat(150)} ${'😀'.repeat(49)}`);
  });
});
