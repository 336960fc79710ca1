// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // each file is checked with the tsconfig.json nearest to it, as `tsc -p` in its package sees it
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { patterns: ['rxjs/internal/*'] }],
      // off: an async function without await is how code hands over a Promise-returning callback or an async
      // iterable (a source, a clean-up step); the promise rules below still catch promises that are dropped
      '@typescript-eslint/require-await': 'off',
      // an RxJS `error` callback receives `unknown`; passing it on unchanged keeps the error's class and code
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    files: ['**/test/**', '**/*.test.ts', '**/*.test.tsx'],
    rules: {
      // off in tests: vitest's asymmetric matchers (expect.any, expect.stringMatching, …) are typed `any`
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  // plain JavaScript (this file, scripts) is in no tsconfig: lint it without types
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
);
