import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layers of docs/architecture.md, as import boundaries: each zone forbids the files in
 * `target` to import those in `from`. Type-only imports count too, since a type that has to be
 * imported from above is a type in the wrong place.
 */
const EDGES = ['run', 'collect', 'store', 'github', 'report', 'pipeline', 'commands', 'action'];
const FACES = ['pipeline', 'commands', 'action', 'sweep', 'cli.ts', 'main.ts', 'index.ts'];
const src = (name) => `./src/${name}`;
const LAYER_ZONES = [
  // The two faces share only what lies below them, in pipeline/.
  { target: src('commands'), from: [src('action'), src('main.ts'), src('cli.ts')] },
  { target: src('action'), from: [src('commands'), src('cli.ts')] },
  // A command never borrows from another: what two commands share lives in commands/args.ts.
  { target: src('commands'), from: src('commands'), except: ['./args.ts', './types.ts'] },
  // Nothing below the application layer imports it or the faces.
  ...[
    'run',
    'collect',
    'store',
    'github',
    'report',
    'config',
    'compare',
    'stats',
    'results',
    'formats',
    'dashboard',
    'shard',
  ].map((layer) => ({ target: src(layer), from: FACES.map(src) })),
  // The core is pure: no edge, nothing that touches the world.
  ...['stats', 'compare'].map((layer) => ({ target: src(layer), from: EDGES.map(src) })),
  // stats/ is the bottom: only its own files and the error classes.
  { target: src('stats'), from: './src', except: ['./stats', './errors.ts'] },
  // The config schema is the leaf the other layers take their types from.
  {
    target: src('config'),
    from: [...EDGES, 'compare', 'formats'].map(src),
  },
  // Collectors are what run/ attaches to a trial: their types live in collect/, not in run/.
  { target: src('collect'), from: src('run') },
  // results/ is the data format itself; the importers of other formats build on it.
  {
    target: src('results'),
    from: './src',
    except: [
      './results',
      './errors.ts',
      './text.ts',
      './schemaIssue.ts',
      './files.ts',
      './json.ts',
    ],
  },
];

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'perfgate-out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // The dashboard's page script runs in the reader's browser, not in Node.
  {
    files: ['src/dashboard/site/**/*.js'],
    languageOptions: { globals: { ...globals.browser }, sourceType: 'script' },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    // Resolves `./x.js` to `./x.ts` through eslint-import-resolver-typescript.
    settings: importX.flatConfigs.typescript.settings,
    rules: {
      // Type-only imports are not followed by no-cycle; the zones above catch upward ones.
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: LAYER_ZONES }],
    },
  },
);
