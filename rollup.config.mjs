// Bundles the two entry points that users run without a build step:
// dist/index.js (the GitHub Action, runs on node24) and dist/cli.js (the `perfgate` bin).
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The dashboard's site files (src/dashboard/assets.ts) travel inside the bundle: each
 * `inlineText('…')` call there becomes the text of the file it names, resolved as that module
 * would resolve it. A call left unreplaced would read from disk where dist/ has no files beside it.
 */
function inlineDashboardAssets() {
  const CALL = /\binlineText\(\s*'([^']+)'\s*,?\s*\)/g;
  return {
    name: 'inline-dashboard-assets',
    transform(code, id) {
      if (!id.endsWith(path.join('src', 'dashboard', 'assets.ts'))) return null;
      const replaced = code.replace(CALL, (_call, specifier) => {
        const file = specifier.startsWith('.')
          ? path.resolve(path.dirname(id), specifier)
          : createRequire(id).resolve(specifier);
        this.addWatchFile(file);
        return JSON.stringify(readFileSync(file, 'utf8'));
      });
      if (/\binlineText\(\s*'/.test(replaced)) this.error('an inlineText call was left unreplaced');
      return { code: replaced, map: null };
    },
  };
}

const plugins = () => [
  inlineDashboardAssets(),
  typescript({
    tsconfig: './tsconfig.json',
    include: ['src/**/*.ts'],
    noEmit: false,
    outDir: 'dist',
  }),
  nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
  commonjs(),
  json(),
];

// Third-party code trips warnings we cannot act on (zod's circular imports, misplaced
// annotations); our own code's warnings still surface.
function onwarn(warning, warn) {
  const inDependency = (warning.ids ?? [warning.id ?? '']).every((id) =>
    id?.includes('node_modules'),
  );
  if (
    inDependency &&
    ['CIRCULAR_DEPENDENCY', 'INVALID_ANNOTATION', 'THIS_IS_UNDEFINED', 'EVAL'].includes(
      warning.code,
    )
  )
    return;
  warn(warning);
}

export default [
  {
    input: 'src/index.ts',
    output: { file: 'dist/index.js', format: 'es', sourcemap: false, inlineDynamicImports: true },
    plugins: plugins(),
    onwarn,
  },
  {
    input: 'src/cli-entry.ts',
    output: {
      file: 'dist/cli.js',
      format: 'es',
      sourcemap: false,
      banner: '#!/usr/bin/env node',
      inlineDynamicImports: true,
    },
    plugins: plugins(),
    onwarn,
  },
];
