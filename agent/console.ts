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
    const token = value.includes('#') ? tokenFromFragment(value.slice(value.indexOf('#'))) : value;
    if (token.length < 16) {
      if (error) error.textContent = 'That does not look like a co-browsing link. Paste the whole link from the chat.';
      input.focus();
      return;
    }
    location.hash = `token=${token}`;
  });
}

function route(): void {
  const token = tokenFromFragment(location.hash);
  if (token) showView(token);
  else showLinkForm('');
}

window.addEventListener('hashchange', () => location.reload());
route();
