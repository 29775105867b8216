import { ApiError, translatePlainErrors } from '@event-photos/client';
import { parseWebConfig, type WebConfig } from '#lib/config';
import { type AuthContext, type AuthStep, rememberStep, showAuthTemplate, waitingStep } from '#lib/app/auth-flow';
import { startConfirm } from '#lib/app/confirm-screen';
import { byId, fill, say } from '#lib/app/dom';
import { showEventScreen } from '#lib/app/event-screen';
import { showEventsScreen } from '#lib/app/events-screen';
import { startForgotPassword, startResetPassword } from '#lib/app/forgot-password-screen';
import { inviteInUrl, type InviteLink } from '#lib/app/invite-link';
import { startInvite } from '#lib/app/invite-screen';
import { showJoinScreen } from '#lib/app/join-screen';
import { startNewPassword } from '#lib/app/new-password-screen';
import type { ScreenContext } from '#lib/app/screen-context';
import { Session } from '#lib/app/session';
import { startSignIn } from '#lib/app/sign-in-screen';
import { startSignUp } from '#lib/app/sign-up-screen';
import { showSlideshow } from '#lib/app/slideshow';
import { startUploads } from '#lib/app/uploads';
import { LANGUAGES, type Language, language, localized, switchLanguage, translate, translateTree } from '#lib/app/i18n';

const TEXT = localized({
  startFailed: 'The app could not start: {detail}',
  sessionEnded: 'Your session has ended. Please sign in again.',
  sessionExpired: 'Your session has expired. Please sign in again.',
});

/** Each signed-out step: its template (index.html) and its title. */
const AUTH_SCREENS: Record<AuthStep['screen'], { template: string; title: string }> = {
  invite: { template: 'invite-template', title: 'You are invited · Event Photos' },
  'sign-in': { template: 'sign-in-template', title: 'Sign in · Event Photos' },
  'sign-up': { template: 'sign-up-template', title: 'Create an account · Event Photos' },
  confirm: { template: 'confirm-template', title: 'Check your e-mail · Event Photos' },
  forgot: { template: 'forgot-template', title: 'Reset your password · Event Photos' },
  reset: { template: 'reset-template', title: 'Choose a new password · Event Photos' },
  'new-password': { template: 'new-password-template', title: 'Choose your password · Event Photos' },
};

/** Runtime configuration: config.json next to index.html. */
async function loadConfig(): Promise<WebConfig> {
  const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered HTTP ${response.status}`);
  return parseWebConfig(await response.json());
}

function storageOrNull(kind: 'localStorage' | 'sessionStorage'): Storage | null {
  try {
    return window[kind];
  } catch {
    return null; // storage disabled: sessions last until reload
  }
}

/** A signed-out step kept in the history entry (e-mail only), so that the back button steps back through them. */
function stepInHistory(state: unknown): AuthStep | null {
  const saved = (state as { authStep?: { screen?: unknown; email?: unknown } } | null)?.authStep;
  if (!saved || typeof saved.screen !== 'string' || !(saved.screen in AUTH_SCREENS)) return null;
  const email = typeof saved.email === 'string' ? saved.email : '';
  const screen = saved.screen as AuthStep['screen'];
  if ((screen === 'confirm' || screen === 'reset') && email) return { screen, email };
  if (screen === 'invite') return { screen };
  if (screen === 'sign-up' || screen === 'forgot') return { screen, email };
  return { screen: 'sign-in', email };
}

/** The page's shell in the app's language, and the switch between the languages it speaks. */
function showLanguage(): void {
  document.documentElement.lang = language();
  translatePlainErrors(translate);
  translateTree(document.body);
  const choice = byId('language', HTMLSelectElement);
  for (const [code, name] of Object.entries(LANGUAGES)) choice.append(new Option(name, code, false, code === language()));
  choice.addEventListener('change', () => switchLanguage(choice.value as Language));
}

async function start(): Promise<void> {
  showLanguage();
  const screen = byId('screen', HTMLElement);
  let config: WebConfig;
  try {
    config = await loadConfig();
  } catch (error) {
    const status = byId('app-status', HTMLElement);
    status.classList.add('error');
    say(status, fill(TEXT.startFailed, { detail: error instanceof Error ? error.message : String(error) }));
    return;
  }

  const tabStorage = storageOrNull('sessionStorage');
  const cognito = { cognitoEndpoint: config.cognitoEndpoint, region: config.region, clientId: config.userPoolClientId };
  const account = byId('account', HTMLElement);
  const accountEmail = byId('account-email', HTMLElement);
  // Another tab signed in or out, or the session ended: redraw only when who is signed in changed
  // (a fresh token of the same user must not stop this tab's uploads).
  let shownUser: string | null = null;
  const session = new Session(storageOrNull('localStorage'), cognito, (ended) => {
    if ((session.current?.email ?? null) !== shownUser) render(ended === 'ended' ? TEXT.sessionEnded : '');
  });
  // Before any screen: unfinished uploads resume by themselves, whatever screen opens.
  void startUploads(config, session);
  let screenRun: AbortController | null = null;
  /** The signed-out step on screen (a code step survives a reload: the guest went to their mail). */
  let authStep: AuthStep | null = waitingStep(tabStorage);

  const context = (signal: AbortSignal): ScreenContext => ({
    config,
    session,
    signal,
    navigate,
    redraw: () => render(),
    onError: (error) => {
      if (error instanceof ApiError && error.status === 401 && session.current) {
        session.clear();
        render(TEXT.sessionExpired);
      }
    },
  });

  /** Draws the screen the URL and the session call for, from scratch. */
  function render(notice = ''): void {
    screenRun?.abort();
    screenRun = new AbortController();
    const user = session.current;
    shownUser = user?.email ?? null;
    account.hidden = !user;
    say(accountEmail, user?.email ?? '');
    const invite = inviteInUrl();
    if (!user) {
      const step: AuthStep = notice ? { screen: 'sign-in', notice } : (authStep ?? (invite ? { screen: 'invite' } : { screen: 'sign-in' }));
      showAuthStep(step, invite);
      return;
    }
    authStep = null;
    rememberStep(tabStorage, null);
    const query = new URLSearchParams(location.search);
    const eventId = query.get('event')?.trim();
    if (invite) showJoinScreen(screen, invite, context(screenRun.signal));
    else if (eventId && query.get('view') === 'slideshow') showSlideshow(screen, eventId, context(screenRun.signal));
    else if (eventId) showEventScreen(screen, eventId, context(screenRun.signal));
    else showEventsScreen(screen, context(screenRun.signal));
  }

  function showAuthStep(step: AuthStep, invite: InviteLink | null): void {
    authStep = step;
    rememberStep(tabStorage, step);
    const { template, title: english } = AUTH_SCREENS[step.screen];
    const title = translate(english);
    showAuthTemplate(screen, template, invite);
    document.title = title;
    const auth: AuthContext = {
      cognito,
      userPoolId: config.userPoolId,
      invite,
      go: (next) => {
        const email = 'email' in next ? next.email : undefined;
        history.pushState({ authStep: { screen: next.screen, email } }, '', location.href);
        showAuthStep(next, invite);
        window.scrollTo(0, 0);
      },
      signedIn: (email, result) => {
        session.save(email, result);
        render();
      },
    };
    switch (step.screen) {
      case 'invite':
        startInvite(auth);
        break;
      case 'sign-in':
        startSignIn(auth, step);
        break;
      case 'sign-up':
        startSignUp(screen, auth, step);
        break;
      case 'confirm':
        startConfirm(auth, step);
        break;
      case 'forgot':
        startForgotPassword(auth, step);
        break;
      case 'reset':
        startResetPassword(screen, auth, step);
        break;
      case 'new-password':
        startNewPassword(screen, auth, step);
        break;
    }
  }

  function navigate(url: string): void {
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
  window.addEventListener('popstate', (event) => {
    if (!session.current) authStep = stepInHistory(event.state);
    render();
  });
  byId('sign-out', HTMLButtonElement).addEventListener('click', () => {
    authStep = null;
    void session.signOut();
    render();
  });
  render();
}

void start();
