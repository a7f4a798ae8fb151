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

/** One late charge (interest or a late fee) as a line of the notice. */
export interface NoticeCharge {
  label: string;
  amount: string;
}

/** Every variable a template may use. */
export interface NoticeVariables {
  customer: { name: string };
  company: { name: string; phone: string };
  invoice: NoticeInvoiceRow;
  invoices: NoticeInvoiceRow[];
  total: string;
  /** Interest and late fees as separate lines, already formatted; empty when none are charged. */
  charges: NoticeCharge[];
  paymentLink: string;
  tone: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

type Compiled = (variables: unknown) => string;

/** Every variable path the engine provides to a template; `invoices[]` is each row of the table. */
export const NOTICE_VARIABLE_PATHS: ReadonlySet<string> = new Set([
  'customer.name', 'company.name', 'company.phone',
  'invoice.number', 'invoice.amount', 'invoice.balance', 'invoice.dueDate', 'invoice.daysPastDue',
  'invoices', 'invoices[].number', 'invoices[].amount', 'invoices[].balance', 'invoices[].dueDate', 'invoices[].daysPastDue',
  'total', 'charges', 'charges[].label', 'charges[].amount', 'paymentLink', 'tone',
]);

const BUILT_IN_BLOCKS = new Set(['if', 'unless', 'each', 'with']);

type Node = { type: string; [key: string]: unknown };
type PathNode = { type: 'PathExpression'; original: string; data: boolean; parts: string[]; this?: boolean };

/** Walks a Handlebars template's syntax tree and lists the variable paths it reads. */
function variablePaths(source: string): string[] {
  const found = new Set<string>();
  const visitPath = (node: PathNode, scope: string) => {
    if (node.data) return; // @index, @last: provided by Handlebars itself
    const relative = node.original.replace(/^this\.?/, '');
    if (relative === '') return;
    found.add(scope ? `${scope}.${relative}` : relative);
  };
  const visitExpression = (node: Node | undefined, scope: string) => {
    if (node?.type === 'PathExpression') visitPath(node as unknown as PathNode, scope);
    if (node?.type === 'SubExpression') (node.params as Node[]).forEach((param) => visitExpression(param, scope));
  };
  const visitProgram = (program: Node | undefined, scope: string) => {
    for (const statement of (program?.body as Node[] | undefined) ?? []) {
      if (statement.type === 'MustacheStatement') {
        const params = statement.params as Node[];
        if (params.length === 0) visitExpression(statement.path as Node, scope);
        else params.forEach((param) => visitExpression(param, scope));
      }
      if (statement.type === 'BlockStatement') {
        const helper = (statement.path as PathNode).original;
        const params = statement.params as Node[];
        params.forEach((param) => visitExpression(param, scope));
        if (!BUILT_IN_BLOCKS.has(helper)) visitExpression(statement.path as Node, scope);
        const first = params[0] as unknown as PathNode | undefined;
        const inner = helper === 'each' && first?.type === 'PathExpression'
          ? `${scope ? `${scope}.` : ''}${first.original.replace(/^this\.?/, '')}[]`
          : scope;
        visitProgram(statement.program as Node, inner);
        visitProgram(statement.inverse as Node | undefined, scope);
      }
    }
  };
  visitProgram(Handlebars.parse(source) as unknown as Node, '');
  return [...found].sort();
}

/** Loads and compiles every template once. */
/** One template: its default parts and any per-tone variants (`body.firm.hbs`, `subject.friendly.hbs`). */
interface LoadedTemplate {
  parts: Map<string, Compiled>;
  variables: string[];
}

const PART_FILE = /^(subject|body)(?:\.(friendly|neutral|firm))?\.hbs$/;

export class TemplateLibrary {
  private readonly templates = new Map<string, LoadedTemplate>();
  private readonly layout: Compiled;

  constructor(directory = EMAIL_TEMPLATES_DIR) {
    const compile = (file: string, noEscape: boolean) =>
      Handlebars.compile(readFileSync(file, 'utf8'), { strict: true, noEscape });
    for (const name of readdirSync(directory)) {
      const folder = path.join(directory, name);
      if (!existsSync(path.join(folder, 'body.hbs')) || !existsSync(path.join(folder, 'subject.hbs'))) continue;
      const parts = new Map<string, Compiled>();
      const variables = new Set<string>();
      for (const file of readdirSync(folder).filter((entry) => PART_FILE.test(entry))) {
        const source = path.join(folder, file);
        // Plain-text parts are not HTML: no entity escaping there; the layout escapes for HTML.
        parts.set(file.replace(/\.hbs$/, ''), compile(source, true));
        variablePaths(readFileSync(source, 'utf8')).forEach((variable) => variables.add(variable));
      }
      this.templates.set(name, { parts, variables: [...variables].sort() });
    }
    this.layout = compile(path.join(directory, 'layout.html.hbs'), false);
  }

  /** Tones with their own wording in a template (others use its default parts). */
  tonesOf(name: string): string[] {
    const tones = [...(this.templates.get(name)?.parts.keys() ?? [])].map((part) => part.split('.')[1]).filter(Boolean);
    return [...new Set(tones)].sort();
  }

  /** Names of the templates on disk. */
  names(): string[] {
    return [...this.templates.keys()].sort();
  }

  has(name: string): boolean {
    return this.templates.has(name);
  }

  /** Variables a template reads that the engine does not provide: a policy using it must be refused. */
  unknownVariables(name: string): string[] {
    return (this.templates.get(name)?.variables ?? []).filter((variable) => !NOTICE_VARIABLE_PATHS.has(variable));
  }

  /** Renders subject, text and HTML; throws when the template or a variable is missing. */
  render(name: string, variables: NoticeVariables): RenderedEmail {
    const template = this.templates.get(name);
    if (!template) throw new Error(`unknown email template "${name}"`);
    const part = (kind: 'subject' | 'body') => (template.parts.get(`${kind}.${variables.tone}`) ?? template.parts.get(kind)) as Compiled;
    const subject = part('subject')(variables).trim();
    const text = part('body')(variables).replace(/\n{3,}/g, '\n\n').trim() + '\n';
    const paragraphs = text.trim().split(/\n\s*\n/).map((paragraph) => paragraph.split('\n'));
    const html = this.layout({ ...variables, paragraphs });
    return { subject, text, html };
  }
}
