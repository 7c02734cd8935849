/**
 * A small app built with Vue 3 from node_modules: createApp with a template
 * compiled at run time (the full build, vue.esm-bundler.js, bundled with
 * esbuild by test/browser/plugins/app-bundles.mjs), reactive state, a keyed
 * v-for list, v-model inputs, <Transition> and <Teleport to="body">, a
 * watcher. Exposes list-app.ts's ListApp as `window.fidelityApp`; every call
 * changes the reactive state and waits for Vue's render (nextTick) and for
 * a transition to end.
 */
import { computed, createApp, nextTick, reactive, watch } from 'vue';
import { ACCENTS, INITIAL_ITEMS, PLANS, type ListApp, type ListItem, type Plan } from './list-app.js';

const state = reactive({
  items: INITIAL_ITEMS.map((item) => ({ ...item })) as ListItem[],
  nextId: 100,
  filter: '',
  name: '',
  plan: 'basic' as Plan,
  agree: false,
  details: false,
  overlay: false,
  accent: 0,
  compact: false,
  saved: 0,
});

/** Resolves when the details' enter or leave transition has ended. */
let transitionEnded: (() => void) | null = null;

const TEMPLATE = `
<div class="app" :class="{ compact: state.compact }">
  <h2 :style="{ color: accent }">Shopping list ({{ remaining }} left)</h2>
  <form @submit.prevent>
    <label>Name <input id="name" v-model="state.name"></label>
    <label>Plan <select id="plan" v-model="state.plan"><option v-for="plan in plans" :key="plan" :value="plan">{{ plan }}</option></select></label>
    <label><input id="agree" type="checkbox" v-model="state.agree"> I agree</label>
    <label>Filter <input id="filter" v-model="state.filter"></label>
  </form>
  <ul>
    <li v-for="item in visible" :key="item.id" :class="{ done: item.done }" :style="{ borderLeft: '3px solid ' + accent, paddingLeft: '4px' }">
      <input type="checkbox" :checked="item.done" @change="toggleId(item.id)"> {{ item.text }}
    </li>
  </ul>
  <p>Saved {{ state.saved }} items</p>
  <p v-if="state.agree">Thanks, {{ state.name || 'friend' }}.</p>
  <Transition name="fade" @after-enter="ended" @after-leave="ended">
    <section v-if="state.details" class="details"><b>Details</b> plan {{ state.plan }}</section>
  </Transition>
  <Teleport to="body">
    <div v-if="state.overlay" class="overlay" role="status">{{ remaining }} left</div>
  </Teleport>
</div>`;

const remaining = computed(() => state.items.filter((item) => !item.done).length);
// A watcher that feeds state back, as a save-on-change hook does.
watch(
  () => state.items.length,
  (length) => {
    state.saved = length;
  },
  { immediate: true },
);
watch(remaining, (left) => {
  document.title = `${left} left`;
});

createApp({
  template: TEMPLATE,
  setup() {
    return {
      state,
      plans: PLANS,
      remaining,
      accent: computed(() => ACCENTS[state.accent] ?? 'black'),
      visible: computed(() => state.items.filter((item) => item.text.toLowerCase().includes(state.filter))),
      toggleId: (id: number) => {
        const item = state.items.find((candidate) => candidate.id === id);
        if (item) item.done = !item.done;
      },
      ended: () => transitionEnded?.(),
    };
  },
}).mount('#app');

/** Renders (and, for the details, waits for the transition; at most 1 s should transitionend never come). */
async function rendered(transition = false): Promise<void> {
  const ended = transition
    ? new Promise<void>((resolve) => {
        transitionEnded = resolve;
        setTimeout(resolve, 1_000);
      })
    : Promise.resolve();
  await nextTick();
  await ended;
  transitionEnded = null;
}

async function change(mutate: () => void, transition = false): Promise<void> {
  mutate();
  await rendered(transition);
}

window.fidelityApp = {
  size: () => state.items.length,
  insert: (at, text) => change(() => state.items.splice(at, 0, { id: state.nextId++, text, done: false })),
  remove: (at) => change(() => state.items.splice(at, 1)),
  move: (from, to) =>
    change(() => {
      const [moved] = state.items.splice(from, 1);
      if (moved) state.items.splice(to, 0, moved);
    }),
  toggle: (at) =>
    change(() => {
      const item = state.items[at];
      if (item) item.done = !item.done;
    }),
  setFilter: (filter) => change(() => (state.filter = filter)),
  setName: (name) => change(() => (state.name = name)),
  setPlan: (plan) => change(() => (state.plan = plan)),
  setAgree: (agree) => change(() => (state.agree = agree)),
  toggleDetails: () => change(() => (state.details = !state.details), true),
  toggleOverlay: () => change(() => (state.overlay = !state.overlay)),
  setAccent: (accent) => change(() => (state.accent = accent)),
  toggleCompact: () => change(() => (state.compact = !state.compact)),
} satisfies ListApp;
