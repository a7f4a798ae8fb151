/** Reads the variable paths a Handlebars template uses from its syntax tree, so a typo is caught before anything is sent. */
import Handlebars from 'handlebars';

const BUILT_IN_BLOCKS = new Set(['if', 'unless', 'each', 'with']);

type Node = { type: string; [key: string]: unknown };
type PathNode = { type: 'PathExpression'; original: string; data: boolean; parts: string[]; this?: boolean };

/** Every variable path the template reads; inside `{{#each list}}` a path is `list[].field`. */
export function variablePaths(source: string): string[] {
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
      if (statement.type === 'PartialStatement') {
        // Partials are not registered here, so a template using one could not render: report it as unknown.
        found.add(`>${String((statement.name as PathNode).original)}`);
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
