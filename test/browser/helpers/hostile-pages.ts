/**
 * Hostile and odd customer pages: DOM clobbering, globals patched by analytics
 * or zone.js, frozen and replaced prototypes. Each page runs in its own
 * same-origin iframe (its own realm), so what it breaks is its own, never the
 * test harness. `bites` is the control: it shows the page really does break
 * naive code (called on the page's window after `install`).
 */

type Win = Window & typeof globalThis;

export interface HostilePage {
  name: string;
  /** Extra markup in the page's body, present before our script loads. */
  html?: string;
  /** Runs in the page before our script loads (zone.js and polyfills load first). */
  before?: (win: Win) => void;
  /** Runs after our script loaded and before the offer (analytics loaded later). */
  after?: (win: Win) => void;
  /** Markup inserted while the session is live. */
  during?: string;
  /** True when naive code on this page breaks (the control). */
  bites: (win: Win) => boolean;
}

const docProp = (win: Win, name: string): unknown => (win.document as unknown as Record<string, unknown>)[name];

function clobberDocument(name: string, tag: 'img' | 'form' | 'embed' = 'img'): HostilePage {
  const markup = tag === 'form' ? `<form name="${name}"></form>` : `<${tag} name="${name}">`;
  return {
    name: `<${tag} name="${name}"> clobbers document.${name}`,
    html: markup,
    during: markup.replace(`name="${name}"`, `name="${name}" id="during-${name}"`),
    bites: (win) => docProp(win, name) instanceof win.Element,
  };
}

function clobberForm(names: string[]): HostilePage {
  const inputs = names.map((n) => `<input name="${n}" value="x">`).join('');
  return {
    name: `a form with inputs named ${names.join(', ')}`,
    html: `<form id="clobbered-form">${inputs}</form>`,
    during: `<form>${inputs}</form>`,
    bites: (win) => {
      const form = win.document.getElementById('clobbered-form') as unknown as Record<string, unknown> | null;
      return form !== null && form[names[0] ?? ''] instanceof win.Element;
    },
  };
}

function freeze(names: string[], when: 'before' | 'after' = 'after'): HostilePage {
  const run = (win: Win): void => {
    for (const name of names) {
      const ctor = (win as unknown as Record<string, { prototype: object } | undefined>)[name];
      if (ctor) Object.freeze(ctor.prototype);
    }
  };
  return {
    name: `frozen ${names.join(', ')} prototypes (${when} load)`,
    [when]: run,
    bites: (win) =>
      names.every((n) => Object.isFrozen((win as unknown as Record<string, { prototype: object }>)[n]?.prototype)),
  };
}

export const HOSTILE_PAGES: HostilePage[] = [
  // DOM clobbering of the document by named elements (img, form and embed names are document properties).
  ...[
    'createElement',
    'body',
    'activeElement',
    'getElementById',
    'querySelector',
    'querySelectorAll',
    'importNode',
    'createComment',
    'createTreeWalker',
    'documentElement',
    'title',
    'addEventListener',
    'createTextNode',
    'createDocumentFragment',
    'defaultView',
  ].map((n) => clobberDocument(n)),
  clobberDocument('body', 'form'),
  clobberDocument('head', 'embed'),
  // Form elements whose inputs shadow the form's own DOM properties.
  clobberForm(['attributes', 'tagName', 'nodeName', 'localName']),
  clobberForm(['childNodes', 'firstChild', 'nextSibling', 'parentNode']),
  clobberForm(['getAttribute', 'hasAttribute', 'querySelector', 'contains']),
  clobberForm(['id', 'className', 'style', 'elements', 'action', 'nodeType']),
  clobberForm(['shadowRoot', 'namespaceURI', 'ownerDocument', 'matches']),
  clobberForm(['hasAttributes', 'getAttributeNames', 'lastChild', 'previousSibling']),
  // Globals patched by analytics after we loaded.
  {
    name: 'MutationObserver replaced by a wrapper that never calls back',
    after: (win) => {
      const Native = win.MutationObserver;
      win.MutationObserver = class extends Native {
        constructor(_callback: MutationCallback) {
          super(() => undefined);
        }
      };
    },
    bites: (win) => win.MutationObserver.toString().includes('super'),
  },
  {
    name: 'fetch replaced by one that always rejects',
    after: (win) => {
      win.fetch = () => Promise.reject(new TypeError('blocked by the page'));
    },
    bites: (win) => !win.fetch.toString().includes('native code'),
  },
  {
    name: 'WebSocket replaced by a constructor that throws',
    after: (win) => {
      win.WebSocket = function BrokenSocket() {
        throw new Error('analytics broke WebSocket');
      } as unknown as typeof WebSocket;
    },
    bites: (win) => {
      try {
        new win.WebSocket('ws://127.0.0.1:9');
        return false;
      } catch {
        return true;
      }
    },
  },
  {
    name: 'JSON.stringify and JSON.parse replaced by broken versions',
    after: (win) => {
      win.JSON.stringify = () => '"hijacked"';
      win.JSON.parse = () => {
        throw new SyntaxError('hijacked');
      };
    },
    bites: (win) => win.JSON.stringify({ a: 1 }) === '"hijacked"',
  },
  {
    name: 'Array.prototype.toJSON (Prototype.js) and an enumerable Array.prototype method (MooTools)',
    before: (win) => {
      Object.defineProperty(win.Array.prototype, 'toJSON', {
        value: function (this: unknown[]) {
          return `[${this.length} items]`;
        },
        writable: true,
        configurable: true,
      });
      (win.Array.prototype as unknown as Record<string, unknown>).each = function each() {
        return undefined;
      };
    },
    bites: (win) => win.JSON.stringify(win.JSON.parse('[1]')) !== '[1]',
  },
  {
    name: 'queueMicrotask and requestAnimationFrame replaced by no-ops',
    after: (win) => {
      win.queueMicrotask = () => undefined;
      win.requestAnimationFrame = () => 0;
    },
    bites: (win) => win.requestAnimationFrame(() => undefined) === 0,
  },
  {
    name: 'zone.js-like Promise, setTimeout and addEventListener wrappers (before load)',
    before: (win) => {
      const NativePromise = win.Promise;
      class ZoneAwarePromise<T> extends NativePromise<T> {}
      win.Promise = ZoneAwarePromise as unknown as PromiseConstructor;
      const nativeTimeout = win.setTimeout;
      win.setTimeout = ((handler: TimerHandler, ms?: number, ...args: unknown[]) =>
        nativeTimeout(handler, ms, ...args)) as typeof setTimeout;
      const add = win.EventTarget.prototype.addEventListener;
      win.EventTarget.prototype.addEventListener = function (
        this: EventTarget,
        type: string,
        listener: EventListenerOrEventListenerObject | null,
        options?: boolean | AddEventListenerOptions,
      ) {
        add.call(this, type, listener, options);
      };
    },
    bites: (win) => win.Promise.name === 'ZoneAwarePromise',
  },
  {
    name: 'Promise replaced after load by one whose then never settles',
    after: (win) => {
      const Native = win.Promise;
      win.Promise = class StuckPromise<T> extends Native<T> {
        // A promise that never settles: the executor is never called.
        constructor(_executor: (resolve: (v: T) => void, reject: (e: unknown) => void) => void) {
          super(() => undefined);
        }
      } as unknown as PromiseConstructor;
    },
    bites: (win) => win.Promise.name === 'StuckPromise',
  },
  {
    name: 'Document methods and Node.prototype.contains replaced after load',
    after: (win) => {
      win.Document.prototype.createElement = () => {
        throw new Error('createElement disabled by the page');
      };
      win.Document.prototype.getElementById = () => null;
      win.Document.prototype.querySelectorAll = () => win.document.createDocumentFragment().querySelectorAll('x');
      win.Node.prototype.contains = () => false;
    },
    bites: (win) => {
      try {
        win.document.createElement('div');
        return false;
      } catch {
        return true;
      }
    },
  },
  freeze(['HTMLInputElement', 'HTMLTextAreaElement', 'HTMLSelectElement', 'HTMLFormElement']),
  freeze(['CSSStyleSheet', 'Element', 'ShadowRoot', 'Document', 'Node', 'EventTarget']),
  freeze(['Object', 'Array', 'Function'], 'before'),
];
