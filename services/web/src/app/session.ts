import { ApiError, type SignInResult } from '@event-photos/client';

export interface StoredSession {
  email: string;
  idToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

const KEY = 'event-photos.session';
/** Treat the token as expired a little early, so a request never starts with a token about to lapse. */
const EXPIRY_MARGIN_MS = 30_000;

/**
 * The signed-in user, kept in localStorage so a reload and a new tab (the share link opened from
 * another page) keep the session until the token expires. Only the ID token is kept: the app needs
 * nothing else, and no refresh token lingers in storage. `onChange` hears sign-in and sign-out in
 * other tabs.
 */
export class Session {
  readonly #storage: Storage | null;
  #current: StoredSession | null;

  constructor(storage: Storage | null, onChange: () => void) {
    this.#storage = storage;
    this.#current = this.#read();
    window.addEventListener('storage', (event) => {
      if (event.key !== KEY && event.key !== null) return;
      this.#current = this.#read();
      onChange();
    });
  }

  get current(): StoredSession | null {
    if (this.#current && this.#current.expiresAt - EXPIRY_MARGIN_MS <= Date.now()) this.clear();
    return this.#current;
  }

  save(email: string, result: SignInResult): StoredSession {
    this.#current = { email, idToken: result.idToken, expiresAt: result.expiresAt.getTime() };
    try {
      this.#storage?.setItem(KEY, JSON.stringify(this.#current));
    } catch {
      // Storage full or disabled: the session lasts until reload.
    }
    return this.#current;
  }

  clear(): void {
    this.#current = null;
    try {
      this.#storage?.removeItem(KEY);
    } catch {
      // Nothing to clear.
    }
  }

  /** For the API clients: the ID token, or a 401 ApiError when signed out or expired. */
  token(): string {
    const current = this.current;
    if (!current) throw new ApiError(401, 'SessionExpired', 'Your session has expired. Please sign in again.');
    return current.idToken;
  }

  /** Whether the token says the user is in the `organizers` group (the API decides; this only picks what to show). */
  isOrganizer(): boolean {
    const payload = this.current?.idToken.split('.')[1];
    if (!payload) return false;
    try {
      const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
      const groups = claims['cognito:groups'];
      return Array.isArray(groups) && groups.includes('organizers');
    } catch {
      return false;
    }
  }

  #read(): StoredSession | null {
    try {
      const parsed: unknown = JSON.parse(this.#storage?.getItem(KEY) ?? 'null');
      if (typeof parsed !== 'object' || parsed === null) return null;
      const { email, idToken, expiresAt } = parsed as Record<string, unknown>;
      if (typeof email !== 'string' || typeof idToken !== 'string' || typeof expiresAt !== 'number') return null;
      return { email, idToken, expiresAt };
    } catch {
      return null;
    }
  }
}
