/**
 * Before a sign-in link (`#identity=…`) signs anyone in, the person at the
 * console says it is them: "Sign in as <name>?". A link passed on by another
 * agent must not silently put this console (and its claims and joins) in
 * that agent's name, nor replace the agent signed in here now.
 */
import type { SignedInAgent } from './workspace/workspace-api.js';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}

/** Shows the question in `host`; resolves true when the person chose to sign in, false on Cancel. */
export function confirmSignIn(host: Element, who: SignedInAgent, current: SignedInAgent | null): Promise<boolean> {
  const section = element('section');
  section.className = 'confirm-sign-in';
  section.setAttribute('aria-labelledby', 'confirm-sign-in-heading');
  const heading = element('h1', `Sign in as ${who.name}?`);
  heading.id = 'confirm-sign-in-heading';
  heading.tabIndex = -1;
  const explain = element(
    'p',
    current
      ? `This console is signed in as ${current.name}. Signing in as ${who.name} signs ${current.name} out; ` +
          `support codes you claim and sessions you join will be recorded as ${who.name}'s.`
      : `Support codes you claim and sessions you join will be recorded as ${who.name}'s. ` +
          'Continue only if you are this person.',
  );
  const actions = element('div');
  actions.className = 'confirm-sign-in-actions';
  const accept = element('button', `Sign in as ${who.name}`);
  accept.type = 'button';
  const cancel = element('button', current ? `Stay signed in as ${current.name}` : 'Cancel');
  cancel.type = 'button';
  actions.append(accept, cancel);
  section.append(heading, explain, actions);
  host.replaceChildren(section);
  heading.focus();
  return new Promise((resolve) => {
    accept.addEventListener('click', () => resolve(true), { once: true });
    cancel.addEventListener('click', () => resolve(false), { once: true });
  });
}
