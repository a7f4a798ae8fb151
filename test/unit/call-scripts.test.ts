/** Collector call scripts per aging bucket: golden files, objection handling, and the variable check. */
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sampleNoticeVariables } from '../../src/notices/sample-variables';
import { CALL_SCRIPTS_DIR, TemplateLibrary } from '../../src/notices/template-library';
import { expectGolden } from './golden-file';
import { scratchDir } from '../support/scratch';

const library = new TemplateLibrary();
const OBJECTIONS = ['Already paid:', 'Dispute:', 'Cash-flow trouble:', 'Need approval:', 'No invoice received:', 'Call back later:'];

test('there is one call script per aging bucket, in bucket order', () => {
  expect(library.callScriptIds()).toEqual(['call-30-days', 'call-60-days', 'call-90-days', 'call-120-days']);
});

test.each(library.callScriptIds())('%s renders as its golden file', (id) => {
  expectGolden(`call-scripts/${id}.txt`, library.renderCallScript(id, sampleNoticeVariables()));
});

test.each(library.callScriptIds())('%s answers every common objection and reads only provided variables', (id) => {
  const script = library.renderCallScript(id, sampleNoticeVariables());
  for (const objection of OBJECTIONS) expect(script).toContain(`\n${objection} `);
  expect(script).toContain('Acme Manufacturing');
  expect(library.unknownCallScriptVariables(id)).toEqual([]);
});

test('a script leaves out the charges section when there are none', () => {
  const script = library.renderCallScript('call-60-days', { ...sampleNoticeVariables(), charges: [] });
  expect(script).not.toContain('Charges for late payment');
  expect(script).not.toMatch(/\n\n\n/);
});

test('a script reading an unknown variable is reported, and an unknown id is refused', () => {
  const dir = scratchDir('call-scripts-');
  cpSync(CALL_SCRIPTS_DIR, dir, { recursive: true });
  cpSync(path.join(dir, 'call-30-days'), path.join(dir, 'call-typo'), { recursive: true });
  writeFileSync(path.join(dir, 'call-typo', 'script.hbs'), 'Ask {{customer.contactName}} about {{total}}.\n');
  const withTypo = new TemplateLibrary(undefined, { callScripts: dir });
  expect(withTypo.unknownCallScriptVariables('call-typo')).toEqual(['customer.contactName']);
  expect(() => library.renderCallScript('call-7-days', sampleNoticeVariables())).toThrow(/unknown call script "call-7-days"/);
});
