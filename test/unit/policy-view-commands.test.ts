/** `policy checklist|diagram <file>` print the same views as the API, from a policy file. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderPolicyFile } from '../../src/cli/policy-commands';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { policyChecklist } from '../../src/domain/policy/policy-checklist';
import { policyDiagram } from '../../src/domain/policy/policy-diagram';
import { scratchDir } from '../support/scratch';

const dir = scratchDir('policy-views-');
const file = path.join(dir, 'policy.json');
writeFileSync(file, JSON.stringify(DEFAULT_POLICY));
const broken = path.join(dir, 'broken.json');
writeFileSync(broken, JSON.stringify({ ...DEFAULT_POLICY, agingBuckets: [] }));

function run(view: 'checklist' | 'diagram', args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { out += String(chunk); return true; });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => { err += String(chunk); return true; });
  try {
    return { code: renderPolicyFile(view, args), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

test('the checklist of one segment and the diagram of all, as the API renders them', () => {
  expect(run('checklist', [file, '--segment', 'smb'])).toEqual({ code: 0, out: policyChecklist(DEFAULT_POLICY, 'smb'), err: '' });
  expect(run('diagram', [file])).toEqual({ code: 0, out: policyDiagram(DEFAULT_POLICY, undefined), err: '' });
});

test('an unknown segment, a missing file argument and a refused policy fail with a reason', () => {
  expect(run('diagram', [file, '--segment', 'martian'])).toMatchObject({ code: 1, err: expect.stringContaining('--segment strategic|enterprise|smb|government|international') });
  expect(run('checklist', [])).toMatchObject({ code: 1, err: expect.stringContaining('usage: policy checklist') });
  expect(run('checklist', [broken])).toMatchObject({ code: 1, out: expect.stringContaining('error  agingBuckets') });
});
