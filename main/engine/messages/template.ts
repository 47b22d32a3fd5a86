// Campaign templates: Handlebars on an isolated instance, Markdown through marked, plain text
// through html-to-text. Templates are checked before they run, so rendering a recipient never
// fails at send time: syntax, unknown helpers, partials and helper misuse are all caught here.
import Handlebars from 'handlebars';
import { compile as compileHtmlToText } from 'html-to-text';
import { Marked } from 'marked';
import type { TemplateProblem, TemplateReport } from '../../../shared/contract';
import type { CampaignTemplate } from '../../../shared/domain';
import { AppError } from '../errors';
import { createHelpers, HELPER_NAMES } from './helpers';

export interface Rendered {
  subject: string;
  html: string;
  text: string;
}

export interface CompiledTemplate {
  /** Renders one recipient. `vars` are the merge fields (keys are safe identifiers) plus `email` and, when the campaign has an unsubscribe URL template, `unsubscribe_url`. Never throws for missing fields (they render empty). */
  render(vars: Record<string, string>): Rendered;
  /** Field names the template references (excluding helpers and built-ins `email`, `unsubscribe_url`). */
  fields: string[];
}

type Part = TemplateProblem['part'];
type Ast = hbs.AST.Program;

/** Values every recipient has, whatever the spreadsheet held. */
export const BUILT_IN_FIELDS = ['email', 'unsubscribe_url'] as const;
const BUILT_INS = new Set<string>(BUILT_IN_FIELDS);

// ---- the isolated Handlebars instance ------------------------------------------------------------

const hb = Handlebars.create();
hb.unregisterHelper('log'); // writes to the console; nothing a recipient needs
for (const [name, fn] of Object.entries(createHelpers())) hb.registerHelper(name, fn);

// The generated parser throws a bare Error and drops the position it knows. Keeping that position
// (the same message, plus the location) is what lets a problem name its line and column.
interface ParseLoc {
  last_line: number;
  last_column: number;
}
(hb as unknown as { Parser: { parseError: (msg: string, hash: { loc?: ParseLoc }) => never } }).Parser.parseError = (
  msg,
  hash,
) => {
  throw Object.assign(new Error(msg), { parseLoc: hash?.loc });
};

const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with']);
const INLINE_HELPERS = new Set<string>([...HELPER_NAMES, 'lookup']);
const isHelper = (name: string) => BLOCK_HELPERS.has(name) || INLINE_HELPERS.has(name);
const ALL_HELPERS = [...HELPER_NAMES, 'if', 'unless', 'each', 'with', 'lookup'];

const COMPILE_OPTIONS = {
  // An unknown helper is a compile error here instead of a "Missing helper" at send time.
  knownHelpersOnly: true,
  knownHelpers: {
    log: false,
    helperMissing: false,
    blockHelperMissing: false,
    ...Object.fromEntries(HELPER_NAMES.map((n) => [n, true])),
  },
  strict: false,
};

/** Merge data without a prototype: `{{constructor}}` and friends find nothing to reach. */
function dataOf(vars: Record<string, string>): Record<string, string> {
  const data = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(vars)) data[k] = v;
  return data;
}

// ---- problems -------------------------------------------------------------------------------------

const PART_NAMES: Record<Part, string> = {
  subject: 'subject',
  body: 'body',
  text: 'plain-text version',
  unsubscribe: 'unsubscribe URL',
};

const TOKEN_NAMES: Record<string, string> = {
  EOF: 'end of text',
  CLOSE: '}}',
  CLOSE_UNESCAPED: '}}}',
  OPEN: '{{',
  INVALID: 'input (is a tag left unclosed?)',
  EQUALS: '=',
};

function problem(part: Part, message: string, line: number | null, column: number | null): TemplateProblem {
  return { part, message, line, column };
}

/** Turns what Handlebars threw into a sentence with a position. */
function problemFromError(part: Part, err: unknown): TemplateProblem {
  const e = err as { message?: string; parseLoc?: ParseLoc; lineNumber?: number; column?: number };
  const raw = String(e.message ?? err);
  if (e.parseLoc || raw.startsWith('Parse error') || raw.startsWith('Lexical error')) {
    const got = /got '([^']+)'/.exec(raw)?.[1];
    const unexpected = got ? (TOKEN_NAMES[got] ?? got.toLowerCase()) : 'something unexpected';
    const line = e.parseLoc ? e.parseLoc.last_line : Number(/line (\d+)/.exec(raw)?.[1] ?? 0) || null;
    const column = e.parseLoc ? e.parseLoc.last_column + 1 : null;
    return problem(
      part,
      `Syntax error: unexpected ${unexpected}. Check that every {{ is closed by }} and every {{#block}} by its {{/block}}.`,
      line,
      column,
    );
  }
  if (err instanceof RangeError) {
    // Some other construct nested deep enough to exhaust the stack (e.g. subexpressions).
    return problem(part, 'The template is nested too deeply to read. Simplify the nested expressions.', null, null);
  }
  const unknownHelper = /unknown helper (\S+)/.exec(raw)?.[1];
  const message = unknownHelper
    ? `"${unknownHelper}" is not a helper. The helpers are: ${ALL_HELPERS.join(', ')}.`
    : raw.replace(/ - \d+:\d+$/, '');
  const line = typeof e.lineNumber === 'number' ? e.lineNumber : null;
  const column = typeof e.column === 'number' ? e.column + 1 : null;
  return problem(part, message, line, column);
}

function describeProblem(p: TemplateProblem): string {
  const where = p.line !== null ? ` (line ${p.line}${p.column !== null ? `, column ${p.column}` : ''})` : '';
  return `The ${PART_NAMES[p.part]} has an error${where}: ${p.message}`;
}

// ---- checking the syntax tree ---------------------------------------------------------------------

type Node = hbs.AST.Node;
type Expr = hbs.AST.Expression;
type Call = { path: Expr; params: Expr[]; hash?: hbs.AST.Hash; loc: hbs.AST.SourceLocation };

const isPath = (n: Node): n is hbs.AST.PathExpression => n.type === 'PathExpression';
const helperName = (c: Call): string | null => (isPath(c.path) && c.path.parts.length === 1 ? c.path.original : null);

/** Uses Handlebars accepts but that would fail (or do nothing useful) when a recipient is rendered. */
function misuse(ast: Ast): { message: string; node: Node } | null {
  let found: { message: string; node: Node } | null = null;
  const arity = (c: Call, name: string, block: boolean): string | null => {
    const n = c.params.length;
    if (BLOCK_HELPERS.has(name)) {
      if (!block) return `{{${name}}} works only as a block: {{#${name} field}}…{{/${name}}}.`;
      return n === 1 ? null : `{{#${name}}} takes exactly one value, e.g. {{#${name} first_name}}.`;
    }
    if (block && INLINE_HELPERS.has(name)) return `{{${name}}} is not a block helper; write {{${name} …}} instead.`;
    if (name === 'lookup' && n !== 2) return '{{lookup}} takes two values, e.g. {{lookup this "first_name"}}.';
    if ((name === 'capitalize' || name === 'upper' || name === 'lower') && n !== 1) {
      return `{{${name}}} takes one value, e.g. {{${name} first_name}}.`;
    }
    if (name === 'date' && (n < 1 || n > 2))
      return '{{date}} takes a value and a format, e.g. {{date signup "D MMMM YYYY"}}.';
    if (name === 'default' && n < 1)
      return '{{default}} takes a field and a fallback, e.g. {{default first_name "there"}}.';
    return null;
  };
  const visitCall = (c: Call, block: boolean, isHelperCall: boolean) => {
    const name = helperName(c);
    if (name && isHelperCall) {
      const m = arity(c, name, block);
      if (m && !found) found = { message: m, node: c as unknown as Node };
    }
    for (const p of c.params) visitExpr(p);
    for (const pair of c.hash?.pairs ?? []) visitExpr(pair.value);
  };
  const visitExpr = (e: Expr) => {
    if (e.type === 'SubExpression') visitCall(e as hbs.AST.SubExpression, false, true);
  };
  const visit = (n: Node | undefined) => {
    if (!n || found) return;
    switch (n.type) {
      case 'Program':
        for (const s of (n as Ast).body) visit(s);
        return;
      case 'MustacheStatement': {
        const m = n as hbs.AST.MustacheStatement;
        const name = helperName(m);
        const call = m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0 || (name !== null && isHelper(name));
        visitCall(m, false, call);
        return;
      }
      case 'BlockStatement': {
        const b = n as hbs.AST.BlockStatement;
        visitCall(b, true, true);
        visit(b.program);
        visit(b.inverse);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
        found = { message: 'Partials ({{> name}}) are not supported; put the text in the template itself.', node: n };
        return;
      case 'Decorator':
      case 'DecoratorBlock':
        found = { message: 'Decorators ({{* name}}) are not supported.', node: n };
        return;
    }
  };
  visit(ast);
  return found;
}

/** Far deeper than any real message; deep enough inputs would overflow the parser's stack. */
export const MAX_BLOCK_NESTING = 100;
const BLOCK_TAG = /\{\{\{\{[\s\S]*?\}\}\}\}|\{\{!--[\s\S]*?--\}\}|\{\{!?[\s\S]*?\}\}/g;
const BLOCK_KIND = /^\{\{~?\s*(?:(#>?|\^|\/)|(else)\s+\S)/;

/**
 * Finds blocks nested deeper than MAX_BLOCK_NESTING before Handlebars sees them (its parser and
 * compiler recurse per level). `{{else if …}}` nests one level more in the tree, so it counts.
 */
function nestingProblem(part: Part, source: string): TemplateProblem | null {
  const stack: number[] = [];
  let depth = 0;
  for (const m of source.matchAll(BLOCK_TAG)) {
    const kind = BLOCK_KIND.exec(m[0]);
    if (!kind) continue;
    if (kind[1] === '/') depth -= stack.pop() ?? 0;
    else if (kind[2] && stack.length > 0) {
      stack[stack.length - 1]! += 1;
      depth += 1;
    } else if (kind[1]) {
      stack.push(1);
      depth += 1;
    }
    if (depth > MAX_BLOCK_NESTING) {
      const before = source.slice(0, m.index);
      const line = before.split('\n').length;
      const column = m.index - before.lastIndexOf('\n');
      return problem(
        part,
        `Blocks are nested more than ${MAX_BLOCK_NESTING} deep here. Close some {{#…}} blocks before opening new ones.`,
        line,
        column,
      );
    }
  }
  return null;
}

/** Parses one part and checks everything that could make it fail later. */
const OPEN_OR_CLOSE = /\{\{~?\s*(#\*?|\/)\s*([^\s}~]+)/g;

/**
 * The block a template opens and never closes, with where it opens: Handlebars only notices at
 * the end of the text, which is no help for finding the {{#if}} that lacks its {{/if}}.
 */
export function unclosedBlock(source: string): { name: string; line: number; column: number } | null {
  const open: { name: string; at: number }[] = [];
  for (const m of source.matchAll(OPEN_OR_CLOSE)) {
    const [, sign, name = ''] = m;
    if (sign === '/') {
      const i = open.map((o) => o.name).lastIndexOf(name);
      if (i >= 0) open.splice(i);
    } else {
      open.push({ name, at: m.index ?? 0 });
    }
  }
  const last = open[open.length - 1];
  if (!last) return null;
  const before = source.slice(0, last.at);
  const line = before.split('\n').length;
  return { name: last.name, line, column: last.at - before.lastIndexOf('\n') };
}

function checkPart(part: Part, source: string): { ast: Ast } | { problem: TemplateProblem } {
  const tooDeep = nestingProblem(part, source);
  if (tooDeep) return { problem: tooDeep };
  let ast: Ast;
  try {
    ast = hb.parse(source);
  } catch (err) {
    const open = /got 'EOF'/.test(String((err as Error)?.message)) ? unclosedBlock(source) : null;
    if (open) {
      return {
        problem: problem(
          part,
          `{{#${open.name}}} is never closed: add {{/${open.name}}} where the block ends.`,
          open.line,
          open.column,
        ),
      };
    }
    return { problem: problemFromError(part, err) };
  }
  const bad = misuse(ast);
  if (bad) return { problem: problem(part, bad.message, bad.node.loc.start.line, bad.node.loc.start.column + 1) };
  try {
    hb.precompile(source, COMPILE_OPTIONS);
  } catch (err) {
    return { problem: problemFromError(part, err) };
  }
  return { ast };
}

// ---- which fields a template reads, and where an empty one shows --------------------------------

/**
 * An output that renders empty exactly when every field in `fields` is empty. `never` for
 * outputs that always print something (a literal, `{{date "now"}}`), `opaque` for ones the
 * check cannot follow (`{{lookup …}}`, `{{this}}` inside a loop).
 */
type Output = { fields: string[] } | 'never' | 'opaque';

interface Analysis {
  /** Every field read at the top level, in order of first use (a field with a fallback excepted). */
  refs: string[];
  /** Outputs that can print empty, already narrowed by the {{#if}} blocks around them. */
  outputs: string[][];
}

interface Scope {
  /** How many context-changing blocks ({{#each}}, {{#with}}) enclose this point. */
  depth: number;
  /** Fields known not to be empty here (inside {{#if field}}). */
  nonEmpty: ReadonlySet<string>;
}

function analyse(ast: Ast): Analysis {
  const refs = new Set<string>();
  const outputs: string[][] = [];
  // Inside {{default field "fallback"}}: a missing field prints the fallback, so it is not unknown.
  let withFallback = 0;

  const fieldOf = (p: hbs.AST.PathExpression, scope: Scope): string | null => {
    if (p.data) return p.parts[0] === 'root' && p.parts.length > 1 ? p.parts.slice(1).join('.') : null;
    if (p.depth !== scope.depth || p.parts.length === 0) return null;
    return p.parts.join('.');
  };
  const ref = (e: Expr, scope: Scope): string | null => {
    if (!isPath(e)) return null;
    const f = fieldOf(e, scope);
    if (f && withFallback === 0) refs.add(f);
    return f;
  };
  const refAll = (c: Call, scope: Scope) => {
    for (const p of c.params) exprOutput(p, scope);
    for (const pair of c.hash?.pairs ?? []) exprOutput(pair.value, scope);
  };
  const exprOutput = (e: Expr, scope: Scope): Output => {
    switch (e.type) {
      case 'StringLiteral':
        return (e as hbs.AST.StringLiteral).value.trim() === '' ? { fields: [] } : 'never';
      case 'NumberLiteral':
        return 'never';
      case 'PathExpression': {
        const f = ref(e, scope);
        if (!f) return 'opaque';
        return scope.nonEmpty.has(f) ? 'never' : { fields: [f] };
      }
      case 'SubExpression':
        return callOutput(e as hbs.AST.SubExpression, scope);
      default:
        return { fields: [] };
    }
  };
  const callOutput = (c: Call, scope: Scope): Output => {
    const name = helperName(c) ?? '';
    const fallback =
      name === 'default' &&
      c.params.some((p) => p.type === 'StringLiteral' && (p as hbs.AST.StringLiteral).value.trim() !== '');
    if (fallback) withFallback++;
    const outs = c.params.map((p) => exprOutput(p, scope));
    for (const pair of c.hash?.pairs ?? []) exprOutput(pair.value, scope);
    if (fallback) withFallback--;
    switch (name) {
      case 'default':
        if (outs.includes('never')) return 'never';
        if (outs.includes('opaque')) return 'opaque';
        return { fields: outs.flatMap((o) => (typeof o === 'object' ? o.fields : [])) };
      case 'date': {
        const first = c.params[0];
        if (first?.type === 'StringLiteral' && (first as hbs.AST.StringLiteral).value.trim().toLowerCase() === 'now') {
          return 'never';
        }
        return outs[0] ?? { fields: [] };
      }
      case 'capitalize':
      case 'upper':
      case 'lower':
        return outs[0] ?? { fields: [] };
      default:
        return 'opaque';
    }
  };
  const emit = (o: Output) => {
    if (typeof o === 'object' && o.fields.length > 0) outputs.push(o.fields);
  };
  const visit = (n: Node | undefined, scope: Scope) => {
    if (!n) return;
    switch (n.type) {
      case 'Program':
        for (const s of (n as Ast).body) visit(s, scope);
        return;
      case 'MustacheStatement': {
        const m = n as hbs.AST.MustacheStatement;
        const name = helperName(m);
        const call = m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0 || (name !== null && isHelper(name));
        emit(call ? callOutput(m, scope) : exprOutput(m.path, scope));
        return;
      }
      case 'BlockStatement': {
        const b = n as hbs.AST.BlockStatement;
        const name = helperName(b);
        const first = b.params[0];
        if (name === 'if' || name === 'unless') {
          refAll(b, scope);
          const f = first && isPath(first) ? fieldOf(first, scope) : null;
          const guarded: Scope = f ? { ...scope, nonEmpty: new Set([...scope.nonEmpty, f]) } : scope;
          visit(b.program, name === 'if' ? guarded : scope);
          visit(b.inverse, name === 'if' ? scope : guarded);
        } else if (name === 'each' || name === 'with') {
          refAll(b, scope);
          visit(b.program, { ...scope, depth: scope.depth + 1 });
          visit(b.inverse, scope);
        } else {
          // A section, {{#field}}…{{/field}}: shown only when the field has a value.
          const f = ref(b.path, scope);
          const inner = { depth: scope.depth + 1, nonEmpty: f ? new Set([...scope.nonEmpty, f]) : scope.nonEmpty };
          visit(b.program, inner);
          visit(b.inverse, scope);
        }
        return;
      }
    }
  };
  visit(ast, { depth: 0, nonEmpty: new Set() });
  return { refs: [...refs], outputs };
}

// ---- Markdown -------------------------------------------------------------------------------------

const marked = new Marked({ gfm: true, async: false });

const MUSTACHE = /\{\{\{[\s\S]*?\}\}\}|\{\{!--[\s\S]*?--\}\}|\{\{[\s\S]*?\}\}/g;
const BLOCK_MUSTACHE = /^\{\{~?\s*(#|\/|\^|else\b)/;

/**
 * Markdown first, Handlebars second. Merge values are inserted into the finished HTML and
 * HTML-escaped there, so a value holding `*`, `_` or `[text](url)` stays text instead of
 * turning into emphasis or a link. The mustaches are swapped for inert word tokens while marked
 * runs (it would otherwise escape their quotes and `>`), then put back unchanged.
 */
export function markdownToTemplate(source: string): string {
  let nonce = 'hbsx';
  while (source.includes(nonce)) nonce += 'x';
  const saved: string[] = [];
  const masked = source.replace(MUSTACHE, (m) => `${nonce}${saved.push(m) - 1}${nonce}`);
  const html = marked.parse(masked, { async: false });
  const token = new RegExp(`${nonce}(\\d+)${nonce}`, 'g');
  // A block tag alone in its paragraph should not leave an empty <p></p> behind when it is false.
  const alone = new RegExp(`<p>${nonce}(\\d+)${nonce}</p>\\n?`, 'g');
  return html
    .replace(alone, (whole, i: string) => {
      const m = saved[Number(i)] ?? '';
      return BLOCK_MUSTACHE.test(m) ? `${m}\n` : whole;
    })
    .replace(token, (_, i: string) => saved[Number(i)] ?? '');
}

// ---- compiling and rendering ----------------------------------------------------------------------

const htmlToText = compileHtmlToText({
  wordwrap: 78,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
  ],
});

/** No line break or control character from a field may reach the Subject header. */
export function cleanSubject(subject: string): string {
  return subject
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

function bodySource(t: CampaignTemplate): string {
  return t.format === 'markdown' ? markdownToTemplate(t.body) : t.body;
}

type Renderer = (data: Record<string, string>) => string;

function compilePart(source: string, escapeHtml: boolean): Renderer {
  const fn = hb.compile(source, { ...COMPILE_OPTIONS, noEscape: !escapeHtml });
  return (data) => fn(data);
}

function partsOf(t: CampaignTemplate): [Part, string][] {
  const parts: [Part, string][] = [
    ['subject', t.subject],
    ['body', t.body],
  ];
  if (t.text !== null) parts.push(['text', t.text]);
  return parts;
}

/** Compiles subject, body (HTML or Markdown → HTML) and optional text. Throws AppError('template_invalid', …) naming the part, line and column of the first syntax error. */
export function compileTemplate(t: CampaignTemplate): CompiledTemplate {
  const fields = new Set<string>();
  for (const [part, source] of partsOf(t)) {
    const checked = checkPart(part, source);
    if ('problem' in checked) throw new AppError('template_invalid', describeProblem(checked.problem));
    for (const f of analyse(checked.ast).refs) if (!BUILT_INS.has(f)) fields.add(f);
  }
  const subject = compilePart(t.subject, false);
  const html = compilePart(bodySource(t), true);
  const text = t.text === null ? null : compilePart(t.text, false);
  return {
    fields: [...fields],
    render(vars) {
      const data = dataOf(vars);
      try {
        const body = html(data);
        return { subject: cleanSubject(subject(data)), html: body, text: text ? text(data) : htmlToText(body) };
      } catch (err) {
        throw new AppError('template_invalid', `The template could not be rendered: ${(err as Error).message}`);
      }
    },
  };
}

// ---- URL templates --------------------------------------------------------------------------------

const urlCache = new Map<string, Renderer>();

function compiledUrl(template: string): Renderer {
  let fn = urlCache.get(template);
  if (!fn) {
    const checked = checkPart('unsubscribe', template);
    if ('problem' in checked) throw new AppError('template_invalid', describeProblem(checked.problem));
    fn = compilePart(template, false);
    if (urlCache.size >= 64) urlCache.clear();
    urlCache.set(template, fn);
  }
  return fn;
}

/** Renders a Handlebars URL template (e.g. "https://x.example/u?e={{email}}") with URL-encoding of each value; result must be https. */
export function renderUrlTemplate(template: string, vars: Record<string, string>): string {
  const fn = compiledUrl(template);
  const encoded: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) encoded[k] = encodeURIComponent(v);
  const out = fn(dataOf(encoded)).trim();
  let url: URL;
  try {
    url = new URL(out);
  } catch {
    throw new AppError(
      'template_invalid',
      `The unsubscribe URL template gives "${out.slice(0, 200)}", which is not a URL. Start it with https://.`,
    );
  }
  if (url.protocol !== 'https:') {
    throw new AppError(
      'template_invalid',
      `The unsubscribe URL must start with https:// (one-click unsubscribe requires it); it gives "${out.slice(0, 200)}".`,
    );
  }
  return url.href;
}

// ---- validation -----------------------------------------------------------------------------------

/** Syntax errors (all parts, with part/line/column), unknown fields (not in knownFields and not built-ins), and a strict dry render over every recipient counting who would get an empty or missing field. `recipients` is an iterable of merge-field records (may be large: 100k; iterate, do not collect). `unsubscribeUrlTemplate` is validated too (must render to an https URL) when non-null. */
export function validateTemplate(
  t: CampaignTemplate,
  knownFields: string[],
  recipients: Iterable<Record<string, string>>,
  unsubscribeUrlTemplate: string | null,
): TemplateReport {
  const errors: TemplateProblem[] = [];
  const known = new Set(knownFields);
  const refs = new Set<string>();
  const outputs: string[][] = [];
  const usesUnsubscribeUrl: Part[] = [];

  const parts = partsOf(t);
  if (unsubscribeUrlTemplate !== null) parts.push(['unsubscribe', unsubscribeUrlTemplate]);
  for (const [part, source] of parts) {
    const checked = checkPart(part, source);
    if ('problem' in checked) {
      errors.push(checked.problem);
      continue;
    }
    const a = analyse(checked.ast);
    for (const f of a.refs) refs.add(f);
    if (a.refs.includes('unsubscribe_url')) usesUnsubscribeUrl.push(part);
    // The URL's values are percent-encoded into a link nobody reads: empty ones do not matter.
    if (part !== 'unsubscribe') outputs.push(...a.outputs);
    if (part === 'body' && t.format === 'markdown') {
      try {
        hb.precompile(markdownToTemplate(source), COMPILE_OPTIONS);
      } catch (err) {
        errors.push(
          problem('body', `${problemFromError('body', err).message} (after Markdown conversion)`, null, null),
        );
      }
    }
  }

  if (unsubscribeUrlTemplate === null) {
    for (const part of usesUnsubscribeUrl) {
      errors.push(
        problem(
          part,
          '{{unsubscribe_url}} is used, but the campaign has no unsubscribe URL template. Set one, or link to the mailto address instead.',
          null,
          null,
        ),
      );
    }
  } else if (!errors.some((e) => e.part === 'unsubscribe')) {
    if (usesUnsubscribeUrl.includes('unsubscribe')) {
      errors.push(problem('unsubscribe', 'The unsubscribe URL cannot contain {{unsubscribe_url}} itself.', null, null));
    } else {
      const sample: Record<string, string> = { email: 'recipient@example.com' };
      for (const f of knownFields) sample[f] = 'sample';
      try {
        renderUrlTemplate(unsubscribeUrlTemplate, sample);
      } catch (err) {
        errors.push(problem('unsubscribe', (err as Error).message, null, null));
      }
    }
  }

  // Before any import no column is known: nothing can be called unknown yet (the campaign has no
  // recipients, which is what starting it says).
  const unknownFields = knownFields.length === 0 ? [] : [...refs].filter((f) => !known.has(f) && !BUILT_INS.has(f));

  // Each output is empty for a recipient when all its fields are; it is reported under its
  // first field. Built-ins always have a value, and unknown fields are reported above.
  const sets = new Map<string, { field: string; fields: string[] }>();
  for (const o of outputs) {
    if (o.some((f) => BUILT_INS.has(f))) continue;
    const fields = o.filter((f) => known.has(f));
    const key = fields.join('\u0000');
    if (fields.length > 0 && !sets.has(key)) sets.set(key, { field: fields[0]!, fields });
  }
  const counts = new Map<string, number>();
  let checkedRecipients = 0;
  const emptyHere = new Set<string>();
  for (const r of recipients) {
    checkedRecipients++;
    emptyHere.clear();
    for (const s of sets.values()) {
      if (emptyHere.has(s.field)) continue;
      if (s.fields.every((f) => (r[f] ?? '').trim() === '')) emptyHere.add(s.field);
    }
    for (const f of emptyHere) counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  const order = [...knownFields];
  const emptyFields = [...counts]
    .map(([field, n]) => ({ field, recipients: n }))
    .sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));

  return {
    ok: errors.length === 0 && unknownFields.length === 0,
    errors,
    unknownFields,
    emptyFields,
    checkedRecipients,
  };
}
