// Test only: the fidelity suite's React and Vue apps (test/browser/fidelity/apps/), bundled
// with esbuild as their authors would ship them: production builds of React and Vue from
// node_modules (Vue's full build, which compiles templates at run time). Built once per run
// when the customer's page first asks for them (about 0.3 s each), served in place of the file.
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const APPS = new Set(['/test/browser/fidelity/apps/react-app', '/test/browser/fidelity/apps/vue-app']);

export function appBundles(root) {
  const built = new Map();
  const bundle = (entry) => {
    let output = built.get(entry);
    if (!output) {
      output = esbuild
        .build({
          absWorkingDir: root,
          entryPoints: [join(root, `${entry.slice(1)}.ts`)],
          bundle: true,
          write: false,
          format: 'esm',
          platform: 'browser',
          target: 'es2022',
          minify: true,
          logLevel: 'warning',
          alias: { vue: join(root, 'node_modules/vue/dist/vue.esm-bundler.js') },
          define: {
            'process.env.NODE_ENV': '"production"',
            __VUE_OPTIONS_API__: 'true',
            __VUE_PROD_DEVTOOLS__: 'false',
            __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
          },
        })
        .then((result) => result.outputFiles[0].text);
      built.set(entry, output);
    }
    return output;
  };
  return {
    name: 'fidelity-app-bundles',
    async serve(context) {
      const entry = context.path.replace(/\.(ts|js)$/, '');
      if (!APPS.has(entry)) return undefined;
      return { body: await bundle(entry), type: 'js' };
    },
  };
}
