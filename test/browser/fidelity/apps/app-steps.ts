/** Seeded random steps through a framework app's own state (list-app.ts): the suite's mutations for React and Vue pages. */
import { PLANS, type ListApp } from './list-app.js';

const WORDS = ['Milk', 'Eggs', 'Rice', 'Tea', 'Soap', 'Figs', 'Oats', 'Salt'];

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

/** One step drawn with `random`; returns what it did (for the failure message). */
export async function randomAppStep(app: ListApp, random: () => number): Promise<string> {
  const size = app.size();
  const at = (): number => Math.floor(random() * Math.max(size, 1));
  const kind = pick(random, [
    'insert',
    'insert',
    'remove',
    'move',
    'move',
    'toggle',
    'filter',
    'name',
    'plan',
    'agree',
    'details',
    'overlay',
    'accent',
    'compact',
  ] as const);
  switch (kind) {
    case 'insert': {
      const [index, text] = [Math.floor(random() * (size + 1)), pick(random, WORDS)];
      await app.insert(index, text);
      return `insert ${text} at ${index}`;
    }
    case 'remove': {
      const index = at();
      await app.remove(index);
      return `remove ${index}`;
    }
    case 'move': {
      const [from, to] = [at(), at()];
      await app.move(from, to);
      return `move ${from} to ${to}`;
    }
    case 'toggle': {
      const index = at();
      await app.toggle(index);
      return `toggle ${index}`;
    }
    case 'filter': {
      const text = pick(random, ['', '', 'a', 'e', 'pl', 'x']);
      await app.setFilter(text);
      return `filter "${text}"`;
    }
    case 'name': {
      const text = pick(random, ['', 'Ada', 'Grace Hopper', 'Linus']);
      await app.setName(text);
      return `name "${text}"`;
    }
    case 'plan': {
      const plan = pick(random, PLANS);
      await app.setPlan(plan);
      return `plan ${plan}`;
    }
    case 'agree': {
      const agree = random() < 0.5;
      await app.setAgree(agree);
      return `agree ${agree}`;
    }
    case 'details':
      await app.toggleDetails();
      return 'details';
    case 'overlay':
      await app.toggleOverlay();
      return 'overlay';
    case 'accent': {
      const index = Math.floor(random() * 4);
      await app.setAccent(index);
      return `accent ${index}`;
    }
    case 'compact':
      await app.toggleCompact();
      return 'compact';
  }
}
