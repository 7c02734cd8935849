/** The agent console page at /agent/: reads the token from the link's fragment and shows the live view. */
import './cobrowse-agent-view.js';

function tokenFromFragment(hash: string): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.get('token') ?? '';
}

function showView(token: string): void {
  const main = document.querySelector('main');
  if (!main) return;
  const view = document.createElement('cobrowse-agent-view');
  view.token = token;
  main.replaceChildren(view);
}

function showLinkForm(message: string): void {
  const form = document.querySelector<HTMLFormElement>('#join');
  const error = document.querySelector<HTMLElement>('#join-error');
  if (!form) return;
  form.hidden = false;
  if (error) error.textContent = message;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = form.elements.namedItem('link') as HTMLInputElement;
    const value = input.value.trim();
    if (/^[\d\s-]{8,12}$/.test(value)) {
      void claimSupportCode(value, input, error);
      return;
    }
    const token = value.includes('#') ? tokenFromFragment(value.slice(value.indexOf('#'))) : value;
    if (token.length < 16) {
      if (error)
        error.textContent =
          'Enter the customer’s 8-digit support code, or paste the whole co-browsing link from the chat.';
      input.focus();
      return;
    }
    location.hash = `token=${token}`;
  });
}

/** Exchange a support code the customer read out for this console's agent link. */
async function claimSupportCode(code: string, input: HTMLInputElement, error: HTMLElement | null): Promise<void> {
  if (error) error.textContent = '';
  try {
    const res = await fetch('/api/support-codes/claim', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    const body = (await res.json()) as { agent?: { token?: unknown }; error?: { message?: unknown } };
    const token = body.agent?.token;
    if (res.ok && typeof token === 'string') {
      location.hash = `token=${token}`;
      return;
    }
    if (error)
      error.textContent = typeof body.error?.message === 'string' ? body.error.message : 'That code did not work.';
  } catch {
    if (error) error.textContent = 'Could not reach the co-browsing server. Check your connection.';
  }
  input.focus();
}

function route(): void {
  const token = tokenFromFragment(location.hash);
  if (token) showView(token);
  else showLinkForm('');
}

window.addEventListener('hashchange', () => location.reload());
route();
