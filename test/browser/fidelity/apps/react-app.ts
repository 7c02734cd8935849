/**
 * A small app built with React 19 from node_modules (react-dom/client's
 * createRoot, bundled with esbuild by test/browser/plugins/app-bundles.mjs):
 * a reducer and state, effects, a controlled form, a keyed list that
 * reorders, inserts and removes, a portal into document.body, conditional
 * rendering, inline styles and class changes. Exposes list-app.ts's ListApp
 * as `window.fidelityApp`; every call dispatches under flushSync.
 */
import { createElement as h, useEffect, useLayoutEffect, useReducer, useState, type Dispatch } from 'react';
import { createPortal, flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { ACCENTS, INITIAL_ITEMS, PLANS, type ListApp, type ListItem, type Plan } from './list-app.js';

interface State {
  items: ListItem[];
  nextId: number;
  filter: string;
  name: string;
  plan: Plan;
  agree: boolean;
  details: boolean;
  overlay: boolean;
  accent: number;
  compact: boolean;
}

type Action =
  | { type: 'insert'; at: number; text: string }
  | { type: 'remove'; at: number }
  | { type: 'move'; from: number; to: number }
  | { type: 'toggle'; id: number }
  | { type: 'set'; patch: Partial<State> };

function reduce(state: State, action: Action): State {
  const items = [...state.items];
  switch (action.type) {
    case 'insert':
      items.splice(action.at, 0, { id: state.nextId, text: action.text, done: false });
      return { ...state, items, nextId: state.nextId + 1 };
    case 'remove':
      items.splice(action.at, 1);
      return { ...state, items };
    case 'move': {
      const [moved] = items.splice(action.from, 1);
      if (moved) items.splice(action.to, 0, moved);
      return { ...state, items };
    }
    case 'toggle':
      return { ...state, items: items.map((item) => (item.id === action.id ? { ...item, done: !item.done } : item)) };
    case 'set':
      return { ...state, ...action.patch };
  }
}

const INITIAL: State = {
  items: INITIAL_ITEMS,
  nextId: 100,
  filter: '',
  name: '',
  plan: 'basic',
  agree: false,
  details: false,
  overlay: false,
  accent: 0,
  compact: false,
};

let dispatchAction: Dispatch<Action> | null = null;
let latest: State = INITIAL;

function field(label: string, control: ReturnType<typeof h>): ReturnType<typeof h> {
  return h('label', null, `${label} `, control);
}

function Form({ state, dispatch }: { state: State; dispatch: Dispatch<Action> }): ReturnType<typeof h> {
  const set = (patch: Partial<State>): void => dispatch({ type: 'set', patch });
  const text = (event: Event): string => (event.target as HTMLInputElement).value;
  return h(
    'form',
    { onSubmit: (event: Event) => event.preventDefault() },
    field('Name', h('input', { id: 'name', value: state.name, onChange: (e: Event) => set({ name: text(e) }) })),
    field(
      'Plan',
      h(
        'select',
        { id: 'plan', value: state.plan, onChange: (e: Event) => set({ plan: text(e) as Plan }) },
        ...PLANS.map((plan) => h('option', { key: plan, value: plan }, plan)),
      ),
    ),
    h(
      'label',
      null,
      h('input', {
        id: 'agree',
        type: 'checkbox',
        checked: state.agree,
        onChange: (e: Event) => set({ agree: (e.target as HTMLInputElement).checked }),
      }),
      ' I agree',
    ),
    field(
      'Filter',
      h('input', { id: 'filter', value: state.filter, onChange: (e: Event) => set({ filter: text(e) }) }),
    ),
  );
}

function Row({ item, accent, dispatch }: { item: ListItem; accent: string; dispatch: Dispatch<Action> }) {
  return h(
    'li',
    { className: item.done ? 'done' : '', style: { borderLeft: `3px solid ${accent}`, paddingLeft: 4 } },
    h('input', { type: 'checkbox', checked: item.done, onChange: () => dispatch({ type: 'toggle', id: item.id }) }),
    ` ${item.text}`,
  );
}

function App() {
  const [state, dispatch] = useReducer(reduce, INITIAL);
  const [saved, setSaved] = useState(0);
  useLayoutEffect(() => {
    dispatchAction = dispatch;
    latest = state;
  });
  // An effect that feeds state back: what a save-on-change hook does.
  useEffect(() => setSaved(state.items.length), [state.items.length]);
  const remaining = state.items.filter((item) => !item.done).length;
  useEffect(() => {
    document.title = `${remaining} left`;
  }, [remaining]);
  const accent = ACCENTS[state.accent] ?? 'black';
  const visible = state.items.filter((item) => item.text.toLowerCase().includes(state.filter));
  return h(
    'div',
    { className: state.compact ? 'app compact' : 'app' },
    h('h2', { style: { color: accent } }, `Shopping list (${remaining} left)`),
    h(Form, { state, dispatch }),
    h('ul', null, ...visible.map((item) => h(Row, { key: item.id, item, accent, dispatch }))),
    h('p', null, `Saved ${saved} items`),
    state.agree ? h('p', null, `Thanks, ${state.name || 'friend'}.`) : null,
    state.details ? h('section', { className: 'details' }, h('b', null, 'Details'), ` plan ${state.plan}`) : null,
    state.overlay
      ? createPortal(h('div', { className: 'overlay', role: 'status' }, `${remaining} left`), document.body)
      : null,
  );
}

async function act(action: Action): Promise<void> {
  flushSync(() => dispatchAction?.(action));
  // Passive effects (the saved count) run after the commit.
  await new Promise((resolve) => setTimeout(resolve, 0));
}

const set = (patch: Partial<State>): Promise<void> => act({ type: 'set', patch });
const idAt = (at: number): number => latest.items[at]?.id ?? -1;

const app: ListApp = {
  size: () => latest.items.length,
  insert: (at, text) => act({ type: 'insert', at, text }),
  remove: (at) => act({ type: 'remove', at }),
  move: (from, to) => act({ type: 'move', from, to }),
  toggle: (at) => act({ type: 'toggle', id: idAt(at) }),
  setFilter: (filter) => set({ filter }),
  setName: (name) => set({ name }),
  setPlan: (plan) => set({ plan }),
  setAgree: (agree) => set({ agree }),
  toggleDetails: () => set({ details: !latest.details }),
  toggleOverlay: () => set({ overlay: !latest.overlay }),
  setAccent: (accent) => set({ accent }),
  toggleCompact: () => set({ compact: !latest.compact }),
};

const container = document.getElementById('root');
if (container) {
  flushSync(() => createRoot(container).render(h(App, {})));
  window.fidelityApp = app;
}
