/**
 * The agent console page at /agent/. The fragment says what to show:
 * `#token=…` a session (a link from the chat, or a ticket from the agent's
 * list); `#identity=…` an identity the chat system minted, dropped from the
 * address and, once the person confirmed "Sign in as …?", exchanged for the
 * console's cookie; `#signin-error=<code>` why single sign-on failed (a
 * known code shows our own message, anything else a generic one: the
 * fragment of a link is anyone's to write). Otherwise the workspace: sign-in, join, the list.
 */
import './cobrowse-agent-view.js';
import './workspace/cobrowse-agent-workspace.js';
import { confirmSignIn } from './identity-confirm.js';
import { workspaceApi } from './workspace/workspace-api.js';
import { signInErrorMessage } from '../shared/sign-in-errors.js';

function fragment(): URLSearchParams {
  return new URLSearchParams(location.hash.replace(/^#/, ''));
}

function show(element: HTMLElement): void {
  document.querySelector('main')?.replaceChildren(element);
}

function showView(token: string): void {
  const view = document.createElement('cobrowse-agent-view');
  view.token = token;
  // The console's operator decides whether customers may make the agent's browser fetch assets itself.
  view.allowAgentAssetFetches =
    document.querySelector('meta[name="cobrowse-agent-asset-fetches"]')?.getAttribute('content') === 'allow';
  show(view);
}

function showWorkspace(signInError: string): void {
  const workspace = document.createElement('cobrowse-agent-workspace');
  workspace.signInError = signInError;
  workspace.addEventListener('cobrowse-join', (event) => {
    const { token } = (event as CustomEvent<{ token: string }>).detail;
    location.hash = `token=${token}`;
  });
  show(workspace);
}

/** Asks "Sign in as …?" before the exchange; returns why sign-in failed, or ''. */
async function signInAfterAsking(identity: string): Promise<string> {
  const [who, me] = await Promise.all([workspaceApi.checkIdentity(identity), workspaceApi.me()]);
  if (!who.ok) return who.message;
  const current = me.ok ? me.value.agent : null;
  if (current?.id === who.value.agent.id) return '';
  const main = document.querySelector('main');
  if (!main || !(await confirmSignIn(main, who.value.agent, current))) return '';
  const signedIn = await workspaceApi.signInWithIdentity(identity, current !== null);
  return signedIn.ok ? '' : signedIn.message;
}

async function route(): Promise<void> {
  const params = fragment();
  const token = params.get('token');
  if (token) {
    showView(token);
    return;
  }
  let signInError = signInErrorMessage(params.get('signin-error'));
  const identity = params.get('identity');
  if (identity) {
    // Out of the address bar (and history) before anything else happens.
    history.replaceState(null, '', location.pathname + location.search);
    signInError = await signInAfterAsking(identity);
  } else if (signInError) {
    history.replaceState(null, '', location.pathname + location.search);
  }
  showWorkspace(signInError);
}

window.addEventListener('hashchange', () => location.reload());
void route();
