/**
 * `npm run test:cluster`: the engine on a real Temporal server on Postgres, worker and API as separate
 * processes (test/cluster). Same transform and per-run Postgres as the default suite, which leaves these out.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/cluster'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300_000,
  maxWorkers: 1,
};
