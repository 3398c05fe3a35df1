// The linter enforces what reviewers would otherwise have to remember (STYLE habits 9 and 18).
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'db/migrations/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A forgotten await on an activity or a DB write is a real bug.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code must be deterministic: no I/O, no environment, no Node built-ins, and activities
    // only as types (their code must not enter the workflow bundle).
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows must not use Node built-ins (determinism).' })),
          patterns: [
            { group: ['**/activities/*', '**/db/*', '**/learning/*'], allowTypeImports: true, message: 'Workflows import activities, db and learning as types only.' },
            { group: ['**/config/*', 'got', 'better-sqlite3', 'drizzle-orm', 'drizzle-orm/*', 'pino', 'sharp'], message: 'Workflows do no I/O and do not read the environment.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'Workflows do not read the environment.' }, { name: 'fetch', message: 'Workflows do no I/O.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use workflow uuid4() or a seeded RNG.' }],
    },
  },
);
