import { ApiError } from '@event-photos/client';
import { parseWebConfig, type WebConfig } from '#lib/config';
import { byId, say, showTemplate } from '#lib/app/dom';
import { showEventScreen } from '#lib/app/event-screen';
import { showEventsScreen } from '#lib/app/events-screen';
import type { ScreenContext } from '#lib/app/screen-context';
import { Session } from '#lib/app/session';
import { startSignIn } from '#lib/app/sign-in-screen';

/** Runtime configuration: config.json next to index.html. */
async function loadConfig(): Promise<WebConfig> {
  const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered HTTP ${response.status}`);
  return parseWebConfig(await response.json());
}

function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: sessions last until reload
  }
}

async function start(): Promise<void> {
  const screen = byId('screen', HTMLElement);
  let config: WebConfig;
  try {
    config = await loadConfig();
  } catch (error) {
    const status = byId('app-status', HTMLElement);
    status.classList.add('error');
    say(status, `The app could not start: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }

  const account = byId('account', HTMLElement);
  const accountEmail = byId('account-email', HTMLElement);
  // Another tab signed in or out: redraw only when who is signed in changed (a fresh token of the
  // same user must not stop this tab's uploads).
  let shownUser: string | null = null;
  const session = new Session(localStorageOrNull(), () => {
    if ((session.current?.email ?? null) !== shownUser) render();
  });
  let screenRun: AbortController | null = null;
  let leaveWarning: string | null = null;

  const context = (signal: AbortSignal): ScreenContext => ({
    config,
    session,
    signal,
    navigate,
    onError: (error) => {
      if (error instanceof ApiError && error.status === 401) {
        session.clear();
        render('Your session has expired. Please sign in again.');
      }
    },
    setLeaveWarning: (message) => {
      if (!signal.aborted) leaveWarning = message;
    },
  });

  /** Draws the screen the URL and the session call for, from scratch. */
  function render(notice = ''): void {
    screenRun?.abort();
    screenRun = new AbortController();
    leaveWarning = null;
    const user = session.current;
    shownUser = user?.email ?? null;
    account.hidden = !user;
    say(accountEmail, user?.email ?? '');
    if (!user) {
      showTemplate(screen, 'sign-in-template');
      startSignIn(config, notice, (email, result) => {
        session.save(email, result);
        render();
      });
      return;
    }
    const eventId = new URLSearchParams(location.search).get('event')?.trim();
    if (eventId) showEventScreen(screen, eventId, context(screenRun.signal));
    else showEventsScreen(screen, context(screenRun.signal));
  }

  function mayLeave(): boolean {
    return leaveWarning === null || window.confirm(leaveWarning);
  }

  function navigate(url: string): void {
    if (!mayLeave()) return;
    history.pushState(null, '', url);
    render();
    window.scrollTo(0, 0);
  }

  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[data-route]') : null;
    if (!(link instanceof HTMLAnchorElement) || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    navigate(link.href);
  });
  window.addEventListener('popstate', () => render());
  window.addEventListener('beforeunload', (event) => {
    if (leaveWarning !== null) event.preventDefault();
  });
  byId('sign-out', HTMLButtonElement).addEventListener('click', () => {
    if (!mayLeave()) return;
    session.clear();
    render();
  });
  render();
}

void start();
