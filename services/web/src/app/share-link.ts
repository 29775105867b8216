import { byId, say } from '#lib/app/dom';
import { qrCodeSvg } from '#lib/app/qr-code';
import { eventUrl } from '#lib/app/screen-context';

/** The event's link (what opens its upload page) as text to copy and as a QR code for phones. */
export function startShareLink(eventId: string): void {
  const url = eventUrl(eventId);
  const input = byId('share-url', HTMLInputElement);
  const message = byId('share-message', HTMLElement);
  input.value = url;
  byId('share-qr', HTMLElement).replaceChildren(qrCodeSvg(url, `QR code of the link to this event: ${url}`));
  input.addEventListener('focus', () => input.select());
  byId('share-copy', HTMLButtonElement).addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(url);
      say(message, 'Link copied.');
    } catch {
      input.select();
      say(message, 'Copying is not allowed here: the link is selected, copy it with your keyboard or menu.');
    }
  });
}
