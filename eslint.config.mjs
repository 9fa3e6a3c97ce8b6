// Lint with type information: floating promises are the classic event-store bug.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'data/', 'coverage/', 'node_modules/', '.ci/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      // Async implementations of an async port may finish synchronously; `async` still turns
      // their throws into rejections, which is what callers expect.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports only.' },
      ],
    },
  },
  {
    // The domain is pure: no I/O, no clock, nothing outside itself.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/eventstore/**',
                '**/http/**',
                '**/webhooks/**',
                '**/projections/**',
                '**/config',
                '**/logger',
                '**/main',
                '**/cli',
              ],
              message: 'src/domain imports nothing outside itself.',
            },
            {
              group: ['node:*', 'fs', 'path', 'http', 'crypto', 'pg', 'better-sqlite3', 'express'],
              message: 'src/domain does no I/O.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'Time arrives in the command.' },
        { name: 'parseFloat', message: 'Money and rates are exact: parseDecimal or parseMoney.' },
      ],
      // No binary floating point near money: amounts are bigint minor units, rates exact ratios.
      'no-restricted-properties': [
        'error',
        ...['round', 'floor', 'ceil', 'trunc', 'fround'].map((property) => ({
          object: 'Math',
          property,
          message: 'Round exact values with roundToInteger and the agreement’s rounding mode.',
        })),
        {
          property: 'toFixed',
          message: 'Format money with formatMoney, decimals with formatDecimal.',
        },
        {
          property: 'toPrecision',
          message: 'Format money with formatMoney, decimals with formatDecimal.',
        },
        {
          object: 'Number',
          property: 'parseFloat',
          message: 'Money and rates are exact: parseDecimal.',
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports only.' },
        {
          selector: 'Literal[raw=/^[0-9_]*\\.[0-9]/]',
          message:
            'A fractional number literal is binary floating point: write a decimal string and parseDecimal it.',
        },
      ],
    },
  },
  {
    // jest matchers such as expect.stringMatching are typed `any`.
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // jest loads its global hooks through a default export.
    files: ['tests/support/globalSetup.ts', 'tests/support/globalTeardown.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        module: 'writable',
        require: 'readonly',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
