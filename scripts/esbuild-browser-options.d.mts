/** Types for esbuild-browser-options.mjs (spread into esbuild's BuildOptions). */
import type { Plugin } from 'esbuild';

export declare const browserBundleOptions: {
  platform: 'browser';
  format: 'esm';
  target: string;
  define: Record<string, string>;
  plugins: Plugin[];
};

export declare const EAGER_COMPILE_BANNER: { js: string };
export declare const AGENT_CONSOLE_BANNER: { js: string };
