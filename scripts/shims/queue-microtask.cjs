/**
 * queue-microtask for simple-peer in browser bundles. The package binds the
 * page's `queueMicrotask` when the session bundle loads, by which time a page
 * may have replaced it (analytics, zone.js) with one that never runs the
 * callback. This one chains on a promise made by an async function, whose
 * `then` is the engine's own, whatever the page did to `window.Promise` or
 * `window.queueMicrotask`.
 */
'use strict';

const settled = (async () => undefined)();
const then = Object.getPrototypeOf(settled).then;

module.exports = function queueMicrotask(callback) {
  then.call(settled, () => callback());
};
