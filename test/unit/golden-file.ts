/**
 * Compares rendered output with a file under test/unit/golden/. After an intended wording change,
 * run with UPDATE_GOLDEN=1 to write the files anew, then read the diff before committing.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const GOLDEN_DIR = path.join(__dirname, 'golden');

/** Expects `actual` to equal golden/<file>; writes it instead under UPDATE_GOLDEN=1. */
export function expectGolden(file: string, actual: string): void {
  const target = path.join(GOLDEN_DIR, file);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, actual);
  }
  if (!existsSync(target)) throw new Error(`no golden file ${file}: run with UPDATE_GOLDEN=1 to write it`);
  expect(actual).toBe(readFileSync(target, 'utf8'));
}
