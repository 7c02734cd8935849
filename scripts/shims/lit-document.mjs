/**
 * The `document` lit-html renders with in our browser bundles (see
 * lit-pristine-document.mjs): a private, inert HTML document of our own, so
 * that `<img name="createElement">` in the page (DOM clobbering of the page's
 * document) cannot stop our elements (the consent prompt above all) from
 * rendering. The five methods lit-html calls are its own properties, bound to
 * the prototype methods as they were at load, so a page that later replaces
 * `Document.prototype.importNode` cannot either. Nodes made here are adopted
 * into the page's document when Lit inserts them into our shadow root.
 */
const proto = Document.prototype;
const { createElement, createTextNode, createComment, importNode, createTreeWalker } = proto;
const implementation = Object.getOwnPropertyDescriptor(proto, 'implementation').get.call(document);
const inert = DOMImplementation.prototype.createHTMLDocument.call(implementation, '');

Object.defineProperties(inert, {
  createElement: { value: (tag) => createElement.call(inert, tag) },
  createTextNode: { value: (data) => createTextNode.call(inert, data) },
  createComment: { value: (data) => createComment.call(inert, data) },
  importNode: { value: (node, deep) => importNode.call(inert, node, deep) },
  createTreeWalker: { value: (root, whatToShow) => createTreeWalker.call(inert, root, whatToShow) },
});

export const litDocument = inert;
