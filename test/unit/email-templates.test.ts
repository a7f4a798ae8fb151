/**
 * Golden files for every email template: the subject, text and HTML rendered from example data.
 * After an intended wording change, run with UPDATE_GOLDEN=1 to write them anew, then read the
 * diff before committing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sampleNoticeVariables } from '../../src/notices/sample-variables';
import { NOTICE_VARIABLE_PATHS, TemplateLibrary } from '../../src/notices/template-library';

const library = new TemplateLibrary();
const GOLDEN = path.join(__dirname, 'golden', 'email');

function golden(file: string, actual: string): void {
  const target = path.join(GOLDEN, file);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(target)) {
    if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`no golden file ${file}: run with UPDATE_GOLDEN=1 to write it`);
    writeFileSync(target, actual);
  }
  expect(actual).toBe(readFileSync(target, 'utf8'));
}

test('the library holds the playbook notices', () => {
  expect(library.names()).toEqual(['escalation-notice', 'final-notice', 'reminder-past-due', 'reminder-past-due-details', 'reminder-upcoming']);
});

const TONES = ['friendly', 'neutral', 'firm'];
/** Each template's default wording (rendered in a tone it has no variant for) and each tone variant. */
const renderings = library.names().flatMap((name) => {
  const variants = library.tonesOf(name);
  const plainTone = TONES.find((tone) => !variants.includes(tone)) as string;
  return [[name, plainTone, name], ...variants.map((tone) => [name, tone, `${name}.${tone}`])];
});

test('tone variants exist where the wording must change', () => {
  expect(library.tonesOf('final-notice')).toEqual(['neutral']);
  expect(library.tonesOf('reminder-past-due-details')).toEqual(['firm']);
});

test.each(renderings)('%s in the %s tone renders as its golden files (%s)', (name, tone, file) => {
  const email = library.render(name, sampleNoticeVariables(tone));
  golden(`${file}.txt`, `Subject: ${email.subject}\n\n${email.text}`);
  golden(`${file}.html`, email.html);
});

test.each(library.names())('%s reads only variables the engine provides', (name) => {
  expect(library.unknownVariables(name)).toEqual([]);
});

test('every provided variable is one the sample data fills', () => {
  const sample = sampleNoticeVariables() as unknown as Record<string, unknown>;
  const has = (variable: string) => variable.replace('[]', '.0').split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], sample) !== undefined;
  expect([...NOTICE_VARIABLE_PATHS].filter((variable) => !has(variable))).toEqual([]);
});

test('HTML escapes customer-controlled text; plain text keeps it as written', () => {
  const variables = sampleNoticeVariables();
  variables.customer.name = 'Smith & <Sons>';
  const email = library.render('reminder-past-due', variables);
  expect(email.text).toContain('Hi Smith & <Sons>,');
  expect(email.html).toContain('Smith &amp; &lt;Sons&gt;');
});

test('a missing variable fails the render instead of sending a blank', () => {
  const variables = sampleNoticeVariables() as unknown as Record<string, unknown>;
  delete variables.paymentLink;
  expect(() => library.render('reminder-upcoming', variables as never)).toThrow(/paymentLink/);
});
