// `executeServerCommand('cobrowse-layout-text')`: the text of every layout object of every document in the
// test's page (frames included), as Chromium laid it out: CDP DOMSnapshot.captureSnapshot, so generated content
// is there as shown (a `counter()` as its digits, `var()` resolved), read from the engine's layout tree, not
// from any of our code. Returns [{ url, texts }] per document (url: its documentURL).
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
        }));
      } finally {
        await cdp.detach();
      }
    },
  };
}
