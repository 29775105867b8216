/** The element with this id, checked to be of the expected type (the markup lives in index.html). */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html has no <${type.name}> #${id}`);
  return element;
}

/** Shows one message in an element, or clears it. Text only: nothing from the network becomes markup. */
export function say(element: HTMLElement, message = ''): void {
  element.textContent = message;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}
