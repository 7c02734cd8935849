/**
 * Browser stand-in for the npm `debug` package, for simple-peer only (see
 * simple-peer-shims.mjs). The product never turns simple-peer's logging on in
 * a customer's page, so every logger is a no-op (the real package and its `ms`
 * dependency are about 6 KB minified). To read simple-peer's logs, use the
 * Node tests, which load the real package.
 */
'use strict';

function createDebug(namespace) {
  const log = () => {};
  log.namespace = namespace;
  log.enabled = false;
  log.extend = (suffix) => createDebug(`${namespace}:${suffix}`);
  return log;
}
createDebug.enable = () => {};
createDebug.disable = () => '';
createDebug.enabled = () => false;

module.exports = createDebug;
