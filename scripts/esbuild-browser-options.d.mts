/** Types for esbuild-browser-options.mjs (spread into esbuild's BuildOptions). */
export declare const browserBundleOptions: {
  platform: 'browser';
  format: 'esm';
  target: string;
  define: Record<string, string>;
  inject: string[];
};
