/**
 * A folder of Handlebars templates, one folder per template holding its parts (`subject.hbs`,
 * `body.hbs`, `script.hbs`) and any per-tone variants (`body.firm.hbs`). Compiled once, in strict
 * mode, so a missing variable fails loudly instead of rendering a blank.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { variablePaths } from './template-variable-paths';

type Compiled = (variables: unknown) => string;

/** One template: its default parts, its per-tone variants and every variable path they read. */
interface LoadedTemplate {
  parts: Map<string, Compiled>;
  variables: string[];
}

/** Compiles a Handlebars file; text parts are not HTML, so only layouts escape entities. */
export function compileTemplateFile(file: string, escapeHtml: boolean): Compiled {
  return Handlebars.compile(readFileSync(file, 'utf8'), { strict: true, noEscape: !escapeHtml });
}

/** The templates of one kind (emails, letters, call scripts), each made of the same named parts. */
export class TemplateSet<Part extends string> {
  private readonly templates = new Map<string, LoadedTemplate>();

  constructor(directory: string, private readonly partNames: readonly Part[]) {
    if (!existsSync(directory)) return;
    const partFile = new RegExp(`^(${partNames.join('|')})(?:\\.(friendly|neutral|firm))?\\.hbs$`);
    for (const name of readdirSync(directory).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
      const folder = path.join(directory, name);
      if (!partNames.every((part) => existsSync(path.join(folder, `${part}.hbs`)))) continue;
      const parts = new Map<string, Compiled>();
      const variables = new Set<string>();
      for (const file of readdirSync(folder).filter((entry) => partFile.test(entry))) {
        const source = path.join(folder, file);
        parts.set(file.replace(/\.hbs$/, ''), compileTemplateFile(source, false));
        variablePaths(readFileSync(source, 'utf8')).forEach((variable) => variables.add(variable));
      }
      this.templates.set(name, { parts, variables: [...variables].sort() });
    }
  }

  /** Names of the templates on disk, sorted. */
  names(): string[] {
    return [...this.templates.keys()];
  }

  /** Whether a template of this name exists. */
  has(name: string): boolean {
    return this.templates.has(name);
  }

  /** Tones with their own wording in a template (others use its default parts). */
  tonesOf(name: string): string[] {
    const tones = [...(this.templates.get(name)?.parts.keys() ?? [])].map((part) => part.split('.')[1]).filter(Boolean);
    return [...new Set(tones)].sort();
  }

  /** Variable paths a template reads that are not in `provided`. */
  unknownVariables(name: string, provided: ReadonlySet<string>): string[] {
    return (this.templates.get(name)?.variables ?? []).filter((variable) => !provided.has(variable));
  }

  /** Renders one part in the variables' tone (its variant when there is one); throws when a variable is missing. */
  renderPart(name: string, part: Part, variables: { tone: string }): string {
    const template = this.templates.get(name);
    if (!template) throw new Error(`unknown template "${name}"`);
    const compiled = template.parts.get(`${part}.${variables.tone}`) ?? template.parts.get(part);
    if (!compiled) throw new Error(`template "${name}" has no ${part} part; parts: ${this.partNames.join(', ')}`);
    // Strict mode names only the last key of a missing path; name the missing variable itself.
    const given = variables as Record<string, unknown>;
    const missing = [...new Set(template.variables.map((variable) => variable.split(/[.[]/)[0]))].filter((root) => given[root] === undefined);
    if (missing.length > 0) throw new Error(`template "${name}" needs variable(s) it was not given: ${missing.join(', ')}`);
    try {
      return compiled(variables);
    } catch (error) {
      throw new Error(`template "${name}" (${part}): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
