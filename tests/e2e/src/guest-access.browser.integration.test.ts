import path from 'node:path';
import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  confirmSignUp,
  createEventsClient,
  createMembersClient,
  refreshSession,
  signIn,
  signUp,
  type SignInResult,
} from '@event-photos/client';
import { DEMO_USERS, type LocalStack } from '@event-photos/local-stack';
import { cognitoClient } from '@event-photos/local-stack/test-support';
import { png } from '@event-photos/testing/fixtures';
import type { WebServer } from '@event-photos/web/server';
import { DESKTOP, decodeQr, PHONE, SCREENSHOTS, scrollWidth, watchPolicyViolations } from './support/browser-pages';
import { startAppInBrowser } from './support/app-in-browser';

// Guests get in (the items 3 and 4), in Chromium at phone size against the local stack:
// a brand-new guest opens an invite link signed out, signs up, confirms with the e-mailed code,
// joins and uploads; an invited account's first sign-in with its temporary password; a forgotten
// password; the organizer's invite links and guests; and a session that outlives its ID token
// (the stack's ID tokens last 20 s here) keeps uploading without a sign-in screen. Every page is
// watched for Content-Security-Policy violations and for a Referer carrying an invite code.
// Screenshots of each new screen, at 390x844 and 1280x800, go to tests/e2e/screenshots/.

const ID_TOKEN_SECONDS = 20;
const PASSWORD = 'Garden-Party-2026!';

let stack: LocalStack;
let web: WebServer;
let browser: Browser;
let stop: () => Promise<void>;
const organizer = DEMO_USERS.find((user) => user.groups.includes('organizers'))!;

/** Each guest a new address: the local pool keeps every account for the file's run. */
let guests = 0;
const newGuestEmail = (who: string) => `${who}-${++guests}-${Date.now()}@example.com`;

beforeAll(async () => {
  ({ stack, web, browser, stop } = await startAppInBrowser('guest-it', {
    stack: { cognito: { idTokenValiditySeconds: ID_TOKEN_SECONDS } },
  }));
});

afterAll(async () => {
  await stop?.();
});

// ---------------------------------------------------------------- Node-side helpers

const app = () => ({
  cognitoEndpoint: stack.outputs.cognitoEndpoint,
  region: stack.outputs.region,
  clientId: stack.outputs.userPoolClientId,
});

/** A token getter for Node-side clients that refreshes, as the app's does (ID tokens last 20 s here). */
async function tokensOf(email: string, password: string) {
  let session: SignInResult = await signIn({ ...app(), userPoolId: stack.outputs.userPoolId, email, password });
  return async ({ refresh = false }: { refresh?: boolean } = {}) => {
    if (refresh || session.expiresAt.getTime() - Date.now() < 5_000)
      session = await refreshSession({ ...app(), refreshToken: session.refreshToken });
    return session.idToken;
  };
}

async function apiAs(email: string, password: string) {
  const getToken = await tokensOf(email, password);
  return {
    events: createEventsClient({ apiUrl: stack.outputs.apiUrl, getToken }),
    members: createMembersClient({ apiUrl: stack.outputs.apiUrl, getToken }),
  };
}

/** The local mailbox's messages to an address, newest first (`{ to, subject, text, code, sentAt }` each). */
async function mailTo(email: string): Promise<Array<{ code: string }>> {
  const response = await fetch(`${stack.outputs.mailboxUrl}/messages?to=${encodeURIComponent(email)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Array<{ code: string }>;
}

/** The code of the newest message, once there are `count` messages to the address. */
async function newestCode(email: string, count = 1): Promise<string> {
  await expect.poll(async () => (await mailTo(email)).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
  return (await mailTo(email))[0]!.code;
}

/** A confirmed account made through the client functions (the app's own), as a guest who signed up earlier. */
async function confirmedGuest(who: string, name: string): Promise<string> {
  const email = newGuestEmail(who);
  await signUp({ ...app(), email, password: PASSWORD, name });
  await confirmSignUp({ ...app(), email, code: await newestCode(email) });
  return email;
}

/** The link the organizer's invite panel builds: the app's address, the event, the code and the event's name. */
const inviteLink = (eventId: string, code: string, name: string) =>
  `${web.url}/?${new URLSearchParams({ event: eventId, invite: code, name })}`;

async function newEvent(eventId: string, name: string, rights = { upload: true, viewOthers: true, downloadOriginals: false }) {
  const { events, members } = await apiAs(organizer.email, organizer.password);
  await events.createEvent({ eventId, name });
  const invite = await members.createInvite(eventId, rights);
  return { link: inviteLink(eventId, invite.code, name), code: invite.code, members, events };
}

// ---------------------------------------------------------------- the browser

interface Tab {
  context: BrowserContext;
  page: Page;
  pageErrors: Error[];
  /** Content-Security-Policy violations any page of the context reported. */
  violations: string[];
  /** Every Referer header sent, to any origin. */
  referers: string[];
  /** The Cognito operations the page called, in order (InitiateAuth with its flow). */
  cognitoCalls: string[];
}

async function openTab(url: string, viewport = PHONE): Promise<Tab> {
  const context = await browser.newContext({ viewport });
  const violations: string[] = [];
  await watchPolicyViolations(context, (violation) => violations.push(violation));
  const page = await context.newPage();
  const tab: Tab = { context, page, pageErrors: [], violations, referers: [], cognitoCalls: [] };
  watch(tab, page);
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(url);
  return tab;
}

function watch(tab: Tab, page: Page): void {
  page.on('pageerror', (error) => tab.pageErrors.push(error));
  page.on('request', (request) => {
    const referer = request.headers()['referer'];
    if (referer) tab.referers.push(referer);
    if (request.method() === 'POST' && request.url().startsWith(stack.outputs.cognitoEndpoint)) {
      const target = (request.headers()['x-amz-target'] ?? '').split('.').pop()!;
      const flow = target === 'InitiateAuth' ? ` ${JSON.parse(request.postData() ?? '{}').AuthFlow}` : '';
      tab.cognitoCalls.push(`${target}${flow}`);
    }
  });
}

const REFRESH = 'InitiateAuth REFRESH_TOKEN_AUTH';
/** The Cognito calls but the token refreshes (which come at 80% of a 20 s life, whenever that falls). */
const withoutRefreshes = (tab: Tab) => tab.cognitoCalls.filter((call) => call !== REFRESH);
const refreshes = (tab: Tab) => tab.cognitoCalls.filter((call) => call === REFRESH).length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What every test ends with: no page error, no CSP violation, no Referer at all (the app sends none, code or not). */
function expectClean(tab: Tab): void {
  expect(tab.pageErrors).toEqual([]);
  expect(tab.violations).toEqual([]);
  expect(tab.referers).toEqual([]);
}

/** The screen at phone size and at desktop size (the page is left at phone size). */
async function shots(page: Page, name: string): Promise<void> {
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: path.join(SCREENSHOTS, `phone-guest-${name}.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(SCREENSHOTS, `desktop-guest-${name}.png`), fullPage: true });
  await page.setViewportSize(PHONE);
}

const heading = (page: Page, name: string) => page.getByRole('heading', { name, level: 1, exact: true });
const rules = (page: Page) =>
  page
    .locator('#password-rules li')
    .evaluateAll((items) => items.map((item) => `${(item as HTMLElement).dataset['rule']}:${(item as HTMLElement).dataset['met']}`));
const rowStates = (page: Page) =>
  page.locator('#upload-list > li').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset['state']));
const gridTitles = (page: Page) => page.locator('#photo-grid > li .photo-title').allTextContents();
const stored = (page: Page) => page.evaluate(() => ({ ...window.localStorage }));

let pixels = 0;
const photo = (name: string) => ({ name, mimeType: 'image/png', buffer: png(30 + pixels++, 20) });

async function upload(page: Page, name: string, rows: number): Promise<void> {
  await page.getByLabel('Choose photos').setInputFiles(photo(`${name}.png`));
  await expect.poll(() => rowStates(page), { timeout: 30_000 }).toEqual(Array.from({ length: rows }, () => 'done'));
  await expect.poll(() => gridTitles(page)).toContain(name);
  // Its image is shown: the policy lets the page load it from the CDN (a signed URL).
  const image = page.locator('#photo-grid > li', { has: page.locator('.photo-title', { hasText: name }) }).locator('img');
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 10_000 }).toBe(true);
}

async function signInOnPage(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

describe('guests get in (web app, phone first)', () => {
  it('a brand-new guest opens the invite link signed out, signs up, confirms with the e-mailed code, joins and uploads a photo', async () => {
    const { link, code } = await newEvent('garden-party', 'Garden Party 2026');
    const tab = await openTab(link);
    const { page } = tab;
    try {
      // The event's name comes from the link: nothing about the event can be read before joining.
      await heading(page, 'Add your photos to “Garden Party 2026”').waitFor();
      expect(await page.title()).toBe('You are invited · Event Photos');
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      await shots(page, '1-invite');

      await page.getByRole('button', { name: 'Create an account' }).click();
      await heading(page, 'Create an account').waitFor();
      expect(await page.locator('#invite-banner').textContent()).toBe('Once you are in, you join “Garden Party 2026”.');
      const email = newGuestEmail('new-guest');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel(/^Your name/).fill('Ana Lima');
      // The pool's rules, ticked as they are met, and checked before anything is sent.
      await page.getByLabel('Password', { exact: true }).fill('garden');
      expect(await rules(page)).toEqual(['length:false', 'upper:false', 'lower:true', 'digit:false', 'symbol:false']);
      await page.getByRole('button', { name: 'Create account' }).click();
      await expect.poll(() => page.locator('#sign-up-message').textContent()).toBe('Choose a password that meets every rule in the list.');
      expect(tab.cognitoCalls).toEqual([]);
      await shots(page, '2-sign-up');
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      expect(await rules(page)).toEqual(['length:true', 'upper:true', 'lower:true', 'digit:true', 'symbol:true']);
      await page.getByRole('button', { name: 'Create account' }).click();

      await heading(page, 'Check your e-mail').waitFor();
      expect(await page.locator('#confirm-sent').textContent()).toMatch(/^We sent a 6-digit code to \S+@\S+\. Enter it here/);
      await shots(page, '3-confirm');
      const sent = await newestCode(email);
      // A wrong code, in plain words.
      await page.getByLabel('Code').fill(sent === '123456' ? '654321' : '123456');
      await page.getByRole('button', { name: 'Confirm' }).click();
      await expect
        .poll(() => page.locator('#confirm-message').textContent())
        .toBe('That code is not right. Check the e-mail we sent and try again.');
      await page.getByLabel('Code').fill(sent);
      await page.getByRole('button', { name: 'Confirm' }).click();

      // Signed in with the password typed a moment ago, joined, and in the event.
      await heading(page, 'Garden Party 2026').waitFor({ timeout: 20_000 });
      expect(new URL(page.url()).search).toBe('?event=garden-party');
      expect(page.url()).not.toContain(code);
      // The wrong code and the right one; then the sign-in.
      expect(withoutRefreshes(tab)).toEqual([
        'SignUp',
        'ConfirmSignUp',
        'ConfirmSignUp',
        'InitiateAuth USER_SRP_AUTH',
        'RespondToAuthChallenge',
      ]);
      await upload(page, 'First from the garden', 1);
      await shots(page, '4-joined-and-uploaded');

      // The browser keeps the session (with its refresh token), never the password or the invite's code.
      const storage = JSON.stringify(await stored(page));
      expect(storage).toContain('refreshToken');
      expect(storage).not.toContain(PASSWORD);
      expect(storage).not.toContain(code);
      expect(JSON.stringify(await page.evaluate(() => ({ ...window.sessionStorage })))).not.toContain(PASSWORD);
      // The organizer sees the guest, by the name chosen at sign-up, with the photo.
      const { members } = await apiAs(organizer.email, organizer.password);
      const listed = (await members.listMembers('garden-party')).items;
      expect(listed.map((member) => [member.displayName, member.photoCount])).toEqual([['Ana Lima', 1]]);
      expectClean(tab);
    } finally {
      await tab.context.close();
    }
  });

  it('an invited account signs in the first time with its temporary password and chooses its own; a drop-box guest sees only their photos', async () => {
    const { link } = await newEvent('drop-box', 'Drop Box Day', { upload: true, viewOthers: false, downloadOriginals: false });
    const email = newGuestEmail('invited');
    const admin = cognitoClient(stack.outputs);
    try {
      await admin.send(
        new AdminCreateUserCommand({
          UserPoolId: stack.outputs.userPoolId,
          Username: email,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      );
    } finally {
      admin.destroy();
    }
    const temporary = await newestCode(email);
    const tab = await openTab(link);
    const { page } = tab;
    try {
      await heading(page, 'Add your photos to “Drop Box Day”').waitFor();
      await page.getByRole('button', { name: 'I have an account: sign in' }).click();
      await heading(page, 'Sign in').waitFor();
      await signInOnPage(page, email, temporary);
      await heading(page, 'Choose your password').waitFor();
      // The account has no name yet: the screen asks for one.
      expect(await page.getByLabel(/^Your name/).isVisible()).toBe(true);
      await shots(page, '5-new-password');
      await page.getByLabel(/^Your name/).fill('Bo Invited');
      await page.getByLabel('New password', { exact: true }).fill('Temporary-but-my-own-1');
      await page.getByRole('button', { name: 'Save and continue' }).click();

      await heading(page, 'Drop Box Day').waitFor({ timeout: 20_000 });
      expect(new URL(page.url()).search).toBe('?event=drop-box');
      await page.getByText('You see only your photos in this event.').waitFor();
      await upload(page, 'Only mine', 1);
      expect(await gridTitles(page)).toEqual(['Only mine']);
      await shots(page, '6-drop-box-member');
      expect(withoutRefreshes(tab)).toEqual(['InitiateAuth USER_SRP_AUTH', 'RespondToAuthChallenge', 'RespondToAuthChallenge']);
      // The new password is the account's now.
      await expect(
        signIn({ ...app(), userPoolId: stack.outputs.userPoolId, email, password: 'Temporary-but-my-own-1' }),
      ).resolves.toBeDefined();
      expectClean(tab);
    } finally {
      await tab.context.close();
    }
  });

  it('resets a forgotten password with the e-mailed code, and says each refusal in plain words', async () => {
    const email = await confirmedGuest('forgetful', 'Cy Forgetful');
    const tab = await openTab(web.url);
    const { page } = tab;
    try {
      // An address that has an account already: sign-up says so.
      await page.getByRole('button', { name: 'New here? Create an account' }).click();
      await page.getByLabel('Email').fill(email);
      await page.getByLabel(/^Your name/).fill('Cy Again');
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await expect
        .poll(() => page.locator('#sign-up-message').textContent())
        .toBe('There is already an account with this e-mail address. Sign in, or reset your password.');
      await page.getByRole('button', { name: 'I have an account: sign in' }).click();

      await heading(page, 'Sign in').waitFor();
      await page.getByRole('button', { name: 'Forgot your password?' }).click();
      await heading(page, 'Reset your password').waitFor();
      // The address typed on the sign-in screen comes along.
      expect(await page.getByLabel('Email').inputValue()).toBe(email);
      await shots(page, '7-forgot-password');
      await page.getByRole('button', { name: 'Send the code' }).click();
      await heading(page, 'Choose a new password').waitFor();
      await shots(page, '8-reset-password');
      const code = await newestCode(email, 2);
      await page.getByLabel('Code').fill(code === '123456' ? '654321' : '123456');
      await page.getByLabel('New password', { exact: true }).fill('Remembered-Now-2026');
      await page.getByRole('button', { name: 'Save the password and sign in' }).click();
      await expect
        .poll(() => page.locator('#reset-message').textContent())
        .toBe('That code is not right. Check the e-mail we sent and try again.');
      await page.getByLabel('Code').fill(code);
      await page.getByRole('button', { name: 'Save the password and sign in' }).click();

      // Signed in with the new password; a guest in no event yet is told how to get into one.
      await heading(page, 'Events').waitFor({ timeout: 20_000 });
      await page.getByText('You are in no event yet. Open the invite link the organizer shared, or scan its QR code.').waitFor();
      await shots(page, '9-events-none-yet');
      await expect(signIn({ ...app(), userPoolId: stack.outputs.userPoolId, email, password: PASSWORD })).rejects.toMatchObject({
        code: 'NotAuthorizedException',
      });
      expectClean(tab);
    } finally {
      await tab.context.close();
    }
  });

  it('takes a guest who never confirmed to the code screen with a new code, and locks out repeated wrong passwords', async () => {
    const email = newGuestEmail('unconfirmed');
    await signUp({ ...app(), email, password: PASSWORD, name: 'Di Later' });
    const { link } = await newEvent('late-confirm', 'Late Confirm');
    const tab = await openTab(link);
    const { page } = tab;
    try {
      await page.getByRole('button', { name: 'I have an account: sign in' }).click();
      await signInOnPage(page, email);
      await heading(page, 'Check your e-mail').waitFor();
      // A new code went out with the screen (the first may be lost or past its 24 hours).
      const code = await newestCode(email, 2);
      await page.getByLabel('Code').fill(code);
      await page.getByRole('button', { name: 'Confirm' }).click();
      await heading(page, 'Late Confirm').waitFor({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Sign out' }).click();

      // A wrong password, then Cognito's lockout (after five, 1 s, doubling with each further
      // failure: the Node side fails until it lasts 4 s), each said as such.
      await heading(page, 'Sign in').waitFor();
      await signInOnPage(page, email, 'Wrong-Password-1');
      await expect.poll(() => page.locator('#sign-in-message').textContent()).toBe('Incorrect email or password.');
      const wrong = () =>
        signIn({ ...app(), userPoolId: stack.outputs.userPoolId, email, password: 'Wrong-Password-2' }).catch(
          (error: Error) => error.message,
        );
      for (let failures = 2; failures <= 5; failures++) expect(await wrong()).toBe('Incorrect username or password.');
      await sleep(1_100);
      expect(await wrong()).toBe('Incorrect username or password.'); // the 6th: 2 s
      await sleep(2_100);
      expect(await wrong()).toBe('Incorrect username or password.'); // the 7th: 4 s
      await signInOnPage(page, email, 'Wrong-Password-8');
      await expect
        .poll(() => page.locator('#sign-in-message').textContent())
        .toBe('Too many wrong passwords. Wait a few minutes, or reset your password.');
      expectClean(tab);
    } finally {
      await tab.context.close();
    }
  });

  it('lets the organizer invite with chosen rights (link and QR shown once), see who joined with their photo counts, revoke a link and remove a guest', async () => {
    const { events } = await apiAs(organizer.email, organizer.password);
    await events.createEvent({ eventId: 'team-offsite', name: 'Team Offsite' });
    const tab = await openTab(web.url, DESKTOP);
    const { page } = tab;
    try {
      await signInOnPage(page, organizer.email, organizer.password);
      await heading(page, 'Events').waitFor();
      await page.goto(`${web.url}/?event=team-offsite`);
      await heading(page, 'Team Offsite').waitFor();
      const panel = page.locator('#invite-panel');
      await panel.getByText('No invite links yet.').waitFor();

      // A link that lets guests look, not upload, and stops working in two days.
      await panel.getByLabel('They can add photos').uncheck();
      const inTwoDays = new Date(Date.now() + 2 * 86_400_000);
      const local = new Date(inTwoDays.getTime() - inTwoDays.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      await panel.getByLabel(/^The link stops working on/).fill(local);
      await panel.getByRole('button', { name: 'Create an invite link' }).click();
      await panel.getByText('Copy the link or show the QR code now: it is shown only once.').waitFor();
      const link = await panel.getByLabel('Link', { exact: true }).inputValue();
      expect(link).toMatch(new RegExp(`^${web.url}/\\?event=team-offsite&invite=[A-Za-z0-9_-]{43}&name=Team\\+Offsite$`));
      expect(await decodeQr(page, page.locator('#share-qr svg'))).toBe(link);
      await expect.poll(() => panel.locator('#invite-list li').allTextContents()).toHaveLength(1);
      expect(await panel.locator('#invite-list li .item-title').textContent()).toBe('See only, no uploadsSee everyone’s photos');
      expect(await panel.locator('#invite-list li .item-meta').textContent()).toMatch(/^Created .+Stops working .+$/);

      // A guest, already signed in on their phone, opens it: joined at once, and told they cannot upload.
      const guestEmail = await confirmedGuest('looker', 'Eva Looker');
      const guest = await openTab(web.url);
      try {
        await signInOnPage(guest.page, guestEmail);
        await heading(guest.page, 'Events').waitFor();
        await guest.page.goto(link);
        await heading(guest.page, 'Team Offsite').waitFor({ timeout: 20_000 });
        expect(new URL(guest.page.url()).search).toBe('?event=team-offsite');
        await guest.page.getByText('Your invite lets you see the photos here, not add them.').waitFor();
        expect(await guest.page.locator('#upload-panel').isHidden()).toBe(true);
        expect(await guest.page.locator('#invite-panel').isHidden()).toBe(true);
        await shots(guest.page, '10-no-upload-member');
        expectClean(guest);
      } finally {
        await guest.context.close();
      }

      // The organizer's screen: the link as shown once, and the guest who joined.
      await page.reload();
      await heading(page, 'Team Offsite').waitFor();
      await expect.poll(() => page.locator('#member-list li .item-title').allTextContents()).toEqual(['Eva Looker']);
      expect(await page.locator('#member-list li .item-meta').textContent()).toMatch(
        /^Joined .+0 photosSee only, no uploadsSee everyone’s photos$/,
      );
      // The link itself is not shown again (only create answers the code).
      expect(await page.locator('#invite-result').isHidden()).toBe(true);
      await panel.getByLabel('They can add photos').check();
      await panel.getByRole('button', { name: 'Create an invite link' }).click();
      await panel.getByText('Link created.').waitFor();
      await page.locator('#invite-panel').scrollIntoViewIfNeeded();
      await shots(page, '11-organizer-invites-and-guests');

      // Revoke the first link: joining with it fails, in plain words.
      await page
        .getByRole('button', { name: /^Revoke the invite link created/ })
        .last()
        .click();
      await expect.poll(() => panel.locator('#invite-list li[data-state="inactive"] .item-meta').textContent()).toMatch(/Revoked /);
      const late = await confirmedGuest('late', 'Fay Late');
      const lateTab = await openTab(link);
      try {
        await lateTab.page.getByRole('button', { name: 'I have an account: sign in' }).click();
        await signInOnPage(lateTab.page, late);
        await lateTab.page
          .getByText('This invite link is not valid any more; ask the organizer for a new one.')
          .waitFor({ timeout: 20_000 });
        expect(await lateTab.page.getByRole('link', { name: 'Go to your events' }).isVisible()).toBe(true);
        await shots(lateTab.page, '12-invite-not-valid');
        expectClean(lateTab);
      } finally {
        await lateTab.context.close();
      }

      // Remove the guest: their next look at the event finds nothing.
      await page.getByRole('button', { name: 'Remove Eva Looker' }).click();
      await expect.poll(() => page.locator('#member-list li').count()).toBe(0);
      const { events: guestEvents } = await apiAs(guestEmail, PASSWORD);
      await expect(guestEvents.getEvent('team-offsite')).rejects.toMatchObject({ status: 404 });
      expectClean(tab);
    } finally {
      await tab.context.close();
    }
  });

  it(`keeps a guest signed in past the ID token's ${ID_TOKEN_SECONDS} s: an upload in flight finishes, API calls go on, a 401 is cured by a refresh, and sign-out revokes the session in every tab`, async () => {
    const { link } = await newEvent('long-day', 'Long Day');
    const email = await confirmedGuest('stayer', 'Gil Stayer');
    const tab = await openTab(link);
    const { page, context } = tab;
    try {
      await page.getByRole('button', { name: 'I have an account: sign in' }).click();
      await signInOnPage(page, email);
      await heading(page, 'Long Day').waitFor({ timeout: 20_000 });
      // Any sign-in screen from now on is a failure: the page notes it if one ever shows.
      await page.evaluate(() => {
        const seen = window as unknown as { signInShown: boolean };
        seen.signInShown = false;
        new MutationObserver(() => {
          if (document.getElementById('sign-in-form')) seen.signInShown = true;
        }).observe(document.body, { subtree: true, childList: true });
      });
      const first = (await storedSession(page)).expiresAt;

      // A PUT held until the first ID token has lapsed, then let go: the photo still arrives and is
      // processed (its status is polled with a renewed token).
      let hold = true;
      await page.route(`${stack.outputs.s3Endpoint}/**`, async (route) => {
        while (hold && route.request().method() === 'PUT') await new Promise((resolve) => setTimeout(resolve, 100));
        await route.continue().catch(() => undefined);
      });
      await page.getByLabel('Choose photos').setInputFiles(photo('Across the expiry.png'));
      await expect.poll(() => rowStates(page)).toEqual(['uploading']);
      await sleep(Math.max(0, first - Date.now()) + 2_000);
      expect(Date.now()).toBeGreaterThan(first);
      hold = false;
      await expect.poll(() => rowStates(page), { timeout: 30_000 }).toEqual(['done']);
      await expect.poll(() => gridTitles(page)).toContain('Across the expiry');
      // Renewed before it lapsed (at 80% of its life), without a sign-in.
      expect(refreshes(tab)).toBeGreaterThanOrEqual(1);
      expect((await storedSession(page)).expiresAt).toBeGreaterThan(first);

      // The API answers 401 once (a token that lapsed on the way): the app renews it and sends again.
      await page.unrouteAll();
      const tokensSent: string[] = [];
      await page.route('**/photos/initiate-upload', (route) => {
        tokensSent.push(route.request().headers()['authorization'] ?? '');
        return tokensSent.length === 1
          ? route.fulfill({ status: 401, contentType: 'application/json', body: '{"message":"Unauthorized"}' })
          : route.continue();
      });
      const refreshesBefore = refreshes(tab);
      await upload(page, 'After a 401', 2);
      expect(tokensSent).toHaveLength(2);
      expect(tokensSent[1]).not.toBe(tokensSent[0]);
      expect(refreshes(tab)).toBeGreaterThan(refreshesBefore);
      await page.unrouteAll();

      // Another full ID token life later, still in: a third upload and the gallery's calls go on.
      await sleep(ID_TOKEN_SECONDS * 1000);
      await upload(page, 'Much later', 3);
      expect(await page.evaluate(() => (window as unknown as { signInShown: boolean }).signInShown)).toBe(false);
      expect(withoutRefreshes(tab)).toEqual(['InitiateAuth USER_SRP_AUTH', 'RespondToAuthChallenge']);

      // Sign-out in a second tab: the first hears it, and the refresh token is revoked.
      const { refreshToken } = await storedSession(page);
      const second = await context.newPage();
      watch(tab, second);
      await second.goto(page.url());
      await heading(second, 'Long Day').waitFor();
      const revoked = second.waitForResponse((response) => response.request().headers()['x-amz-target']?.endsWith('.RevokeToken') === true);
      await second.getByRole('button', { name: 'Sign out' }).click();
      await heading(page, 'Sign in').waitFor();
      expect(await stored(page)).toEqual({});
      expect((await revoked).status()).toBe(200);
      await expect(refreshSession({ ...app(), refreshToken })).rejects.toMatchObject({ code: 'NotAuthorizedException' });
      expectClean(tab);
    } finally {
      await context.close();
    }
  }, 120_000);
});

async function storedSession(page: Page): Promise<{ expiresAt: number; refreshToken: string }> {
  return JSON.parse((await stored(page))['event-photos.session'] ?? 'null');
}
