/**
 * Golden files for every email template in every tone: the subject, text and HTML rendered from
 * example data (see golden-file.ts to rewrite them after an intended wording change).
 */
import { sampleNoticeVariables } from '../../src/notices/sample-variables';
import { NOTICE_VARIABLE_PATHS, TemplateLibrary } from '../../src/notices/template-library';
import { TONES } from '../../src/domain/policy/schema';
import { expectGolden } from './golden-file';

const library = new TemplateLibrary();

test('the library holds the playbook notices', () => {
  expect(library.names()).toEqual(['escalation-notice', 'final-notice', 'installment-reminder', 'reminder-past-due', 'reminder-past-due-details', 'reminder-upcoming']);
});

test('each notice words at least two tones differently, so no tone reads like another step', () => {
  expect(Object.fromEntries(library.names().map((name) => [name, library.tonesOf(name)]))).toEqual({
    'escalation-notice': ['friendly', 'neutral'],
    'final-notice': ['friendly', 'neutral'],
    'installment-reminder': ['firm', 'neutral'],
    'reminder-past-due': ['firm', 'neutral'],
    'reminder-past-due-details': ['firm', 'friendly'],
    'reminder-upcoming': ['firm', 'neutral'],
  });
});

const renderings = library.names().flatMap((name) => TONES.map((tone) => [name, tone]));

test.each(renderings)('%s in the %s tone renders as its golden files', (name, tone) => {
  const email = library.render(name, sampleNoticeVariables(tone));
  expectGolden(`email/${name}.${tone}.txt`, `Subject: ${email.subject}\n\n${email.text}`);
  expectGolden(`email/${name}.${tone}.html`, email.html);
});

test.each(library.names())('the three tones of %s have three different bodies', (name) => {
  const texts = TONES.map((tone) => library.render(name, sampleNoticeVariables(tone)).text);
  expect(new Set(texts).size).toBe(3);
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

test('late charges are listed line by line in notices that state a balance, and left out when there are none', () => {
  const charged = library.render('final-notice', sampleNoticeVariables('firm'));
  expect(charged.text).toContain('Charges for late payment:\nInterest (1.5% per month): $112.50\nLate fee: $25.00\n');
  expect(charged.html).toContain('Late fee: $25.00');
  for (const name of library.names()) {
    const uncharged = library.render(name, { ...sampleNoticeVariables('firm'), charges: [] });
    expect(uncharged.text).not.toMatch(/charges|Late fee/i);
    expect(uncharged.text).not.toMatch(/\n\n\n/);
  }
  expect(library.render('reminder-upcoming', sampleNoticeVariables('neutral')).text).not.toContain('Late fee'); // not yet due
});

test('HTML escapes customer-controlled text; plain text keeps it as written', () => {
  const variables = sampleNoticeVariables();
  variables.customer.name = 'Smith & <Sons>';
  const email = library.render('reminder-past-due', variables);
  expect(email.text).toContain('Smith & <Sons>,');
  expect(email.html).toContain('Smith &amp; &lt;Sons&gt;');
});

test('a missing variable fails the render instead of sending a blank', () => {
  const variables = sampleNoticeVariables() as unknown as Record<string, unknown>;
  delete variables.paymentLink;
  expect(() => library.render('reminder-upcoming', variables as never)).toThrow(/paymentLink/);
});
