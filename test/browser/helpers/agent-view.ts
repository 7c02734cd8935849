/**
 * The agent's element under test and what an agent sees of it: the status,
 * the page line, the notices, the toolbar, and where a mirrored element is on
 * the agent's screen. (Served as an esbuild bundle by web-test-runner.config.mjs:
 * the element's session code includes simple-peer, which is CommonJS.)
 */
import { expect } from '@open-wc/testing';
import '../../../agent/cobrowse-agent-view.js';
import type { CobrowseAgentView } from '../../../agent/cobrowse-agent-view.js';

export type { CobrowseAgentView };

export function agentShadow(view: CobrowseAgentView): ShadowRoot {
  const root = view.shadowRoot;
  if (!root) throw new Error('the agent view has no shadow root');
  return root;
}

/** The status pill's text ('Live', 'Ended', …). */
export function statusText(view: CobrowseAgentView): string {
  return agentShadow(view).querySelector('.status')?.textContent?.trim() ?? '';
}

/** The page line: title and path of the customer's page. */
export function pageLine(view: CobrowseAgentView): string {
  return agentShadow(view).querySelector('.page')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

/** The centred notice card (waiting, ended, invalid), or ''. */
export function noticeText(view: CobrowseAgentView): string {
  return agentShadow(view).querySelector('.notice')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

export function staleBanner(view: CobrowseAgentView): string {
  return agentShadow(view).querySelector('.stale')?.textContent?.trim() ?? '';
}

export function toastText(view: CobrowseAgentView): string {
  return agentShadow(view).querySelector('.toast')?.textContent?.trim() ?? '';
}

/** The accessible name of a button: aria-label, else its text. */
export function accessibleName(button: HTMLButtonElement): string {
  return (button.getAttribute('aria-label') ?? button.textContent ?? '').replace(/\s+/g, ' ').trim();
}

export function toolbarButtons(view: CobrowseAgentView): HTMLButtonElement[] {
  return [...agentShadow(view).querySelectorAll<HTMLButtonElement>('[role="toolbar"] button')];
}

export function buttonNamed(view: CobrowseAgentView, name: string): HTMLButtonElement {
  const buttons = [...agentShadow(view).querySelectorAll<HTMLButtonElement>('button')];
  const button = buttons.find((b) => accessibleName(b) === name);
  if (!button) throw new Error(`no button "${name}"; buttons: ${buttons.map(accessibleName).join(', ')}`);
  return button;
}

/** The mirror's document (the sandboxed iframe's). */
export function mirrorDocument(view: CobrowseAgentView): Document {
  const doc = view.mirror?.iframe.contentDocument;
  if (!doc) throw new Error('the mirror has no document');
  return doc;
}

export function mirrorElement<T extends Element = HTMLElement>(view: CobrowseAgentView, selector: string): T {
  const element = mirrorDocument(view).querySelector<T>(selector);
  if (!element) throw new Error(`no ${selector} in the mirror`);
  return element;
}

/** The scale the console draws the customer's viewport at. */
export function mirrorScale(view: CobrowseAgentView): number {
  const iframe = view.mirror?.iframe;
  if (!iframe) throw new Error('no mirror');
  return iframe.getBoundingClientRect().width / iframe.offsetWidth;
}

/**
 * Where a point of the customer's page (page coordinates) is on the agent's
 * screen, given the mirror's scale and its scroll position.
 */
export function screenPointOfPage(view: CobrowseAgentView, pageX: number, pageY: number): { x: number; y: number } {
  const iframe = view.mirror?.iframe;
  const win = iframe?.contentWindow;
  if (!iframe || !win) throw new Error('no mirror');
  const frame = iframe.getBoundingClientRect();
  const scale = mirrorScale(view);
  return { x: frame.left + (pageX - win.scrollX) * scale, y: frame.top + (pageY - win.scrollY) * scale };
}

/** The centre of a mirrored element in the customer's page coordinates. */
export function pageCentreOf(view: CobrowseAgentView, selector: string): { x: number; y: number } {
  const element = mirrorElement(view, selector);
  const win = element.ownerDocument.defaultView;
  const rect = element.getBoundingClientRect();
  return { x: rect.left + rect.width / 2 + (win?.scrollX ?? 0), y: rect.top + rect.height / 2 + (win?.scrollY ?? 0) };
}

/** The zoom control's label: "Fit (N %)" or "N %". */
export function zoomLabel(view: CobrowseAgentView): string {
  return agentShadow(view).querySelector('.zoom-level')?.textContent?.trim() ?? '';
}

/** The view rendered and laid out: its update done and two animation frames passed. */
export async function settle(view: CobrowseAgentView): Promise<void> {
  await view.updateComplete;
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

/** Press Zoom in or out until the label says `label`. */
export async function zoomTo(view: CobrowseAgentView, label: string): Promise<void> {
  for (let i = 0; i < 10 && zoomLabel(view) !== label; i += 1) {
    const target = Number.parseInt(label, 10);
    const now = Number.parseInt(zoomLabel(view).replace(/^Fit \(/, ''), 10);
    buttonNamed(view, target > now ? 'Zoom in' : 'Zoom out').click();
    await settle(view);
  }
  expect(zoomLabel(view)).to.equal(label);
}
