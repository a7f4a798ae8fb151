/**
 * Email templates as files (templates/email/<name>/{subject,body}.hbs), rendered with Handlebars in
 * strict mode so a missing variable fails loudly instead of sending a blank. The HTML part is the
 * text body laid out by templates/email/layout.html.hbs, so both parts always say the same thing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

export const EMAIL_TEMPLATES_DIR = path.join(__dirname, '..', '..', 'templates', 'email');

/** One overdue invoice as a row of the notice's table. */
export interface NoticeInvoiceRow {
  number: string;
  amount: string;
  balance: string;
  dueDate: string;
  daysPastDue: number;
}

/** Every variable a template may use. */
export interface NoticeVariables {
  customer: { name: string };
  company: { name: string; phone: string };
  invoice: NoticeInvoiceRow;
  invoices: NoticeInvoiceRow[];
  total: string;
  paymentLink: string;
  tone: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

type Compiled = (variables: unknown) => string;

/** Loads and compiles every template once. */
export class TemplateLibrary {
  private readonly templates = new Map<string, { subject: Compiled; body: Compiled }>();
  private readonly layout: Compiled;

  constructor(directory = EMAIL_TEMPLATES_DIR) {
    const compile = (file: string, noEscape: boolean) =>
      Handlebars.compile(readFileSync(file, 'utf8'), { strict: true, noEscape });
    for (const name of readdirSync(directory)) {
      const folder = path.join(directory, name);
      if (!existsSync(path.join(folder, 'body.hbs'))) continue;
      // Plain-text parts are not HTML: no entity escaping there; the layout escapes for HTML.
      this.templates.set(name, { subject: compile(path.join(folder, 'subject.hbs'), true), body: compile(path.join(folder, 'body.hbs'), true) });
    }
    this.layout = compile(path.join(directory, 'layout.html.hbs'), false);
  }

  /** Names of the templates on disk. */
  names(): string[] {
    return [...this.templates.keys()].sort();
  }

  has(name: string): boolean {
    return this.templates.has(name);
  }

  /** Renders subject, text and HTML; throws when the template or a variable is missing. */
  render(name: string, variables: NoticeVariables): RenderedEmail {
    const template = this.templates.get(name);
    if (!template) throw new Error(`unknown email template "${name}"`);
    const subject = template.subject(variables).trim();
    const text = template.body(variables).replace(/\n{3,}/g, '\n\n').trim() + '\n';
    const paragraphs = text.split(/\n\s*\n/).map((paragraph) => paragraph.split('\n'));
    const html = this.layout({ ...variables, paragraphs });
    return { subject, text, html };
  }
}
