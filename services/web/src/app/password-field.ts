import { hasOuterSpace, passwordProblems } from '@event-photos/client';
import { byId, tell } from '#lib/app/dom';
import { localized } from '#lib/app/i18n';

const TEXT = localized({
  missing: 'Choose a password that meets every rule in the list.',
  outerSpace: 'A password cannot start or end with a space.',
});

export interface PasswordField {
  input: HTMLInputElement;
  /** Whether the pool would take the password; if not, says why in `message` and focuses the field. */
  check(message: HTMLElement): boolean;
}

/**
 * Puts the password field with the pool's rules (index.html's password-field-template) where the
 * screen has `[data-password-field]`: each rule is ticked as it is met, while the guest types.
 */
export function passwordField(screen: HTMLElement): PasswordField {
  const slot = screen.querySelector('[data-password-field]')!;
  slot.replaceWith(byId('password-field-template', HTMLTemplateElement).content.cloneNode(true));
  const input = byId('new-password', HTMLInputElement);
  const rules = [...byId('password-rules', HTMLUListElement).querySelectorAll<HTMLLIElement>('li[data-rule]')];
  const show = () => {
    const missing = new Set<string>(passwordProblems(input.value));
    for (const rule of rules) rule.dataset['met'] = String(!missing.has(rule.dataset['rule']!));
    if (missing.size === 0 && !hasOuterSpace(input.value)) input.removeAttribute('aria-invalid');
  };
  input.addEventListener('input', show);
  show();
  const toggle = byId('show-password', HTMLInputElement);
  toggle.addEventListener('change', () => (input.type = toggle.checked ? 'text' : 'password'));
  return {
    input,
    check(message) {
      const problem = passwordProblems(input.value).length > 0 ? TEXT.missing : hasOuterSpace(input.value) ? TEXT.outerSpace : '';
      if (!problem) return true;
      input.setAttribute('aria-invalid', 'true');
      tell(message, problem, { error: true });
      input.focus();
      return false;
    },
  };
}
