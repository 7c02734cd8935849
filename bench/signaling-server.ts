/**
 * The signaling server alone in a child process, so its resident memory is
 * measured without the load generator's. Reports its port, then answers
 * 'rss' requests over IPC until told to stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../signaling/app.js';
import { loadConfig } from '../signaling/config.js';

const dataDir = mkdtempSync(join(tmpdir(), 'cobrowse-bench-signaling-'));
const config = loadConfig({
  ...process.env,
  DATA_DIR: dataDir,
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  DEMO: 'false',
});
const app = await build({ config, logger: false, staticDir: join(dataDir, 'no-static') });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('no TCP port');
config.publicUrl = `http://127.0.0.1:${address.port}`;

process.on('message', (message: unknown) => {
  if (message === 'rss') {
    process.send?.({ rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed });
  } else if (message === 'stop') {
    void app.close().finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  }
});
process.send?.({ port: address.port });
