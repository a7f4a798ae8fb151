/** A policy is refused, with the field path, when a step names a template or call script that is missing or reads unknown variables. */
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { CALL_SCRIPTS_DIR, EMAIL_TEMPLATES_DIR, TemplateLibrary } from '../../src/notices/template-library';
import { validatePolicy } from '../../src/policies/policy-validation';
import { scratchDir } from '../support/scratch';

/** The real templates plus one email and one call script that read a variable the engine does not provide. */
function libraryWithTypos(): TemplateLibrary {
  const emails = scratchDir('email-');
  const scripts = scratchDir('call-scripts-');
  cpSync(EMAIL_TEMPLATES_DIR, emails, { recursive: true });
  cpSync(CALL_SCRIPTS_DIR, scripts, { recursive: true });
  cpSync(path.join(emails, 'final-notice'), path.join(emails, 'typo-notice'), { recursive: true });
  writeFileSync(path.join(emails, 'typo-notice', 'body.hbs'), 'Dear {{customer.fullName}}, you owe {{total}}.\n');
  cpSync(path.join(scripts, 'call-30-days'), path.join(scripts, 'call-typo'), { recursive: true });
  writeFileSync(path.join(scripts, 'call-typo', 'script.hbs'), 'Ask for {{customer.contactName}}.\n');
  return new TemplateLibrary(emails, { callScripts: scripts });
}

const library = libraryWithTypos();
const withSteps = (edit: (steps: any[]) => void) => {
  const document = structuredClone(DEFAULT_POLICY) as any;
  edit(document.dunningSteps);
  return document;
};

test('the default policy, with its call script, is valid', () => {
  expect(validatePolicy(DEFAULT_POLICY, new TemplateLibrary()).ok).toBe(true);
});

test('a call task naming a missing script is refused at dunningSteps.N.script', () => {
  const result = validatePolicy(withSteps((steps) => { steps[5].script = 'call-45-days'; }), library);
  expect(result).toEqual({ ok: false, problems: [
    { path: 'dunningSteps.5.script', reason: expect.stringContaining('no call script "call-45-days"; available: call-30-days, call-60-days') },
  ] });
});

test('a call script or email template reading an unknown variable is refused with its field path', () => {
  const result = validatePolicy(withSteps((steps) => {
    steps[4].template = 'typo-notice';
    steps[5].script = 'call-typo';
  }), library);
  expect(result).toEqual({ ok: false, problems: [
    { path: 'dunningSteps.4.template', reason: 'template "typo-notice" uses variables the engine does not provide: customer.fullName' },
    { path: 'dunningSteps.5.script', reason: 'call script "call-typo" uses variables the engine does not provide: customer.contactName' },
  ] });
});

test('a call task without a script needs none', () => {
  expect(validatePolicy(withSteps((steps) => { delete steps[5].script; }), library).ok).toBe(true);
});
