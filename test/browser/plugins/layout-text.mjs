// `executeServerCommand('cobrowse-layout-text')`: the text of every layout object of every document in the
// test's page (frames included), as Chromium laid it out: CDP DOMSnapshot.captureSnapshot, so generated content
// is there as shown (a `counter()` as its digits, `var()` resolved), read from the engine's layout tree, not
// from any of our code. Returns [{ url, texts, shown }] per document (url: its documentURL; texts in the
// snapshot's layout order, where an element's ::after comes before its children; shown: the texts joined in
// rendering order, ::marker then ::before first and ::after last among an element's children).
export function layoutTextCommand() {
  return {
    name: 'cobrowse-layout-text',
    async executeCommand({ command, session }) {
      if (command !== 'cobrowse-layout-text') return undefined;
      const page = session.browser.getPage(session.id);
      const cdp = await page.context().newCDPSession(page);
      try {
        const { documents, strings } = await cdp.send('DOMSnapshot.captureSnapshot', { computedStyles: [] });
        return documents.map((doc) => ({
          url: strings[doc.documentURL] ?? '',
          texts: doc.layout.text.filter((index) => index >= 0).map((index) => strings[index]),
          shown: shownText(doc, strings),
        }));
      } finally {
        await cdp.detach();
      }
    },
  };
}

/** A document's layout texts joined in rendering order (the DOM tree with each element's pseudo-elements in place). */
function shownText(doc, strings) {
  const parents = doc.nodes.parentIndex ?? [];
  const pseudo = new Map();
  const types = doc.nodes.pseudoType ?? { index: [], value: [] };
  types.index.forEach((node, i) => pseudo.set(node, strings[types.value[i]]));
  const marker = new Map();
  const before = new Map();
  const children = new Map();
  const after = new Map();
  parents.forEach((parent, node) => {
    if (parent < 0) return;
    const kind = pseudo.get(node);
    const into = kind === 'marker' ? marker : kind === 'before' ? before : kind === 'after' ? after : children;
    if (!into.has(parent)) into.set(parent, []);
    into.get(parent).push(node);
  });
  const texts = new Map();
  doc.layout.nodeIndex.forEach((node, i) => {
    const text = doc.layout.text[i];
    if (text === undefined || text < 0) return;
    if (!texts.has(node)) texts.set(node, []);
    texts.get(node).push(strings[text]);
  });
  let shown = '';
  const stack = parents
    .map((parent, node) => (parent < 0 ? node : -1))
    .filter((node) => node >= 0)
    .reverse();
  while (stack.length > 0) {
    const node = stack.pop();
    shown += (texts.get(node) ?? []).join('');
    const next = [
      ...(marker.get(node) ?? []),
      ...(before.get(node) ?? []),
      ...(children.get(node) ?? []),
      ...(after.get(node) ?? []),
    ];
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
  }
  return shown;
}
