/** Types for build.mjs (the bundle list and split options are read by test/node/session-bundle-lazy.test.ts). */
import type { BuildOptions } from 'esbuild';

export interface BrowserBundle {
  name: string;
  entry: string;
  outfile: string;
  options: BuildOptions;
  /** Split at the entry's dynamic imports (splitOptions). */
  split?: boolean;
}
export declare const bundles: readonly BrowserBundle[];
export declare function splitOptions(outfile: string): BuildOptions;
export declare function buildAll(): Promise<Record<string, number | null>>;
