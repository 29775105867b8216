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

/** Work of this tab that a sign-out in another tab would stop (uploads): asked about first. */
export interface SignOutGuard {
  busy(): boolean;
  /** Asks the person; `decide(true)` stops and signs out here, `decide(false)` keeps going until release. */
  ask(decide: (stop: boolean) => void): void;
  /** The question is moot (released, signed in again elsewhere, or the session ended): close it. */
  settled(): void;
}

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
  readonly #listeners = new Set<() => void>();
  #guard: SignOutGuard | null = null;
  /**
   * Signed out in another tab, but this tab was asked to finish its uploads first: the session
   * lives on here, in memory only (never written back, which would sign the other tabs in again),
   * until release(), or until Cognito refuses it (the other tab revoked the refresh token).
   */
  #detached = false;

  constructor(storage: Storage | null, cognito: CognitoOptions, onChange: (ended?: SessionEnd) => void) {
    this.#storage = storage;
    this.#cognito = cognito;
    this.#onChange = onChange;
    this.#current = this.#read();
    this.#schedule();
    window.addEventListener('storage', (event) => {
      if (event.key !== KEY && event.key !== null) return;
      const before = this.#current?.email;
      const stored = this.#read();
      if (this.#detached && stored?.email !== before) return;
      if (before !== undefined && stored?.email !== before && this.#guard?.busy()) {
        this.#detached = true;
        this.#guard.ask((stop) => {
          if (stop) this.release();
        });
        return;
      }
      this.#attach();
      this.#current = stored;
      this.#schedule();
      // A fresh token of the same user (another tab refreshed) changes nothing on screen.
      if (this.#current?.email !== before) this.#changed(this.#current ? undefined : 'elsewhere');
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

  /** Hears who is signed in change (in, out, someone else, the session ended); not token renewals. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** What a sign-out in another tab asks about before this tab follows it. */
  guardSignOut(guard: SignOutGuard | null): void {
    this.#guard = guard;
  }

  /** A session kept on after a sign-out in another tab (see #detached) ends now, as the other tabs' did. */
  release(): void {
    if (!this.#detached) return;
    this.#attach();
    const before = this.#current?.email;
    this.#current = this.#read();
    this.#schedule();
    if (this.#current?.email !== before) this.#changed(this.#current ? undefined : 'elsewhere');
  }

  save(email: string, result: SignInResult): StoredSession {
    const now = Date.now();
    const expiresAt = result.expiresAt.getTime();
    const rights = this.#current?.email === email ? this.#current.rights : {};
    const someoneNew = this.#current?.email !== email;
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
    if (someoneNew) for (const listener of this.#listeners) listener();
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
    const had = this.#current !== null;
    this.#current = null;
    clearTimeout(this.#timer);
    // Kept on after a sign-out elsewhere: what storage holds is the other tabs' (perhaps a new sign-in).
    if (this.#detached) this.#attach();
    else {
      try {
        this.#storage?.removeItem(KEY);
      } catch {
        // Nothing to clear.
      }
    }
    if (had) for (const listener of this.#listeners) listener();
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
        const refused = error instanceof ApiError && error.code === 'NotAuthorizedException';
        const lastsMs = current.expiresAt - EXPIRY_MARGIN_MS - Date.now();
        if (refused && this.#detached && lastsMs > 0) {
          // Kept on to finish uploads after a sign-out elsewhere (which revoked it): the ID token
          // in hand serves until it lapses, then the session ends.
          this.#schedule(lastsMs);
          throw error;
        }
        if (refused && this.#current?.refreshToken === current.refreshToken) {
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

  #attach(): void {
    if (!this.#detached) return;
    this.#detached = false;
    this.#guard?.settled();
  }

  /** Who is signed in changed: the app redraws, and the listeners hear it. */
  #changed(ended?: SessionEnd): void {
    for (const listener of this.#listeners) listener();
    this.#onChange(ended);
  }

  #write(): void {
    if (this.#detached) return;
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
