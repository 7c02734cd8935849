/** Types for esbuild-aliases.mjs (spread into esbuild's BuildOptions). */
export declare const BROWSER_ALIASES: Readonly<Record<string, string>>;
export declare const BROWSER_BANNER: Readonly<{ js: string }>;
export declare const BROWSER_BUILD_OPTIONS: Readonly<{
  alias: Readonly<Record<string, string>>;
  banner: Readonly<{ js: string }>;
  plugins: import('esbuild').Plugin[];
}>;
