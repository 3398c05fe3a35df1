// The linter enforces what reviewers would otherwise have to remember: determinism in workflows,
// awaited promises, type-only imports, no import cycles, and the folder boundaries of STYLE.md
// (dependencies point one way: workers/ wires everything, nothing imports workers/).
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const folder = (name) => [`../${name}/*`, `../../${name}/*`, `../${name}/**`, `../../${name}/**`];

/** One no-restricted-imports rule per folder: which project folders it may not import. */
const boundary = (files, forbidden, message, extra = {}) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        ...(extra.paths ? { paths: extra.paths } : {}),
        patterns: [
          ...forbidden.map((f) => ({
            group: folder(f.name),
            ...(f.types ? { allowTypeImports: true } : {}),
            message: `${message} (${f.name}/${f.types ? ': types only' : ''})`,
          })),
          ...(extra.patterns ?? []),
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'db/migrations/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    plugins: { 'import-x': importX },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
      // Without these, import-x cannot read the .ts files it follows and sees no cycle at all.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
    },
    rules: {
      // A forgotten await on an activity or a DB write is a real bug.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A type is imported as a type, so no module is loaded (or bundled into workflows) for it.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  // Workflow code must be deterministic: no I/O, no environment, no Node built-ins, and activities
  // only as types (their code must not enter the workflow bundle).
  boundary(
    ['workflows/**/*.ts'],
    [
      { name: 'activities', types: true },
      { name: 'db', types: true },
      { name: 'learning', types: true },
      { name: 'config' },
      { name: 'workers' },
      { name: 'client' },
      { name: 'simulators' },
      { name: 'scripts' },
    ],
    'Workflows import only @temporalio/workflow, their own helpers, temporal-config and activity types',
    {
      paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows must not use Node built-ins (determinism).' })),
      patterns: [{ group: ['got', 'better-sqlite3', 'drizzle-orm', 'drizzle-orm/*', 'pino', 'sharp'], message: 'Workflows do no I/O.' }],
    },
  ),
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Workflows do not read the environment.' },
        { name: 'fetch', message: 'Workflows do no I/O.' },
      ],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use workflow uuid4() or a seeded RNG.' }],
    },
  },
  // Activities get their config injected; they never reach up into the wiring, the client or workflows.
  boundary(
    ['activities/**/*.ts'],
    [{ name: 'workers' }, { name: 'client' }, { name: 'workflows' }, { name: 'config' }, { name: 'simulators' }, { name: 'scripts' }],
    'Activities import db/, learning/, temporal-config/ and their ports',
  ),
  // The client talks to Temporal: workflow definitions and messages, never activities or the DB.
  boundary(
    ['client/**/*.ts'],
    [{ name: 'activities' }, { name: 'db' }, { name: 'workers' }, { name: 'simulators' }, { name: 'scripts' }, { name: 'learning' }],
    'The client imports workflows, temporal-config and config only',
  ),
  // Pure code: the learning core and the shared constants import no project layer above them.
  boundary(
    ['learning/**/*.ts'],
    [{ name: 'activities' }, { name: 'db' }, { name: 'workers' }, { name: 'client' }, { name: 'workflows' }, { name: 'config' }, { name: 'simulators' }],
    'learning/ is pure statistics',
    {
      patterns: [{ group: ['got', 'better-sqlite3', 'drizzle-orm', 'drizzle-orm/*', '@temporalio/*'], message: 'learning/ is pure: no I/O, no Temporal.' }],
    },
  ),
  boundary(
    ['temporal-config/**/*.ts'],
    [{ name: 'activities' }, { name: 'db' }, { name: 'workers' }, { name: 'client' }, { name: 'workflows' }, { name: 'config' }, { name: 'learning' }],
    'temporal-config/ holds shared constants only',
  ),
  // The report reads the DB and the learning core's scores; it is wired in by workers/ (the API) and its own CLI.
  boundary(
    ['report/**/*.ts'],
    [{ name: 'activities' }, { name: 'workers' }, { name: 'client' }, { name: 'workflows' }, { name: 'simulators' }, { name: 'scripts' }],
    'report/ draws from db/ and learning/',
  ),
  boundary(
    ['db/**/*.ts'],
    [{ name: 'activities' }, { name: 'workers' }, { name: 'client' }, { name: 'workflows' }, { name: 'config' }, { name: 'simulators' }],
    'db/ is the storage layer',
  ),
  boundary(
    ['config/**/*.ts'],
    [{ name: 'activities' }, { name: 'db' }, { name: 'workers' }, { name: 'client' }, { name: 'workflows' }, { name: 'simulators' }],
    'config/ reads and validates the environment only',
  ),
  // The simulators stand in for Kie.ai and Meta: they share nothing with the agent but its config.
  boundary(
    ['simulators/**/*.ts'],
    [{ name: 'activities' }, { name: 'db' }, { name: 'workers' }, { name: 'client' }, { name: 'workflows' }, { name: 'learning' }],
    'Simulators are independent of the agent',
  ),
  boundary(
    ['scripts/**/*.ts'],
    [{ name: 'activities' }, { name: 'db' }, { name: 'workers' }, { name: 'client' }, { name: 'workflows' }],
    'scripts/ install and start tools',
  ),
);
