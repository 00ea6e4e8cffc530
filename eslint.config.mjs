import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', '.bench/**', 'coverage/**', 'node_modules/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { module: 'writable', require: 'readonly' },
    },
  },
  {
    files: ['bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  // The layering of the README's architecture section: the core knows neither Slack nor HTTP nor the
  // store's engines, integrations know only the core, and the store implements the core's ports.
  // Relative patterns are per folder depth, so `../../*` from src/core/<feature>/ means "outside src/core".
  ...layer(['src/core/*.ts'], ['../*', '@slack/*', 'axios', 'kysely', 'pg', 'libsql']),
  ...layer(['src/core/*/*.ts'], ['../../*', '@slack/*', 'axios', 'kysely', 'pg', 'libsql']),
  ...layer(
    ['src/integrations/*.ts'],
    ['../*', '!../core', '!../core/**', '@slack/*', 'kysely', 'pg', 'libsql'],
  ),
  ...layer(
    ['src/integrations/*/*.ts'],
    ['../../*', '!../../core', '!../../core/**', '@slack/*', 'kysely', 'pg', 'libsql'],
  ),
  ...layer(['src/store/*.ts'], ['../*', '!../core', '!../core/**', '@slack/*', 'axios']),
  ...layer(['src/store/*/*.ts'], ['../../*', '!../../core', '!../../core/**', '@slack/*', 'axios']),
  // Listeners call core services; they never reach the store's implementation.
  ...layer(['src/slack/listeners/*.ts'], ['../../store', '../../store/**', 'kysely', 'pg', 'libsql']),
  ...layer(['src/slack/listeners/*/*.ts'], ['../../../store', '../../../store/**', 'kysely', 'pg', 'libsql']),
  prettier,
);

function layer(files, group) {
  return [
    {
      files,
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [{ group, message: 'This layer may not import that (see the README, Architecture).' }],
          },
        ],
      },
    },
  ];
}
