// `npm test`: type-check, build, then every suite (node, browser); prints one closing
// line "N passed, N failed" over all suites and exits non-zero if anything failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const scratch = mkdtempSync(join(tmpdir(), 'cobrowse-test-run-'));
let passed = 0;
let failed = 0;
let broken = false;

function run(label, command, args, { capture = false } = {}) {
  console.log(`\n=== ${label}`);
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    env: process.env,
    encoding: 'utf8',
  });
  if (capture && result.stdout) process.stdout.write(result.stdout);
  console.log(
    `=== ${label}: ${result.status === 0 ? 'ok' : `FAILED (exit ${result.status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (result.status !== 0) broken = true;
  return result;
}

// Type-aware lint first (.oxlintrc.json: no floating promises, exhaustive switches, no unused code, ...).
run('lint (oxlint, type-aware)', bin('oxlint'), [
  '--type-aware',
  '--deny-warnings',
  'agent',
  'client',
  'shared',
  'signaling',
  'sdk',
  'scripts',
  'bench',
  'test',
]);
run('format check (prettier)', bin('prettier'), ['--check', '.', '--log-level', 'warn']);
run('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
run('build', process.execPath, [join(root, 'scripts', 'build.mjs')]);

const vitestJson = join(scratch, 'vitest.json');
run('node tests (vitest)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
try {
  const report = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
} catch {
  broken = true;
  console.log('node tests: no report (the run crashed)');
}

const wtr = run(
  'browser tests (web-test-runner, Chromium)',
  bin('web-test-runner'),
  ['--config', 'web-test-runner.config.mjs'],
  { capture: true },
);
const matches = [...(wtr.stdout ?? '').matchAll(/(\d+) passed, (\d+) failed/g)];
const last = matches.at(-1);
if (last) {
  passed += Number(last[1]);
  failed += Number(last[2]);
} else {
  broken = true;
  console.log('browser tests: no summary line (the run crashed)');
}

const e2eJson = join(scratch, 'e2e.json');
run('end-to-end tests (two Chromium browsers, real server, real WebRTC)', bin('vitest'), [
  'run',
  '-c',
  'vitest.e2e.config.ts',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${e2eJson}`,
]);
try {
  const report = JSON.parse(readFileSync(e2eJson, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
} catch {
  broken = true;
  console.log('end-to-end tests: no report (the run crashed)');
}

console.log('');
console.log(`${passed} passed, ${failed} failed`);
process.exit(broken || failed > 0 ? 1 : 0);
