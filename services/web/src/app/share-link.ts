import { byId, say } from '#lib/app/dom';
import { qrCodeSvg } from '#lib/app/qr-code';
import { localized } from '#lib/app/i18n';

const TEXT = localized({
  qrLabel: 'QR code of the invite link: scan it with a phone’s camera',
  copied: 'Link copied.',
  copyRefused: 'Copying is not allowed here: the link is selected, copy it with your keyboard or menu.',
});

/** A link as text to copy and as a QR code for phones (the invite panel's #share-* elements). */
export function showShareLink(url: string, signal: AbortSignal): void {
  const input = byId('share-url', HTMLInputElement);
  const message = byId('share-message', HTMLElement);
  input.value = url;
  say(message);
  byId('share-qr', HTMLElement).replaceChildren(qrCodeSvg(url, TEXT.qrLabel));
  input.addEventListener('focus', () => input.select(), { signal });
  byId('share-copy', HTMLButtonElement).addEventListener(
    'click',
    async () => {
      try {
        await navigator.clipboard.writeText(url);
        say(message, TEXT.copied);
      } catch {
        input.select();
        say(message, TEXT.copyRefused);
      }
    },
    { signal },
  );
}
