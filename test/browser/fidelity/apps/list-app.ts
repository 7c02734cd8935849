/**
 * What the suite's React and Vue apps expose to the test (as `window.fidelityApp`
 * in the customer's page): each call changes the app's state through the
 * framework (React's dispatch under flushSync, Vue's reactive data) and
 * resolves once the framework has rendered. Both apps show the same shopping
 * list, so one seeded step generator drives both.
 */
export type Plan = 'basic' | 'pro' | 'team';
export const PLANS: Plan[] = ['basic', 'pro', 'team'];
/** Accent colours, applied as inline styles. */
export const ACCENTS = ['rgb(30, 80, 160)', 'rgb(160, 40, 40)', 'rgb(20, 120, 60)', 'rgb(120, 60, 140)'];

export interface ListItem {
  id: number;
  text: string;
  done: boolean;
}

export const INITIAL_ITEMS: ListItem[] = [
  { id: 1, text: 'Apples', done: false },
  { id: 2, text: 'Pears', done: true },
  { id: 3, text: 'Plums', done: false },
  { id: 4, text: 'Bread', done: false },
];

export interface ListApp {
  /** Items in the list now (before the filter). */
  size(): number;
  insert(at: number, text: string): Promise<void>;
  remove(at: number): Promise<void>;
  move(from: number, to: number): Promise<void>;
  toggle(at: number): Promise<void>;
  setFilter(text: string): Promise<void>;
  setName(text: string): Promise<void>;
  setPlan(plan: Plan): Promise<void>;
  setAgree(agree: boolean): Promise<void>;
  /** Conditional rendering (and in Vue, a <Transition>). */
  toggleDetails(): Promise<void>;
  /** A portal (React) or <Teleport> (Vue) into document.body. */
  toggleOverlay(): Promise<void>;
  /** An inline style. */
  setAccent(index: number): Promise<void>;
  /** A class on the app's root. */
  toggleCompact(): Promise<void>;
}

declare global {
  interface Window {
    fidelityApp?: ListApp;
  }
}

/** The stylesheet both apps use (served in the page's <head>). */
export const LIST_APP_STYLE = `<style>
.app{width:420px;padding:8px;border:1px solid #446} .app.compact{padding:2px;font-size:12px}
.app ul{padding-left:20px;margin:6px 0} .app li.done{text-decoration:line-through;color:#888}
.app label{display:block;margin:2px 0} .details{background:rgb(240,244,255);padding:4px}
.overlay{position:fixed;right:16px;bottom:16px;width:180px;padding:8px;background:#fff;border:2px solid #446}
.fade-enter-active,.fade-leave-active{transition:opacity 40ms linear} .fade-enter-from,.fade-leave-to{opacity:0}
</style>`;
