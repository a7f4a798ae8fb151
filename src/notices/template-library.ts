/**
 * Every template the engine renders, as files under templates/: emails
 * (templates/email/<name>/{subject,body}[.<tone>].hbs), collector call scripts
 * (templates/call-scripts/<id>/script.hbs, text only) and letters
 * (templates/letters/<name>/{subject,body}.hbs). Handlebars in strict mode, so a missing variable
 * fails loudly instead of sending a blank. The HTML part of an email or letter is its text body laid
 * out by the kind's layout.html.hbs, so both parts always say the same thing.
 */
import path from 'node:path';
import { TONES } from '../domain/policy/schema';
import { isLetterName, LETTER_VARIABLE_PATHS, type LetterName, type LetterVariables } from './letter-variables';
import { NOTICE_VARIABLE_PATHS, type NoticeVariables } from './notice-variables';
import { compileTemplateFile, TemplateSet } from './template-set';

export { NOTICE_VARIABLE_PATHS, type NoticeCharge, type NoticeInvoiceRow, type NoticeVariables } from './notice-variables';

export const TEMPLATES_DIR = path.join(__dirname, '..', '..', 'templates');
export const EMAIL_TEMPLATES_DIR = path.join(TEMPLATES_DIR, 'email');
export const CALL_SCRIPTS_DIR = path.join(TEMPLATES_DIR, 'call-scripts');
export const LETTERS_DIR = path.join(TEMPLATES_DIR, 'letters');

/** A rendered email or letter. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** What a template is: a dunning email, a collector's call script or a letter. */
export type TemplateKind = 'email' | 'call-script' | 'letter';

/** One template as the catalog lists it. */
export interface TemplateEntry {
  name: string;
  kind: TemplateKind;
  /** Tones it can be rendered in (call scripts read the same in every tone). */
  tones: string[];
  /** Tones with their own wording; the others use the default wording. */
  tonesWithOwnWording: string[];
}

/** Where the call scripts and letters are, when not the project's own folders. */
export interface TemplateDirectories {
  callScripts?: string;
  letters?: string;
}

type Layout = (variables: unknown) => string;

/** Loads and compiles every template once; one instance serves the worker, the API and the CLI. */
export class TemplateLibrary {
  private readonly emails: TemplateSet<'subject' | 'body'>;
  private readonly callScripts: TemplateSet<'script'>;
  private readonly letters: TemplateSet<'subject' | 'body'>;
  private readonly emailLayout: Layout;
  private readonly letterLayout: Layout | undefined;

  constructor(directory = EMAIL_TEMPLATES_DIR, others: TemplateDirectories = {}) {
    const lettersDir = others.letters ?? LETTERS_DIR;
    this.emails = new TemplateSet(directory, ['subject', 'body']);
    this.callScripts = new TemplateSet(others.callScripts ?? CALL_SCRIPTS_DIR, ['script']);
    this.letters = new TemplateSet(lettersDir, ['subject', 'body']);
    this.emailLayout = compileTemplateFile(path.join(directory, 'layout.html.hbs'), true);
    this.letterLayout = this.letters.names().length > 0 ? compileTemplateFile(path.join(lettersDir, 'layout.html.hbs'), true) : undefined;
    // Previews find a template by name alone, so a name must mean one template.
    const all = [...this.emails.names(), ...this.callScripts.names(), ...this.letters.names()];
    const duplicate = all.find((name, index) => all.indexOf(name) !== index);
    if (duplicate) throw new Error(`template name "${duplicate}" is used by more than one kind of template`);
  }

  /** Names of the email templates on disk. */
  names(): string[] {
    return this.emails.names();
  }

  /** Whether an email template of this name exists. */
  has(name: string): boolean {
    return this.emails.has(name);
  }

  /** Tones with their own wording in an email template (others use its default parts). */
  tonesOf(name: string): string[] {
    return this.emails.tonesOf(name);
  }

  /** Variables an email template reads that the engine does not provide: a policy using it must be refused. */
  unknownVariables(name: string): string[] {
    return this.emails.unknownVariables(name, NOTICE_VARIABLE_PATHS);
  }

  /** Renders an email's subject, text and HTML; throws when the template or a variable is missing. */
  render(name: string, variables: NoticeVariables): RenderedEmail {
    if (!this.emails.has(name)) throw new Error(`unknown email template "${name}"`);
    const email = this.compose(this.emails, name, variables, this.emailLayout);
    const listsEvery = variables.invoices.length <= 1 || variables.invoices.every((row) => email.text.includes(`#${row.number}`));
    return listsEvery ? email : withEveryInvoice(email, variables);
  }

  /** Ids of the collector call scripts on disk. */
  callScriptIds(): string[] {
    return this.callScripts.names();
  }

  /** Whether a call script of this id exists. */
  hasCallScript(id: string): boolean {
    return this.callScripts.has(id);
  }

  /** Variables a call script reads that the engine does not provide. */
  unknownCallScriptVariables(id: string): string[] {
    return this.callScripts.unknownVariables(id, NOTICE_VARIABLE_PATHS);
  }

  /** Renders a call script (plain text) for one account; throws when the script or a variable is missing. */
  renderCallScript(id: string, variables: NoticeVariables): string {
    if (!this.callScripts.has(id)) throw new Error(`unknown call script "${id}"`);
    return tidyText(this.callScripts.renderPart(id, 'script', variables));
  }

  /** Names of the letters on disk. */
  letterNames(): string[] {
    return this.letters.names();
  }

  /** Whether a letter of this name exists. */
  hasLetter(name: string): boolean {
    return this.letters.has(name);
  }

  /** Variables a letter reads beyond the notice variables and its own (`plan`, `settlement`). */
  unknownLetterVariables(name: string): string[] {
    const own = isLetterName(name) ? LETTER_VARIABLE_PATHS[name] : [];
    return this.letters.unknownVariables(name, new Set([...NOTICE_VARIABLE_PATHS, ...own]));
  }

  /** Renders a letter (subject, text and HTML) with the notice variables plus its own; throws when one is missing. */
  renderLetter<N extends LetterName>(name: N, variables: LetterVariables<N>): RenderedEmail {
    if (!this.letters.has(name) || !this.letterLayout) throw new Error(`unknown letter "${name}"`);
    return this.compose(this.letters, name, variables, this.letterLayout);
  }

  /** Every template with its kind and tones, emails first, then call scripts, then letters. */
  catalog(): TemplateEntry[] {
    const entries = (set: TemplateSet<string>, kind: TemplateKind, tones: string[]) =>
      set.names().map((name) => ({ name, kind, tones, tonesWithOwnWording: set.tonesOf(name) }));
    return [
      ...entries(this.emails, 'email', [...TONES]),
      ...entries(this.callScripts, 'call-script', []),
      ...entries(this.letters, 'letter', [...TONES]),
    ];
  }

  /** The kind of the template of this name, if any. */
  kindOf(name: string): TemplateKind | undefined {
    return this.catalog().find((entry) => entry.name === name)?.kind;
  }

  private compose(set: TemplateSet<'subject' | 'body'>, name: string, variables: NoticeVariables, layout: Layout): RenderedEmail {
    const subject = set.renderPart(name, 'subject', variables).trim();
    const text = tidyText(set.renderPart(name, 'body', variables));
    const paragraphs = text.trim().split(/\n\s*\n/).map((paragraph) => paragraph.split('\n'));
    return { subject, text, html: layout({ ...variables, paragraphs }) };
  }
}

/**
 * One message for several invoices (a customer's outreach merges them) whose template speaks about
 * one: the subject counts the others and the text lists every one with the total (the HTML layout's
 * table already lists them). Templates that list `invoices` themselves are left as they are.
 */
function withEveryInvoice(email: RenderedEmail, variables: NoticeVariables): RenderedEmail {
  const others = variables.invoices.length - 1;
  const lines = variables.invoices.map((row) => `#${row.number}, due ${row.dueDate} (${row.daysPastDue} days past due): ${row.balance}`);
  const list = `Every overdue invoice on your account:\n${lines.join('\n')}\nTotal due: ${variables.total}`;
  // Right after the paragraph about the lead invoice, so the list reads before the sign-off.
  const paragraphs = email.text.trim().split('\n\n');
  const about = paragraphs.findIndex((paragraph) => paragraph.includes(`#${variables.invoice.number}`));
  paragraphs.splice(about >= 0 ? about + 1 : paragraphs.length, 0, list);
  return {
    ...email,
    subject: `${email.subject} (and ${others} more overdue invoice${others === 1 ? '' : 's'})`,
    text: `${paragraphs.join('\n\n')}\n`,
  };
}

/** At most one blank line in a row (optional sections leave gaps), one final newline. */
function tidyText(text: string): string {
  return `${text.replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
