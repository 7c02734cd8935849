/** Entry point: read the environment, build the app, listen, print where to go. */
import { build } from './app.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const app = await build({ config });
  await app.listen({ port: config.port, host: config.host });
  const base = config.publicUrl;
  process.stdout.write(
    [
      '',
      'Co-browsing server is running.',
      `  Health:        ${base}/healthz`,
      `  Agent console: ${base}/agent/`,
      `  Customer embed script: ${base}/cobrowse.js`,
      `  Audit data:    ${config.dataDir}`,
      ...(config.demo
        ? [
            '',
            'Try the demo (open both, side by side):',
            `  Customer shop: ${base}/demo/`,
            `  Agent desk:    ${base}/demo/desk/`,
            '  (The demo endpoints are unauthenticated; set DEMO=false in production.)',
          ]
        : ['', 'Demo off (DEMO=true turns it on; by default it runs only on a loopback HOST).']),
      '',
    ].join('\n') + '\n',
  );
  const stop = (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  // A failed connection is explained in one line; anything else keeps its stack.
  const text =
    err instanceof Error
      ? err.message.startsWith('Could not connect')
        ? err.message
        : (err.stack ?? err.message)
      : String(err);
  process.stderr.write(`Failed to start: ${text}\n`);
  process.exit(1);
});
