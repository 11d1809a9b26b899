// ESLint flat config for the whole monorepo.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Libraries that perform I/O; domain code must stay pure (conventions: deciders are pure). */
const ioLibraries = [
  'pg', 'pg-*', 'mongodb', '@kurrent/*', '@eventstore/*', '@nats-io/*', 'nats', 'express', 'express-*',
  'fs', 'node:fs', 'fs/*', 'node:fs/*', 'http', 'node:http', 'https', 'node:https', 'net', 'node:net',
  'child_process', 'node:child_process', 'dgram', 'node:dgram', 'undici', 'axios',
  '@opentelemetry/*', 'pino', 'pino-*',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '.tools/**', 'load-tests/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', structuredClone: 'readonly', performance: 'readonly', setImmediate: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use string-literal unions (as const) instead of enums.' }],
    },
  },
  {
    files: ['**/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ioLibraries, message: 'src/domain/** must be free of I/O: move this to src/adapters or src/app.' }],
      }],
    },
  },
);
