import { ApiError, createPhotosClient } from '@event-photos/client';
import { DEFAULT_PAGE_SIZE, parseWebConfig, type WebConfig } from '#lib/config';
import { byId, errorMessage, say } from '#lib/app/dom';
import { PhotoGrid } from '#lib/app/photo-grid';
import { Session } from '#lib/app/session';
import { SignInForm } from '#lib/app/sign-in-form';
import { UploadForm } from '#lib/app/upload-form';

/** Runtime configuration: config.json next to index.html. */
async function loadConfig(): Promise<WebConfig> {
  const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered HTTP ${response.status}`);
  return parseWebConfig(await response.json());
}

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: sessions last until reload
  }
}

async function start(): Promise<void> {
  const appStatus = byId('app-status', HTMLElement);
  let config: WebConfig;
  try {
    config = await loadConfig();
  } catch (error) {
    appStatus.classList.add('error');
    say(appStatus, `The app could not start: ${errorMessage(error)}`);
    return;
  }
  appStatus.hidden = true;
  say(appStatus);

  const session = new Session(sessionStorageOrNull());
  const account = byId('account', HTMLElement);
  const accountEmail = byId('account-email', HTMLElement);
  const signInSection = byId('sign-in-section', HTMLElement);
  const eventSection = byId('event-section', HTMLElement);
  const eventForm = byId('event-form', HTMLFormElement);
  const eventIdInput = byId('event-id', HTMLInputElement);
  const eventName = byId('event-name', HTMLElement);

  // A 401 anywhere (expired token, signed out in another way) sends the user back to sign-in.
  const onError = (error: unknown) => {
    if (error instanceof ApiError && error.status === 401) signOut('Your session has expired. Please sign in again.');
  };
  const grid = new PhotoGrid(
    {
      list: byId('photo-grid', HTMLUListElement),
      loadMore: byId('load-more', HTMLButtonElement),
      empty: byId('photos-empty', HTMLElement),
      error: byId('photos-error', HTMLElement),
    },
    { pageSize: config.pageSize ?? DEFAULT_PAGE_SIZE, onError },
  );
  const upload = new UploadForm({ onUploaded: (photo) => grid.add(photo), onError });
  const signInForm = new SignInForm(config, (email, result) => {
    session.save(email, result);
    showEvent(eventIdFromUrl());
  });

  function eventIdFromUrl(): string {
    return new URLSearchParams(location.search).get('event')?.trim() || config.demoEventId;
  }

  function showEvent(eventId: string): void {
    const current = session.current;
    if (!current) return signOut();
    say(accountEmail, current.email);
    account.hidden = false;
    signInSection.hidden = true;
    eventSection.hidden = false;
    eventIdInput.value = eventId;
    say(eventName, eventId);
    const client = createPhotosClient({ apiUrl: config.apiUrl, eventId, getToken: () => session.token() });
    upload.use(client);
    void grid.show(client);
  }

  function signOut(notice = ''): void {
    session.clear();
    grid.clear();
    upload.use(null);
    upload.reset();
    account.hidden = true;
    eventSection.hidden = true;
    signInSection.hidden = false;
    signInForm.focus(notice);
  }

  eventForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const eventId = eventIdInput.value.trim();
    const url = new URL(location.href);
    url.searchParams.set('event', eventId);
    history.replaceState(null, '', url);
    showEvent(eventId);
  });
  byId('sign-out', HTMLButtonElement).addEventListener('click', () => signOut());

  if (session.current) showEvent(eventIdFromUrl());
  else signOut();
}

void start();
