import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// Workflow code is replayed in Temporal's sandbox, so it imports from an allow-list and anything
// nobody thought to forbid is an error too. A regex, not gitignore `*` + `!…` groups: those cannot
// re-include ../contracts/x or @temporalio/workflow once their parent folder matched `*`.
const workflowImportsAllowed =
  "Workflows import only @temporalio/workflow, zod, ../contracts/…, other workflow files (./…) and activity types (import type … from '../activities'); everything else belongs in an activity.";
const workflowAllowList = /^(?!(?:@temporalio\/workflow|zod)$|\.\.\/contracts\/|\.\/|\.\.\/activities(?:\/|$))/;
// A path that climbs back out (./../platform, ../contracts/../agencies) would pass the prefixes above.
const climbsOut = /^\.\.?(?:\/[^/]*)*?\/\.\.(?:\/|$)/;

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
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `${workflowAllowList.source}|${climbsOut.source}`,
              caseSensitive: true,
              message: workflowImportsAllowed,
            },
            {
              regex: /^\.\.\/activities(?:\/|$)/.source,
              caseSensitive: true,
              allowTypeImports: true,
              message:
                "Workflows import activities as types only (import type { createActivities } from '../activities') and call them through proxyActivities.",
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression',
          message: `A dynamic import() escapes the allow-list. ${workflowImportsAllowed}`,
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
