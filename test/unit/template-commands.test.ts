/** `template list` and `template preview` from the command line: what they print and their exit codes. */
import { runTemplateCommand } from '../../src/cli/template-commands';

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { out += String(chunk); return true; });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => { err += String(chunk); return true; });
  try {
    return { code: runTemplateCommand(args), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

test('list prints every template with its kind', () => {
  const { code, out } = run(['list']);
  expect(code).toBe(0);
  expect(out).toMatch(/^NAME +KIND +TONES\n/);
  expect(out).toMatch(/\nfinal-notice +email +own wording: friendly, neutral\n/);
  expect(out).toMatch(/\ncall-120-days +call-script +text only/);
  expect(out).toMatch(/\nsettlement-offer +letter /);
});

test('preview prints an email in a tone as text, HTML or JSON', () => {
  expect(run(['preview', 'final-notice', '--tone', 'firm']).out).toMatch(/^Subject: FINAL NOTICE — overdue invoice #2026-1042\n\nHi Acme Manufacturing,/);
  expect(run(['preview', 'final-notice', '--format', 'html']).out).toMatch(/^<!doctype html>/);
  expect(JSON.parse(run(['preview', 'settlement-offer', '--format', 'json']).out)).toMatchObject({ kind: 'letter', subject: expect.stringContaining('$8,685.00') });
  expect(run(['preview', 'call-30-days']).out).toMatch(/^CALL SCRIPT: 31 TO 60 DAYS PAST DUE/);
  // A call script has no HTML of its own: its page is the text, escaped and preformatted.
  expect(run(['preview', 'call-30-days', '--format', 'html']).out).toMatch(/^<!doctype html>[\s\S]*<pre>CALL SCRIPT: 31 TO 60 DAYS PAST DUE/);
});

test('unknown templates, tones and formats fail with a reason', () => {
  expect(run(['preview', 'nope'])).toMatchObject({ code: 1, err: expect.stringContaining('no template "nope"') });
  expect(run(['preview', 'final-notice', '--tone', 'rude'])).toMatchObject({ code: 2, err: expect.stringContaining('--tone') });
  expect(run(['preview'])).toMatchObject({ code: 2, err: expect.stringContaining('usage: template list') });
});
