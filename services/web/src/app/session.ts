import { ApiError, type CognitoClientOptions, refreshSession, revokeToken, type SignInResult } from '@event-photos/client';
import type { InviteRights } from '@event-photos/core';

/** What this browser keeps of a signed-in user (localStorage, one key). */
export interface StoredSession {
  email: string;
  /** Sent to the API; lives an hour on AWS (IdTokenValidity). */
  idToken: string;
  /** Epoch milliseconds: when the ID token (or the access token, whichever first) lapses. */
  expiresAt: number;
  /** Epoch milliseconds: 80% of the way to expiresAt, when a new ID token is fetched. */
  refreshAt: number;
  /** Gets new ID tokens (REFRESH_TOKEN_AUTH) for 30 days on AWS, until revoked at sign-out. */
  refreshToken: string;
  /** What the invites this user joined with allow, by event (the join answers say; the event does not). */
  rights: Record<string, InviteRights>;
}

const KEY = 'event-photos.session';
/** The ID token is renewed when this share of its life is over (and on demand after a 401). */
const REFRESH_AT_SHARE = 0.8;
/** A token this close to its end is not sent any more: a request should not start with a token about to lapse. */
const EXPIRY_MARGIN_MS = 5_000;
/** After a refresh that could not reach Cognito, the next attempt. */
const RETRY_REFRESH_MS = 15_000;

/** Why the session ended without the user signing out: shown on the sign-in screen. */
export type SessionEnd = 'ended' | 'elsewhere';

type CognitoOptions = Omit<CognitoClientOptions, 'signal'>;

const sessionExpired = () => new ApiError(401, 'SessionExpired', 'Your session has expired. Please sign in again.');

/**
 * The signed-in user, kept in localStorage so a reload and a new tab (the invite link opened from
 * a chat) stay signed in, for as long as the refresh token lasts: the ID token is renewed before
 * it lapses (at 80% of its life, and whenever the API answers 401), so a guest signs in once for
 * the whole event. Sign-out revokes the refresh token and clears storage; `onChange` hears
 * sign-in and sign-out in other tabs, and a session that ended (refresh refused).
 */
export class Session {
  readonly #storage: Storage | null;
  readonly #cognito: CognitoOptions;
  readonly #onChange: (ended?: SessionEnd) => void;
  #current: StoredSession | null;
  #refreshing: Promise<string> | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(storage: Storage | null, cognito: CognitoOptions, onChange: (ended?: SessionEnd) => void) {
    this.#storage = storage;
    this.#cognito = cognito;
    this.#onChange = onChange;
    this.#current = this.#read();
    this.#schedule();
    window.addEventListener('storage', (event) => {
      if (event.key !== KEY && event.key !== null) return;
      const before = this.#current?.email;
      this.#current = this.#read();
      this.#schedule();
      // A fresh token of the same user (another tab refreshed) changes nothing on screen.
      if (this.#current?.email !== before) this.#onChange(this.#current ? undefined : 'elsewhere');
    });
    // Timers sleep in a hidden tab: a phone woken up refreshes before its first request needs to.
    const wake = () => {
      if (document.visibilityState === 'visible' && this.#current && Date.now() >= this.#current.refreshAt)
        void this.token().catch(() => undefined);
    };
    document.addEventListener('visibilitychange', wake);
    window.addEventListener('online', wake);
  }

  get current(): StoredSession | null {
    return this.#current;
  }

  save(email: string, result: SignInResult): StoredSession {
    const now = Date.now();
    const expiresAt = result.expiresAt.getTime();
    const rights = this.#current?.email === email ? this.#current.rights : {};
    this.#current = {
      email,
      idToken: result.idToken,
      expiresAt,
      refreshAt: now + Math.max(0, expiresAt - now) * REFRESH_AT_SHARE,
      refreshToken: result.refreshToken,
      rights,
    };
    this.#write();
    this.#schedule();
    return this.#current;
  }

  /**
   * For the API clients: the ID token, renewed first when 80% of its life is over or when
   * `refresh` asks (the API answered 401). A 401 ApiError once the session is over.
   */
  async token({ refresh = false }: { refresh?: boolean } = {}): Promise<string> {
    const current = this.#current;
    if (!current) throw sessionExpired();
    if (!refresh && Date.now() < current.refreshAt) return current.idToken;
    try {
      return await this.#refresh();
    } catch (error) {
      // Cognito out of reach: the token in hand still serves while it lasts.
      const still = this.#current;
      if (!refresh && still && Date.now() < still.expiresAt - EXPIRY_MARGIN_MS) return still.idToken;
      throw error;
    }
  }

  /** Signs out here and in every tab (storage is cleared first), then revokes the refresh token with Cognito. */
  async signOut(): Promise<void> {
    const current = this.#current;
    this.clear();
    if (current) await revokeToken({ ...this.#cognito, refreshToken: current.refreshToken }).catch(() => undefined);
  }

  clear(): void {
    this.#current = null;
    clearTimeout(this.#timer);
    try {
      this.#storage?.removeItem(KEY);
    } catch {
      // Nothing to clear.
    }
  }

  /** What the user's invite allows in an event, if they joined it in this browser. */
  rightsIn(eventId: string): InviteRights | undefined {
    return this.#current?.rights[eventId];
  }

  rememberRights(eventId: string, rights: InviteRights): void {
    if (!this.#current) return;
    const { upload, viewOthers, downloadOriginals } = rights;
    this.#current = { ...this.#current, rights: { ...this.#current.rights, [eventId]: { upload, viewOthers, downloadOriginals } } };
    this.#write();
  }

  /** Whether the token says the user is in the `organizers` group (the API decides; this only picks what to show). */
  isOrganizer(): boolean {
    const payload = this.#current?.idToken.split('.')[1];
    if (!payload) return false;
    try {
      const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
      const groups = claims['cognito:groups'];
      return Array.isArray(groups) && groups.includes('organizers');
    } catch {
      return false;
    }
  }

  /** One refresh at a time, whoever asks (the timer, a request, a 401). */
  #refresh(): Promise<string> {
    this.#refreshing ??= (async () => {
      const current = this.#current;
      if (!current) throw sessionExpired();
      try {
        const result = await refreshSession({ ...this.#cognito, refreshToken: current.refreshToken });
        // Signed out (or in as someone else) while it ran: keep nothing of it.
        if (this.#current?.refreshToken !== current.refreshToken) throw sessionExpired();
        return this.save(current.email, result).idToken;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'NotAuthorizedException' && this.#current?.refreshToken === current.refreshToken) {
          // Revoked (signed out elsewhere) or past its 30 days: this session is over.
          this.clear();
          this.#onChange('ended');
          throw sessionExpired();
        }
        if (this.#current) this.#schedule(RETRY_REFRESH_MS);
        throw error;
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  #schedule(delayMs?: number): void {
    clearTimeout(this.#timer);
    const current = this.#current;
    if (!current) return;
    const delay = delayMs ?? Math.max(0, current.refreshAt - Date.now());
    this.#timer = setTimeout(() => void this.token().catch(() => undefined), delay);
  }

  #write(): void {
    try {
      this.#storage?.setItem(KEY, JSON.stringify(this.#current));
    } catch {
      // Storage full or disabled: the session lasts until reload.
    }
  }

  #read(): StoredSession | null {
    try {
      const parsed: unknown = JSON.parse(this.#storage?.getItem(KEY) ?? 'null');
      if (typeof parsed !== 'object' || parsed === null) return null;
      const { email, idToken, expiresAt, refreshAt, refreshToken, rights } = parsed as Record<string, unknown>;
      if (typeof email !== 'string' || typeof idToken !== 'string' || typeof refreshToken !== 'string') return null;
      if (typeof expiresAt !== 'number' || typeof refreshAt !== 'number') return null;
      return {
        email,
        idToken,
        expiresAt,
        refreshAt,
        refreshToken,
        rights: typeof rights === 'object' && rights !== null ? (rights as StoredSession['rights']) : {},
      };
    } catch {
      return null;
    }
  }
}
