/** Letters (payment plan agreement, settlement offer, legal and agency hand-offs): golden files and their own variables. */
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LETTER_VARIABLE_PATHS, type LetterName } from '../../src/notices/letter-variables';
import { sampleLetterVariables, sampleNoticeVariables } from '../../src/notices/sample-variables';
import { LETTERS_DIR, TemplateLibrary } from '../../src/notices/template-library';
import { expectGolden } from './golden-file';
import { scratchDir } from '../support/scratch';

const library = new TemplateLibrary();

test('the library holds the four letters, each declared with its own variables', () => {
  expect(library.letterNames()).toEqual(['agency-handoff', 'legal-handoff', 'payment-plan-agreement', 'settlement-offer']);
  expect(Object.keys(LETTER_VARIABLE_PATHS).sort()).toEqual(library.letterNames());
});

test.each(library.letterNames())('%s renders as its golden files', (name) => {
  const letter = library.renderLetter(name as LetterName, sampleLetterVariables());
  expectGolden(`letters/${name}.txt`, `Subject: ${letter.subject}\n\n${letter.text}`);
  expectGolden(`letters/${name}.html`, letter.html);
});

test.each(library.letterNames())('%s reads only the notice variables and its own', (name) => {
  expect(library.unknownLetterVariables(name)).toEqual([]);
});

test('the payment plan agreement lists every installment, its terms and both approval lines', () => {
  const { text } = library.renderLetter('payment-plan-agreement', sampleLetterVariables());
  expect(text).toContain('Installment 1: $3,216.67, due 2026-11-15\nInstallment 2: $3,216.67, due 2026-12-15\nInstallment 3: $3,216.66, due 2027-01-15\nTotal: $9,650.00');
  expect(text).toContain('Any missed installment voids this agreement');
  expect(text).toMatch(/Customer authorised by \(name, title\): _+/);
  expect(text).toMatch(/Finance approved by \(name, title\): _+/);
});

test('the settlement offer states the discount, the amount to pay and the deadline', () => {
  const { subject, text, html } = library.renderLetter('settlement-offer', sampleLetterVariables());
  expect(subject).toBe('Settlement offer: pay $8,685.00 by 2026-11-17 to close your balance of $9,650.00');
  expect(text).toContain('a discount of 10% ($965.00)');
  expect(html).toContain('Pay by: 2026-11-17');
});

test('hand-off letters show the invoices table and the total', () => {
  for (const name of ['legal-handoff', 'agency-handoff'] as const) {
    const { text, html } = library.renderLetter(name, sampleNoticeVariables());
    expect(text).toContain('Invoice #2026-1077: $2,150.00');
    expect(text).toContain('Total: $9,650.00');
    expect(html).toContain('<th align="right">$9,650.00</th>');
  }
});

test('a letter without its own variables fails instead of sending a blank', () => {
  expect(() => library.renderLetter('settlement-offer', sampleNoticeVariables() as never))
    .toThrow('template "settlement-offer" needs variable(s) it was not given: settlement');
});

test("a letter reading another letter's variables is reported", () => {
  const dir = scratchDir('letters-');
  cpSync(LETTERS_DIR, dir, { recursive: true });
  writeFileSync(path.join(dir, 'legal-handoff', 'body.hbs'), 'Pay {{settlement.amount}} of {{total}}.\n');
  expect(new TemplateLibrary(undefined, { letters: dir }).unknownLetterVariables('legal-handoff')).toEqual(['settlement.amount']);
});
