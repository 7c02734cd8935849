/**
 * The customer's session bundle at start (what Allow loads: the entry and the
 * chunks it imports statically) carries no remote-control code; that code is a
 * chunk of its own, reached only by a dynamic import (issue #18,
 * client/session/remote-control.ts). Built with scripts/build.mjs's own options
 * for the session bundle; which modules are remote control's, and the strings
 * only they carry, are this test's own list.
 */
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundles, splitOptions } from '../../scripts/build.mjs';

const root = join(import.meta.dirname, '..', '..');

/** Modules only remote control needs (the agent's clicks, keys and typing). */
const REMOTE_CONTROL_MODULES = [
  'client/session/remote-input.ts',
  'client/session/remote-actions.ts',
  'client/session/action-runner.ts',
  'client/session/field-selection.ts',
  'client/session/field-splice.ts',
  'client/session/key-table.ts',
  'client/session/edit-events.ts',
  'client/session/focus-hold.ts',
  'client/session/navigation-guard.ts',
];

/** String literals of those modules that nothing else in the session has (an event type, a key code, a refusal). */
const REMOTE_CONTROL_MARKERS = ['insertReplacementText', 'NumpadEnter', 'requestSubmit', 'compositionend'];

interface Split {
  outputs: esbuild.Metafile['outputs'];
  textOf(path: string): string;
  entry: string;
  atStart: Set<string>;
}

let split: Split;

/** `from` and every output it imports statically, at any depth. */
function staticClosure(outputs: esbuild.Metafile['outputs'], from: string, seen = new Set<string>()): Set<string> {
  if (seen.has(from)) return seen;
  seen.add(from);
  for (const imported of outputs[from]?.imports ?? [])
    if (imported.kind === 'import-statement' && outputs[imported.path]) staticClosure(outputs, imported.path, seen);
  return seen;
}

beforeAll(async () => {
  const session = bundles.find((bundle) => bundle.entry === 'client/session-entry.ts');
  if (!session) throw new Error('scripts/build.mjs has no session bundle');
  const outfile = join(root, 'dist', 'unused', 'cobrowse-session.js');
  const result = await esbuild.build({
    ...session.options,
    ...(session.split ? splitOptions(outfile) : { outfile }),
    absWorkingDir: root,
    entryPoints: [join(root, session.entry)],
    bundle: true,
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint !== undefined);
  if (!entry) throw new Error('no entry output');
  split = {
    outputs,
    entry,
    atStart: staticClosure(outputs, entry),
    textOf: (path) => result.outputFiles.find((file) => file.path === join(root, path))?.text ?? '',
  };
}, 60_000);

describe('session bundle at start', () => {
  it('holds none of the remote-control modules; the chunk reached by a dynamic import holds them all (control)', () => {
    const inputsOf = (paths: Iterable<string>): Set<string> =>
      new Set(
        [...paths].flatMap((path) =>
          Object.entries(split.outputs[path]?.inputs ?? {})
            .filter(([, input]) => input.bytesInOutput > 0)
            .map(([input]) => input),
        ),
      );
    const atStart = inputsOf(split.atStart);
    expect(REMOTE_CONTROL_MODULES.filter((module) => atStart.has(module))).toEqual([]);
    // The capture is there (the check reads the right files).
    expect(atStart.has('client/capture/capture-engine.ts')).toBe(true);
    const lazy = [...split.atStart].flatMap((path) =>
      (split.outputs[path]?.imports ?? []).filter((i) => i.kind === 'dynamic-import').map((i) => i.path),
    );
    expect(lazy).toHaveLength(1);
    const chunk = inputsOf(staticClosure(split.outputs, lazy[0] ?? ''));
    expect(REMOTE_CONTROL_MODULES.filter((module) => !chunk.has(module))).toEqual([]);
    // Served like the entry, cross-origin (signaling/app.ts sends any cobrowse*.js so), beside it.
    expect(lazy[0]).toMatch(/^dist\/unused\/cobrowse-[^/]+\.js$/);
  });

  it("its text has none of remote control's strings; the chunk's has them all (control)", () => {
    const start = [...split.atStart].map((path) => split.textOf(path)).join('\n');
    expect(start.length).toBeGreaterThan(100_000);
    expect(REMOTE_CONTROL_MARKERS.filter((marker) => start.includes(marker))).toEqual([]);
    const chunks = Object.keys(split.outputs).filter((path) => path.endsWith('.js') && !split.atStart.has(path));
    const later = chunks.map((path) => split.textOf(path)).join('\n');
    expect(REMOTE_CONTROL_MARKERS.filter((marker) => !later.includes(marker))).toEqual([]);
  });

  it('no chunk generates code at run time (strict CSP pages: no eval, no new Function)', () => {
    for (const path of Object.keys(split.outputs).filter((p) => p.endsWith('.js'))) {
      const text = split.textOf(path);
      expect(text.length, path).toBeGreaterThan(0);
      expect(text, path).not.toMatch(/new Function\b|\beval\(/);
    }
  });
});
