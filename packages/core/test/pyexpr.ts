// A small evaluator for the Python snippets in fixtures (expressions, `with`, `def`, lambdas), mapped onto tsgrad.
//
// Pipeline: source → logical lines (comments and `  (annotations)` stripped) → tokens → AST → evaluation.
// Python calls become tsgrad calls by one rule: keyword arguments that name a positional parameter (tables
// METHOD_SIG / FUNC_SIG) move into that position, every other keyword goes into a trailing options object
// (API.md "Call spellings"). Operators become the nodes Python's operators make: `s - x` → `torch.rsub(x, s)`,
// `s / x` → `x.reciprocal().mul(s)`, `s * x` → `x.mul(s)`.
import * as core from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';

// ---- tokens ------------------------------------------------------------------------------------------

type TokenKind = 'num' | 'str' | 'name' | 'op' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
  /** For numbers: written without a decimal point or exponent (a Python int). */
  is_int?: boolean;
}

const PUNCT = ['...', '**', '//', '==', '!=', '>=', '<=', '+', '-', '*', '/', '%', '@', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.', ';', '=', '~'];
const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'in', 'lambda', 'with', 'def', 'for', 'return', 'pass', 'if', 'else', 'as']);
const NUMBER_RE = /^(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/;
const NAME_RE = /^[A-Za-z_]\w*/;

/** Splits one logical line into tokens (strings in single or double quotes, Python numbers, names, punctuation). */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const rest = src.slice(i);
    const num = NUMBER_RE.exec(rest);
    if (num !== null && !rest.startsWith('...')) {
      out.push({ kind: 'num', text: num[0], pos: i, is_int: /^\d+$/.test(num[0]) });
      i += num[0].length;
      continue;
    }
    const name = NAME_RE.exec(rest);
    if (name !== null) {
      out.push({ kind: 'name', text: name[0], pos: i });
      i += name[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        text += src[j];
        j++;
      }
      if (j >= src.length) throw new SyntaxError(`unterminated string at ${i}: ${src}`);
      out.push({ kind: 'str', text, pos: i });
      i = j + 1;
      continue;
    }
    const op = PUNCT.find((p) => rest.startsWith(p));
    if (op === undefined) throw new SyntaxError(`unexpected character '${c}' at ${i}: ${src}`);
    out.push({ kind: 'op', text: op, pos: i });
    i += op.length;
  }
  out.push({ kind: 'end', text: '', pos: src.length });
  return out;
}

// ---- source → logical lines --------------------------------------------------------------------------

interface Line {
  indent: number;
  text: string;
}

/** Index of the `(` matching the `)` at `close`, skipping string literals; -1 if unbalanced. */
function matching_open(s: string, close: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = close; i >= 0; i--) {
    const c = s[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === ')') depth++;
    else if (c === '(' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Removes trailing annotations the fixtures write after an expression, `F.linear(x, W)  (no bias)` or
 * `torch.zeros(2) (default)`: a parenthesised group separated by whitespace from a complete expression
 * (Python would read it as a call, which no fixture means).
 */
export function strip_annotations(text: string): string {
  let s = text.trimEnd();
  for (;;) {
    if (!s.endsWith(')')) return s;
    const open = matching_open(s, s.length - 1);
    if (open <= 0 || !/\s/.test(s[open - 1]!)) return s;
    const before = s.slice(0, open).trimEnd();
    const word = /[A-Za-z_]\w*$/.exec(before);
    const ends_expression = /[\w)\]'"]$/.test(before) && !(word !== null && KEYWORDS.has(word[0]));
    if (!ends_expression) return s;
    s = before;
  }
}

/** Splits source into logical lines: `#` comments dropped, bracketed continuations joined, annotations stripped. */
function logical_lines(src: string): Line[] {
  const lines: Line[] = [];
  let text = '';
  let indent = -1;
  let depth = 0;
  let quote: string | null = null;
  const flush = (): void => {
    const t = strip_annotations(text.trim());
    if (t !== '') lines.push({ indent: Math.max(indent, 0), text: t });
    text = '';
    indent = -1;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (indent < 0) {
      if (c === ' ' || c === '\t') continue;
      if (c === '\n') continue;
      let k = i;
      while (k > 0 && src[k - 1] !== '\n') k--;
      indent = i - k;
    }
    if (quote !== null) {
      text += c;
      if (c === '\\' && i + 1 < src.length) text += src[++i];
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '#') {
      while (i + 1 < src.length && src[i + 1] !== '\n') i++;
      continue;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === '\\' && src[i + 1] === '\n') {
      i++;
      continue;
    } else if (c === '\n' && depth <= 0) {
      flush();
      continue;
    }
    text += c;
  }
  flush();
  return lines;
}

// ---- AST ---------------------------------------------------------------------------------------------

type Expr =
  | { t: 'num'; v: number; int: boolean }
  | { t: 'str'; v: string }
  | { t: 'const'; v: null | boolean | typeof ELLIPSIS }
  | { t: 'name'; id: string }
  | { t: 'attr'; obj: Expr; name: string }
  | { t: 'call'; fn: Expr; args: Expr[]; kwargs: [string, Expr][] }
  | { t: 'subscript'; obj: Expr; items: SubItem[] }
  | { t: 'binary'; op: string; l: Expr; r: Expr }
  | { t: 'compare'; ops: string[]; operands: Expr[] }
  | { t: 'unary'; op: string; e: Expr }
  | { t: 'logic'; op: 'and' | 'or'; l: Expr; r: Expr }
  | { t: 'list'; items: Expr[] }
  | { t: 'tuple'; items: Expr[] }
  | { t: 'lambda'; params: string[]; body: Expr };
type SubItem = Expr | { t: 'slice'; start: Expr | null; stop: Expr | null; step: Expr | null };

type Stmt =
  | { t: 'expr'; e: Expr }
  | { t: 'assign'; target: Expr; e: Expr }
  | { t: 'with'; ctx: Expr; body: Stmt[] }
  | { t: 'def'; name: string; params: string[]; body: Stmt[] }
  | { t: 'for'; target: Expr; iter: Expr; body: Stmt[] }
  | { t: 'return'; e: Expr | null }
  | { t: 'pass' };

/** Python's `...` (Ellipsis). */
export const ELLIPSIS: unique symbol = Symbol('Ellipsis');

// ---- parser ------------------------------------------------------------------------------------------

const BINARY_LEVELS: string[][] = [['+', '-'], ['*', '/', '//', '%', '@']];
const COMPARE_OPS = new Set(['<', '>', '<=', '>=', '==', '!=', 'is', 'in']);

/** Recursive-descent parser over one logical line's tokens. */
class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(offset = 0): Token {
    return this.toks[Math.min(this.i + offset, this.toks.length - 1)]!;
  }
  private at(text: string): boolean {
    const t = this.peek();
    return (t.kind === 'op' || t.kind === 'name') && t.text === text;
  }
  private take(): Token {
    return this.toks[this.i++]!;
  }
  private accept(text: string): boolean {
    if (!this.at(text)) return false;
    this.i++;
    return true;
  }
  private expect(text: string): void {
    if (!this.accept(text)) throw new SyntaxError(`expected '${text}' but found '${this.peek().text || 'end of line'}'`);
  }
  get done(): boolean {
    return this.peek().kind === 'end';
  }

  /** A line: simple statements separated by `;`; `with`/`def`/`for` take the rest of the line (or a block). */
  line(): { stmts: Stmt[]; open: { body: Stmt[] } | null } {
    const stmts: Stmt[] = [];
    while (!this.done) {
      if (this.at('with') || this.at('def') || this.at('for')) {
        const compound = this.at('with') ? this.with_header() : this.at('def') ? this.def_header() : this.for_header();
        stmts.push(compound);
        if (this.done) return { stmts, open: compound };
        const inner = this.line();
        compound.body = inner.stmts;
        return { stmts, open: inner.open };
      }
      stmts.push(this.simple());
      if (!this.accept(';') && !this.done) throw new SyntaxError(`unexpected '${this.peek().text}'`);
    }
    return { stmts, open: null };
  }

  private with_header(): Stmt & { t: 'with' } {
    this.expect('with');
    const ctx = this.expr();
    this.expect(':');
    return { t: 'with', ctx, body: [] };
  }

  private for_header(): Stmt & { t: 'for' } {
    this.expect('for');
    const first = this.primary();
    const items = [first];
    while (this.accept(',')) items.push(this.primary());
    this.expect('in');
    const iter = this.expr();
    this.expect(':');
    return { t: 'for', target: items.length === 1 ? first : { t: 'tuple', items }, iter, body: [] };
  }

  private def_header(): Stmt & { t: 'def' } {
    this.expect('def');
    const name = this.take();
    if (name.kind !== 'name') throw new SyntaxError('expected a function name');
    this.expect('(');
    const params: string[] = [];
    while (!this.accept(')')) {
      params.push(this.take().text);
      if (!this.at(')')) this.expect(',');
    }
    this.expect(':');
    return { t: 'def', name: name.text, params, body: [] };
  }

  private simple(): Stmt {
    if (this.accept('pass')) return { t: 'pass' };
    if (this.accept('return')) return { t: 'return', e: this.done || this.at(';') ? null : this.expr_list() };
    const e = this.expr_list();
    if (this.accept('=')) return { t: 'assign', target: e, e: this.expr_list() };
    return { t: 'expr', e };
  }

  /** `a` or the tuple `a, b` (statement level). */
  private expr_list(): Expr {
    const first = this.expr();
    if (!this.at(',')) return first;
    const items = [first];
    while (this.accept(',')) {
      if (this.done || this.at('=') || this.at(';') || this.at(')')) break;
      items.push(this.expr());
    }
    return { t: 'tuple', items };
  }

  expr(): Expr {
    if (this.accept('lambda')) {
      const params: string[] = [];
      while (!this.accept(':')) {
        params.push(this.take().text);
        if (!this.at(':')) this.expect(',');
      }
      return { t: 'lambda', params, body: this.expr() };
    }
    return this.or_expr();
  }

  private or_expr(): Expr {
    let l = this.and_expr();
    while (this.accept('or')) l = { t: 'logic', op: 'or', l, r: this.and_expr() };
    return l;
  }
  private and_expr(): Expr {
    let l = this.not_expr();
    while (this.accept('and')) l = { t: 'logic', op: 'and', l, r: this.not_expr() };
    return l;
  }
  private not_expr(): Expr {
    if (this.accept('not')) return { t: 'unary', op: 'not', e: this.not_expr() };
    return this.comparison();
  }
  private comparison(): Expr {
    const first = this.binary(0);
    const ops: string[] = [];
    const operands = [first];
    for (;;) {
      const t = this.peek();
      if (!COMPARE_OPS.has(t.text) || t.kind === 'str' || t.kind === 'num') break;
      this.take();
      let op = t.text;
      if (op === 'is' && this.accept('not')) op = 'is not';
      ops.push(op);
      operands.push(this.binary(0));
    }
    return ops.length === 0 ? first : { t: 'compare', ops, operands };
  }
  /** Left-associative binary levels by precedence climbing; level BINARY_LEVELS.length is unary. */
  private binary(level: number): Expr {
    if (level === BINARY_LEVELS.length) return this.unary();
    let l = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !BINARY_LEVELS[level]!.includes(t.text)) return l;
      this.take();
      l = { t: 'binary', op: t.text, l, r: this.binary(level + 1) };
    }
  }
  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~')) {
      this.take();
      const e = this.unary();
      if (t.text === '-' && e.t === 'num') return { t: 'num', v: -e.v, int: e.int };
      return { t: 'unary', op: t.text, e };
    }
    return this.power();
  }
  /** `a ** b` binds tighter than a unary minus on its left and is right-associative. */
  private power(): Expr {
    const base = this.primary();
    if (this.accept('**')) return { t: 'binary', op: '**', l: base, r: this.unary() };
    return base;
  }

  private primary(): Expr {
    let e = this.atom();
    for (;;) {
      if (this.accept('.')) {
        const name = this.take();
        if (name.kind !== 'name') throw new SyntaxError(`expected an attribute name after '.'`);
        e = { t: 'attr', obj: e, name: name.text };
      } else if (this.accept('(')) {
        e = this.call_args(e);
      } else if (this.accept('[')) {
        e = { t: 'subscript', obj: e, items: this.subscript_items() };
      } else return e;
    }
  }

  private call_args(fn: Expr): Expr {
    const args: Expr[] = [];
    const kwargs: [string, Expr][] = [];
    while (!this.accept(')')) {
      if (this.peek().kind === 'name' && this.peek(1).text === '=' && this.peek(1).kind === 'op') {
        const key = this.take().text;
        this.take();
        kwargs.push([key, this.expr()]);
      } else {
        if (kwargs.length > 0) throw new SyntaxError('positional argument follows keyword argument');
        args.push(this.expr());
      }
      if (!this.at(')')) this.expect(',');
    }
    return { t: 'call', fn, args, kwargs };
  }

  private subscript_items(): SubItem[] {
    const items: SubItem[] = [];
    while (!this.accept(']')) {
      const start = this.at(':') ? null : this.expr();
      if (this.accept(':')) {
        const stop = this.at(':') || this.at(',') || this.at(']') ? null : this.expr();
        const step = this.accept(':') && !this.at(',') && !this.at(']') ? this.expr() : null;
        items.push({ t: 'slice', start, stop, step });
      } else items.push(start!);
      if (!this.at(']')) this.expect(',');
    }
    return items;
  }

  private atom(): Expr {
    const t = this.take();
    if (t.kind === 'num') return { t: 'num', v: Number(t.text), int: t.is_int === true };
    if (t.kind === 'str') {
      let v = t.text;
      while (this.peek().kind === 'str') v += this.take().text;
      return { t: 'str', v };
    }
    if (t.kind === 'name') {
      if (t.text === 'None') return { t: 'const', v: null };
      if (t.text === 'True') return { t: 'const', v: true };
      if (t.text === 'False') return { t: 'const', v: false };
      if (KEYWORDS.has(t.text)) throw new SyntaxError(`unexpected keyword '${t.text}'`);
      return { t: 'name', id: t.text };
    }
    if (t.text === '...') return { t: 'const', v: ELLIPSIS };
    if (t.text === '(') {
      if (this.accept(')')) return { t: 'tuple', items: [] };
      const first = this.expr();
      if (this.accept(')')) return first;
      const items = [first];
      while (this.accept(',')) {
        if (this.at(')')) break;
        items.push(this.expr());
      }
      this.expect(')');
      return { t: 'tuple', items };
    }
    if (t.text === '[') {
      const items: Expr[] = [];
      while (!this.accept(']')) {
        items.push(this.expr());
        if (!this.at(']')) this.expect(',');
      }
      return { t: 'list', items };
    }
    throw new SyntaxError(`unexpected '${t.text || 'end of line'}'`);
  }
}

/** Parses a program (one or more lines, `with`/`def` blocks by indentation) into statements. */
export function parse_program(src: string): Stmt[] {
  const lines = logical_lines(src);
  let pos = 0;
  const block = (indent: number): Stmt[] => {
    const out: Stmt[] = [];
    while (pos < lines.length && lines[pos]!.indent >= indent) {
      const line = lines[pos++]!;
      const { stmts, open } = new Parser(tokenize(line.text)).line();
      out.push(...stmts);
      if (open !== null) {
        if (pos >= lines.length || lines[pos]!.indent <= line.indent) throw new SyntaxError(`expected an indented block after: ${line.text}`);
        open.body = block(lines[pos]!.indent);
      }
    }
    return out;
  };
  return block(lines[0]?.indent ?? 0);
}

// ---- Python-call → tsgrad-call mapping -----------------------------------------------------------------

/** Tensor methods: the parameters (after self) that Python may pass by keyword but tsgrad takes positionally. */
const METHOD_SIG: Record<string, readonly string[]> = {
  sum: ['dim'], mean: ['dim'], amax: ['dim'], amin: ['dim'], max: ['dim'], min: ['dim'], argmax: ['dim'], argmin: ['dim'],
  var: ['dim'], std: ['dim'], softmax: ['dim'], log_softmax: ['dim'], squeeze: ['dim'], unsqueeze: ['dim'],
  backward: ['gradient'], transpose: ['dim0', 'dim1'], flatten: ['start_dim', 'end_dim'], requires_grad_: ['requires_grad'],
  pow: ['exponent'], gather: ['dim', 'index'], masked_fill: ['mask', 'value'], norm: ['p'], select: ['dim', 'index'],
  narrow: ['dim', 'start', 'length'], register_hook: ['hook'], to: ['dtype'],
  add: ['other'], sub: ['other'], mul: ['other'], div: ['other'], rsub: ['other'], matmul: ['other'], mm: ['mat2'],
  gt: ['other'], lt: ['other'], ge: ['other'], le: ['other'], eq: ['other'], ne: ['other'],
};

/** Functions whose positional parameters are not `input` followed by the method's. */
const FUNC_SIG: Record<string, readonly string[]> = {
  cat: ['tensors'], stack: ['tensors'], where: ['condition', 'input', 'other'],
  conv2d: ['input', 'weight', 'bias'], linear: ['input', 'weight', 'bias'],
  max_pool2d: ['input', 'kernel_size'], avg_pool2d: ['input', 'kernel_size'], adaptive_avg_pool2d: ['input', 'output_size'],
  cross_entropy: ['input', 'target'], nll_loss: ['input', 'target'], mse_loss: ['input', 'target'], l1_loss: ['input', 'target'],
  binary_cross_entropy: ['input', 'target'], binary_cross_entropy_with_logits: ['input', 'target'],
  leaky_relu: ['input', 'negative_slope'], grad: ['outputs', 'inputs'], backward: ['tensors', 'grad_tensors'],
  gradcheck: ['func', 'inputs'], tensor: ['data'], dropout: ['input', 'p'], randn: [], rand: [], zeros: [], ones: [], empty: [], full: ['size', 'fill_value'],
};

/**
 * Parameters Python also takes positionally after the ones above, but tsgrad only as options:
 * `F.max_pool2d(x, 2, 2)` → `max_pool2d(x, 2, { stride: 2 })`, `x.sum(1, True)` → `x.sum(1, { keepdim: true })`.
 */
const OPTION_POSITIONALS: Record<string, readonly string[]> = {
  sum: ['keepdim'], mean: ['keepdim'], amax: ['keepdim'], amin: ['keepdim'], max: ['keepdim'], min: ['keepdim'],
  argmax: ['keepdim'], argmin: ['keepdim'], var: ['unbiased', 'keepdim'], std: ['unbiased', 'keepdim'],
  backward: ['retain_graph', 'create_graph', 'inputs'], grad: ['grad_outputs', 'retain_graph', 'create_graph', 'only_inputs', 'allow_unused'],
  max_pool2d: ['stride', 'padding', 'dilation', 'ceil_mode', 'return_indices'],
  avg_pool2d: ['stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override'],
  conv2d: ['stride', 'padding', 'dilation', 'groups'], interpolate: ['size', 'scale_factor', 'mode', 'align_corners'],
  cross_entropy: ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction', 'label_smoothing'],
  nll_loss: ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction'],
  mse_loss: ['size_average', 'reduce', 'reduction'], l1_loss: ['size_average', 'reduce', 'reduction'],
  dropout: ['training', 'inplace'], leaky_relu: ['inplace'], relu: ['inplace'],
};

/** Python names whose tsgrad function has another name. */
const FUNC_ALIAS: Record<string, string> = { var: 'var_', concat: 'cat', clip: 'clamp' };

type Kwargs = [string, unknown][];

/**
 * Positional args plus keywords, placed per `sig`; other keywords, and positionals past `sig` that Python
 * names `rest`, go to an options object after all of `sig`.
 */
export function map_args(sig: readonly string[], args: readonly unknown[], kwargs: Kwargs, rest: readonly string[] = []): unknown[] {
  const extra = args.length > sig.length && rest.length > 0 ? args.slice(sig.length) : [];
  if (extra.length > rest.length) throw new TypeError(`takes at most ${sig.length + rest.length} positional arguments but ${args.length} were given`);
  const out: unknown[] = args.slice(0, args.length - extra.length);
  const options: Record<string, unknown> = {};
  let has_options = false;
  for (const [k, v] of [...extra.map((v, i): [string, unknown] => [rest[i]!, v]), ...kwargs]) {
    if (k in options) throw new TypeError(`got multiple values for argument '${k}'`);
    const at = sig.indexOf(k);
    if (at < 0) {
      options[k] = v;
      has_options = true;
    } else if (at < out.length && out[at] !== undefined) {
      throw new TypeError(`got multiple values for argument '${k}'`);
    } else out[at] = v;
  }
  if (has_options) {
    while (out.length < sig.length) out.push(undefined);
    out.push(options);
  }
  return Array.from(out);
}

// ---- runtime values ------------------------------------------------------------------------------------

/** A Python namespace (`torch`, `F`, `nn`, `torch.autograd`) over a JS object, with extra members. */
export class Namespace {
  constructor(
    readonly name: string,
    private readonly target: object,
    private readonly extra: Record<string, unknown> = {},
  ) {}
  get(attr: string): unknown {
    if (Object.prototype.hasOwnProperty.call(this.extra, attr)) return this.extra[attr];
    const key = FUNC_ALIAS[attr] ?? attr;
    const v = (this.target as Record<string, unknown>)[key];
    if (v === undefined) throw new Error(`AttributeError: module '${this.name}' has no attribute '${attr}'`);
    return v;
  }
  call(attr: string, args: unknown[], kwargs: Kwargs): unknown {
    const f = this.get(attr);
    if (f instanceof PyClass) return f.construct(args, kwargs);
    if (typeof f !== 'function') throw new TypeError(`'${this.name}.${attr}' is not callable`);
    const sig = FUNC_SIG[attr] ?? ['input', ...(METHOD_SIG[attr] ?? [])];
    return (f as (...a: unknown[]) => unknown)(...map_args(sig, args, kwargs, OPTION_POSITIONALS[attr]));
  }
}

/** A module instance of the small `nn` namespace: callable, with `eval()`/`train()` and parameters. */
export class PyModule {
  training = true;
  [param: string]: unknown;
  constructor(
    readonly type_name: string,
    private readonly forward: (m: PyModule, ...inputs: Tensor[]) => Tensor,
    params: Record<string, Tensor | null> = {},
  ) {
    Object.assign(this, params);
  }
  call(args: unknown[]): Tensor {
    if (!args.every((a) => a instanceof Tensor)) throw new TypeError(`${this.type_name}.forward() takes tensors`);
    return this.forward(this, ...(args as Tensor[]));
  }
  eval(): this {
    this.training = false;
    return this;
  }
  train(mode = true): this {
    this.training = mode;
    return this;
  }
  parameters(): Tensor[] {
    return Object.values(this).filter((v): v is Tensor => v instanceof Tensor);
  }
}

type ModuleArgs = Record<string, unknown>;

/** A constructor of the `nn` namespace (`nn.ReLU`, `nn.Linear`, …): Python's parameters by position or name. */
export class PyClass {
  constructor(
    readonly name: string,
    readonly params: readonly string[],
    private readonly make: (a: ModuleArgs) => PyModule | Tensor,
  ) {}
  construct(args: unknown[], kwargs: Kwargs): PyModule | Tensor {
    if (args.length > this.params.length) throw new TypeError(`${this.name}() takes at most ${this.params.length} positional arguments`);
    const a: ModuleArgs = {};
    args.forEach((v, i) => (a[this.params[i]!] = v));
    for (const [k, v] of kwargs) {
      if (!this.params.includes(k)) throw new TypeError(`${this.name}() got an unexpected keyword argument '${k}'`);
      a[k] = v;
    }
    return this.make(a);
  }
}

/** The entries of `a` named in `keys` that are given (not undefined), as a tsgrad options object. */
function pick(a: ModuleArgs, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => a[k] !== undefined).map((k) => [k, a[k]]));
}

/** A parameter initialised like PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
function param(shape: number[], fan_in: number): Tensor {
  const bound = 1 / Math.sqrt(fan_in);
  return core.rand(shape).mul(2 * bound).sub(bound).detach().requires_grad_(true);
}

function linear_module(n_in: number, n_out: number, with_bias: boolean): PyModule {
  return new PyModule('Linear', (m, x) => core.linear(x, m.weight as Tensor, (m.bias as Tensor | null) ?? null), {
    weight: param([n_out, n_in], n_in),
    bias: with_bias ? param([n_out], n_in) : null,
  });
}

/** PyTorch's `nn.LazyLinear(out)`: parameters (placeholders of shape `[out, 0]`) take their size at the first call. */
function lazy_linear_module(n_out: number, with_bias: boolean): PyModule {
  return new PyModule('LazyLinear', (self, x) => {
    if ((self.weight as Tensor).shape[1] === 0) {
      const made = linear_module(x.shape[x.ndim - 1]!, n_out, with_bias);
      self.weight = made.weight;
      self.bias = made.bias;
    }
    return core.linear(x, self.weight as Tensor, (self.bias as Tensor | null) ?? null);
  }, {
    weight: core.zeros([n_out, 0]).requires_grad_(true),
    bias: with_bias ? core.zeros([n_out]).requires_grad_(true) : null,
  });
}

function conv2d_module(a: ModuleArgs): PyModule {
  const [kh, kw] = typeof a.kernel_size === 'number' ? [a.kernel_size, a.kernel_size] : (a.kernel_size as number[]);
  const groups = (a.groups as number | undefined) ?? 1;
  const c_in = a.in_channels as number;
  const c_out = a.out_channels as number;
  const fan_in = (c_in / groups) * kh! * kw!;
  const options = pick(a, ['stride', 'padding', 'dilation', 'groups']);
  return new PyModule('Conv2d', (m, x) => core.conv2d(x, m.weight as Tensor, (m.bias as Tensor | null) ?? null, options), {
    weight: param([c_out, c_in / groups, kh!, kw!], fan_in),
    bias: (a.bias ?? true) ? param([c_out], fan_in) : null,
  });
}

/** A loss module: `f(input, target, options)` with the constructor's options. */
function loss_class(name: string, params: readonly string[], f: (x: Tensor, t: Tensor, o: Record<string, unknown>) => Tensor): PyClass {
  return new PyClass(name, params, (a) => new PyModule(name, (_m, x, t) => f(x, t!, pick(a, params))));
}

/** The `nn` subset core tests need; modules are thin wrappers over core ops. */
const nn_namespace = new Namespace('torch.nn', {}, {
  ReLU: new PyClass('ReLU', ['inplace'], () => new PyModule('ReLU', (_m, x) => core.relu(x))),
  LeakyReLU: new PyClass('LeakyReLU', ['negative_slope', 'inplace'], (a) => new PyModule('LeakyReLU', (_m, x) => core.leaky_relu(x, a.negative_slope as number | undefined))),
  Sigmoid: new PyClass('Sigmoid', [], () => new PyModule('Sigmoid', (_m, x) => core.sigmoid(x))),
  Tanh: new PyClass('Tanh', [], () => new PyModule('Tanh', (_m, x) => core.tanh(x))),
  Identity: new PyClass('Identity', [], () => new PyModule('Identity', (_m, x) => x)),
  Softmax: new PyClass('Softmax', ['dim'], (a) => new PyModule('Softmax', (_m, x) => core.softmax(x, a.dim as number))),
  LogSoftmax: new PyClass('LogSoftmax', ['dim'], (a) => new PyModule('LogSoftmax', (_m, x) => core.log_softmax(x, a.dim as number))),
  Dropout: new PyClass('Dropout', ['p', 'inplace'], (a) =>
    new PyModule('Dropout', (m, x) => core.dropout(x, { p: (a.p as number | undefined) ?? 0.5, training: m.training }))),
  Flatten: new PyClass('Flatten', ['start_dim', 'end_dim'], (a) =>
    new PyModule('Flatten', (_m, x) => core.flatten(x, (a.start_dim as number | undefined) ?? 1, (a.end_dim as number | undefined) ?? -1))),
  MaxPool2d: new PyClass('MaxPool2d', ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode'], (a) =>
    new PyModule('MaxPool2d', (_m, x) => core.max_pool2d(x, a.kernel_size as core.Pair, pick(a, ['stride', 'padding', 'dilation', 'ceil_mode'])))),
  AvgPool2d: new PyClass('AvgPool2d', ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override'], (a) =>
    new PyModule('AvgPool2d', (_m, x) => core.avg_pool2d(x, a.kernel_size as core.Pair, pick(a, ['stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override'])))),
  AdaptiveAvgPool2d: new PyClass('AdaptiveAvgPool2d', ['output_size'], (a) =>
    new PyModule('AdaptiveAvgPool2d', (_m, x) => core.adaptive_avg_pool2d(x, a.output_size as core.Pair))),
  Linear: new PyClass('Linear', ['in_features', 'out_features', 'bias'], (a) => linear_module(a.in_features as number, a.out_features as number, (a.bias as boolean | undefined) ?? true)),
  LazyLinear: new PyClass('LazyLinear', ['out_features', 'bias'], (a) => lazy_linear_module(a.out_features as number, (a.bias as boolean | undefined) ?? true)),
  Conv2d: new PyClass('Conv2d', ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias'], conv2d_module),
  CrossEntropyLoss: loss_class('CrossEntropyLoss', ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction', 'label_smoothing'], (x, t, o) => core.cross_entropy(x, t, o)),
  NLLLoss: loss_class('NLLLoss', ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction'], (x, t, o) => core.nll_loss(x, t, o)),
  MSELoss: loss_class('MSELoss', ['size_average', 'reduce', 'reduction'], (x, t, o) => core.mse_loss(x, t, o)),
  L1Loss: loss_class('L1Loss', ['size_average', 'reduce', 'reduction'], (x, t, o) => core.l1_loss(x, t, o)),
  Sequential: (...mods: PyModule[]) => new PyModule('Sequential', (_m, x) => mods.reduce((h, mod) => mod.call([h]), x)),
  Parameter: new PyClass('Parameter', ['data', 'requires_grad'], (a) => (a.data as Tensor).detach().requires_grad_((a.requires_grad as boolean | undefined) ?? true)),
  // F.embedding / F.embedding_bag are core's functional_embedding*, torch.embedding* the native ops
  functional: new Namespace('torch.nn.functional', core, { embedding: core.functional_embedding, embedding_bag: core.functional_embedding_bag }),
});

const DTYPES: Record<string, core.DType> = {
  float32: 'float32', float: 'float32', float64: 'float64', double: 'float64', int64: 'int64', long: 'int64', bool: 'bool',
};

const torch_namespace = new Namespace('torch', core, {
  ...DTYPES,
  nn: nn_namespace,
  autograd: new Namespace('torch.autograd', core.autograd),
});

/** Python's `float('nan')`, `float('inf')`, `float('-inf')` and numeric strings. */
function py_float(s: string): number {
  const t = s.trim().toLowerCase();
  if (t === 'nan') return Number.NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Number.POSITIVE_INFINITY;
  if (t === '-inf' || t === '-infinity') return Number.NEGATIVE_INFINITY;
  const v = Number(t);
  if (Number.isNaN(v)) throw new Error(`ValueError: could not convert string to float: '${s}'`);
  return v;
}

/** Names every program sees: `torch`, `F`, `nn`, grad-mode helpers and a few builtins. */
function builtins(): Map<string, unknown> {
  return new Map<string, unknown>([
    ['torch', torch_namespace],
    ['F', nn_namespace.get('functional')],
    ['nn', nn_namespace],
    ['no_grad', core.no_grad],
    ['enable_grad', core.enable_grad],
    ['set_grad_enabled', core.set_grad_enabled],
    ['len', (v: unknown) => (v instanceof Tensor ? v.shape[0] : (v as unknown[]).length)],
    ['range', (a: number, b?: number, s = 1) => {
      const [lo, hi] = b === undefined ? [0, a] : [a, b];
      const out: number[] = [];
      for (let i = lo; s > 0 ? i < hi : i > hi; i += s) out.push(i);
      return out;
    }],
    ['abs', (v: unknown) => (v instanceof Tensor ? v.abs() : Math.abs(v as number))],
    ['float', (v: unknown) => (typeof v === 'string' ? py_float(v) : Number(v instanceof Tensor ? v.item() : v))],
    ['int', (v: unknown) => Math.trunc(Number(v instanceof Tensor ? v.item() : v))],
  ]);
}

/** Variables of a program; lookups fall back to the enclosing scope, then to the builtins. */
export class Scope {
  private readonly vars = new Map<string, unknown>();
  constructor(
    private readonly parent: Scope | null = null,
    initial: Record<string, unknown> = {},
  ) {
    for (const [k, v] of Object.entries(initial)) this.vars.set(k, v);
  }
  has(name: string): boolean {
    return this.vars.has(name) || (this.parent?.has(name) ?? false);
  }
  get(name: string): unknown {
    if (this.vars.has(name)) return this.vars.get(name);
    if (this.parent !== null) return this.parent.get(name);
    throw new Error(`NameError: name '${name}' is not defined`);
  }
  set(name: string, value: unknown): void {
    this.vars.set(name, value);
  }
  /** Values of this scope's own variables. */
  values(): unknown[] {
    return [...this.vars.values()];
  }
}

/** A fresh top-level scope with the builtins and `initial` variables. */
export function python_scope(initial: Record<string, unknown> = {}): Scope {
  const root = new Scope(null, Object.fromEntries(builtins()));
  return new Scope(root, initial);
}

class ReturnSignal {
  constructor(readonly value: unknown) {}
}

// ---- evaluation -----------------------------------------------------------------------------------------

function is_int_literal_list(e: Expr): boolean {
  // an empty list holds no integer literal: torch.tensor([]) is float32
  const leaves: Expr[] = [];
  const stack = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.t === 'list' || x.t === 'tuple') stack.push(...x.items);
    else leaves.push(x);
  }
  return leaves.length > 0 && leaves.every((x) => x.t === 'num' && x.int);
}

function type_name(v: unknown): string {
  if (v === null) return 'NoneType';
  if (v instanceof Tensor) return 'Tensor';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyModule) return v.type_name;
  return typeof v;
}

function binary_op(op: string, l: unknown, r: unknown): unknown {
  const lt = l instanceof Tensor;
  const rt = r instanceof Tensor;
  if (op === '@') return core.matmul(l as Tensor, r as Tensor);
  if (lt || rt) {
    const x = (lt ? l : r) as Tensor;
    switch (op) {
      case '+': return lt ? x.add(r as Tensor | number) : x.add(l as number);
      case '-': return lt ? x.sub(r as Tensor | number) : core.rsub(x, l as number);
      case '*': return lt ? x.mul(r as Tensor | number) : x.mul(l as number);
      case '/': return lt ? x.div(r as Tensor | number) : x.reciprocal().mul(l as number);
      case '//': return core.div(lt ? x : core.full([], l as number), (lt ? r : x) as Tensor | number, { rounding_mode: 'floor' });
      case '**': return lt ? x.pow(r as Tensor | number) : core.pow(l as number, x);
    }
    throw new TypeError(`unsupported operand ${op} for ${type_name(l)} and ${type_name(r)}`);
  }
  if (Array.isArray(l) && Array.isArray(r) && op === '+') return [...l, ...r];
  if (typeof l !== 'number' || typeof r !== 'number') throw new TypeError(`unsupported operand ${op} for ${type_name(l)} and ${type_name(r)}`);
  switch (op) {
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '/': return l / r;
    case '//': return Math.floor(l / r);
    case '%': return ((l % r) + r) % r;
    case '**': return l ** r;
  }
  throw new TypeError(`unsupported operand ${op}`);
}

const FLIP: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '==': '==', '!=': '!=' };
const COMPARE_METHOD: Record<string, 'gt' | 'lt' | 'ge' | 'le' | 'eq' | 'ne'> = { '>': 'gt', '<': 'lt', '>=': 'ge', '<=': 'le', '==': 'eq', '!=': 'ne' };

function compare_op(op: string, l: unknown, r: unknown): unknown {
  if (op === 'is') return l === r;
  if (op === 'is not') return l !== r;
  if (op === 'in') return Array.isArray(r) ? r.includes(l) : false;
  if (l instanceof Tensor) return l[COMPARE_METHOD[op]!](r as Tensor | number);
  if (r instanceof Tensor) return r[COMPARE_METHOD[FLIP[op]!]!](l as number);
  const a = l as number;
  const b = r as number;
  switch (op) {
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
    case '==': return a === b || JSON.stringify(a) === JSON.stringify(b);
    case '!=': return !(a === b || JSON.stringify(a) === JSON.stringify(b));
  }
  throw new TypeError(`unsupported comparison ${op}`);
}

function truthy(v: unknown): boolean {
  if (v instanceof Tensor) return v.item() !== 0;
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

/** A tensor index item in tsgrad's spelling (API.md: ints, slices, '...', null, int64/bool tensors, lists). */
function index_item(v: unknown): core.IndexItem {
  if (v === ELLIPSIS) return '...';
  if (v === null || typeof v === 'number' || v instanceof Tensor) return v;
  if (Array.isArray(v)) return v as number[];
  if (typeof v === 'object' && 'slice' in (v as object)) return (v as { slice: core.Slice }).slice;
  throw new TypeError(`only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got ${type_name(v)})`);
}

function index_list(obj: unknown[] | string, item: unknown): unknown {
  const n = obj.length;
  if (typeof item === 'number') {
    const i = item < 0 ? item + n : item;
    if (i < 0 || i >= n) throw new RangeError(`IndexError: index ${item} out of range`);
    return obj[i];
  }
  if (typeof item === 'object' && item !== null && 'slice' in item) {
    const { start, stop, step } = (item as { slice: core.Slice }).slice;
    const st = step ?? 1;
    const clampi = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    const out: unknown[] = [];
    for (let i = start == null ? 0 : clampi(start); i < (stop == null ? n : clampi(stop)); i += st) out.push(obj[i]);
    return out;
  }
  throw new TypeError(`list indices must be integers or slices, not ${type_name(item)}`);
}

/** Evaluates expressions and statements against a scope. */
class Interpreter {
  eval(e: Expr, scope: Scope): unknown {
    switch (e.t) {
      case 'num': return e.v;
      case 'str': return e.v;
      case 'const': return e.v;
      case 'name': return scope.get(e.id);
      case 'list':
      case 'tuple': return e.items.map((item) => this.eval(item, scope));
      case 'attr': return this.attribute(this.eval(e.obj, scope), e.name);
      case 'call': return this.call(e, scope);
      case 'subscript': return this.subscript(e, scope);
      case 'binary': return binary_op(e.op, this.eval(e.l, scope), this.eval(e.r, scope));
      case 'compare': {
        let left = this.eval(e.operands[0]!, scope);
        let result: unknown = true;
        for (let k = 0; k < e.ops.length; k++) {
          const right = this.eval(e.operands[k + 1]!, scope);
          result = compare_op(e.ops[k]!, left, right);
          if (e.ops.length > 1 && !truthy(result)) return false;
          left = right;
        }
        return result;
      }
      case 'unary': {
        const v = this.eval(e.e, scope);
        if (e.op === 'not') return !truthy(v);
        if (e.op === '+') return v;
        if (v instanceof Tensor) return e.op === '-' ? v.neg() : v.logical_not();
        if (typeof v !== 'number') throw new TypeError(`bad operand type for unary ${e.op}: '${type_name(v)}'`);
        return e.op === '-' ? -v : ~v;
      }
      case 'logic': {
        const l = this.eval(e.l, scope);
        if (e.op === 'and') return truthy(l) ? this.eval(e.r, scope) : l;
        return truthy(l) ? l : this.eval(e.r, scope);
      }
      case 'lambda': return (...args: unknown[]) => {
        const local = new Scope(scope);
        e.params.forEach((p, k) => local.set(p, args[k] ?? null));
        return this.eval(e.body, local);
      };
    }
  }

  private attribute(obj: unknown, name: string): unknown {
    if (obj instanceof Namespace) return obj.get(name);
    if (obj === null || obj === undefined) throw new Error(`AttributeError: 'NoneType' object has no attribute '${name}'`);
    const v = (obj as Record<string, unknown>)[name];
    if (v === undefined) throw new Error(`AttributeError: '${type_name(obj)}' object has no attribute '${name}'`);
    return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(obj) : v;
  }

  private call(e: Expr & { t: 'call' }, scope: Scope): unknown {
    const args = e.args.map((a) => this.eval(a, scope));
    const kwargs: Kwargs = e.kwargs.map(([k, v]) => [k, this.eval(v, scope)]);
    if (e.fn.t === 'attr') {
      const obj = this.eval(e.fn.obj, scope);
      const name = e.fn.name;
      if (obj instanceof Namespace) {
        // Python's torch.tensor([0, 1]) of integer literals is int64; JS numbers would make float32
        if (name === 'tensor' && e.args[0] !== undefined && is_int_literal_list(e.args[0]) && !kwargs.some(([k]) => k === 'dtype')) kwargs.push(['dtype', 'int64']);
        return obj.call(name, args, kwargs);
      }
      const method = obj === null || obj === undefined ? undefined : (obj as Record<string, unknown>)[name];
      if (typeof method !== 'function') throw new Error(`AttributeError: '${type_name(obj)}' object has no callable attribute '${name}'`);
      const rest = obj instanceof Tensor ? OPTION_POSITIONALS[name] : undefined;
      return (method as (...a: unknown[]) => unknown).apply(obj, map_args(METHOD_SIG[name] ?? [], args, kwargs, rest));
    }
    const fn = this.eval(e.fn, scope);
    if (fn instanceof PyModule) {
      if (kwargs.length > 0) throw new TypeError(`${fn.type_name}.forward() got unexpected keyword arguments`);
      return fn.call(args);
    }
    if (fn instanceof PyClass) return fn.construct(args, kwargs);
    if (typeof fn !== 'function') throw new TypeError(`'${type_name(fn)}' object is not callable`);
    return (fn as (...a: unknown[]) => unknown)(...map_args([], args, kwargs));
  }

  private subscript(e: Expr & { t: 'subscript' }, scope: Scope): unknown {
    const obj = this.eval(e.obj, scope);
    const items = e.items.map((item) => {
      if (item.t !== 'slice') return this.eval(item, scope);
      const part = (x: Expr | null): number | null => (x === null ? null : (this.eval(x, scope) as number | null));
      return { slice: { start: part(item.start), stop: part(item.stop), step: part(item.step) } };
    });
    if (obj instanceof Tensor) return obj.index(items.map(index_item));
    if (items.length !== 1) throw new TypeError(`${type_name(obj)} indices must be a single integer or slice`);
    if (Array.isArray(obj) || typeof obj === 'string') return index_list(obj, items[0]);
    if (typeof obj === 'object' && obj !== null && typeof items[0] === 'string') return (obj as Record<string, unknown>)[items[0]];
    throw new TypeError(`'${type_name(obj)}' object is not subscriptable`);
  }

  private assign(target: Expr, value: unknown, scope: Scope): void {
    if (target.t === 'name') scope.set(target.id, value);
    else if (target.t === 'attr') (this.eval(target.obj, scope) as Record<string, unknown>)[target.name] = value;
    else if (target.t === 'tuple' || target.t === 'list') {
      const values = Array.isArray(value) ? value : value instanceof Tensor ? Array.from({ length: value.shape[0]! }, (_, k) => value.index([k])) : null;
      if (values === null || values.length !== target.items.length) {
        throw new Error(`ValueError: cannot unpack ${type_name(value)} into ${target.items.length} values`);
      }
      target.items.forEach((t, k) => this.assign(t, values[k], scope));
    } else throw new SyntaxError(`cannot assign to ${target.t}`);
  }

  /** Runs statements; the result is the value of the last one (an assignment yields the assigned value). */
  exec(stmts: readonly Stmt[], scope: Scope): unknown {
    let last: unknown = null;
    for (const s of stmts) {
      switch (s.t) {
        case 'expr':
          last = this.eval(s.e, scope);
          break;
        case 'assign':
          last = this.eval(s.e, scope);
          this.assign(s.target, last, scope);
          break;
        case 'with': {
          const ctx = this.eval(s.ctx, scope) as Partial<Disposable> | null;
          if (ctx === null || typeof ctx[Symbol.dispose] !== 'function') throw new TypeError(`'${type_name(ctx)}' object does not support the context manager protocol`);
          try {
            last = this.exec(s.body, scope);
          } finally {
            ctx[Symbol.dispose]!();
          }
          break;
        }
        case 'def': {
          const fn = (...args: unknown[]): unknown => {
            const local = new Scope(scope);
            s.params.forEach((p, k) => local.set(p, args[k] ?? null));
            try {
              this.exec(s.body, local);
            } catch (r) {
              if (r instanceof ReturnSignal) return r.value;
              throw r;
            }
            return null;
          };
          Object.defineProperty(fn, 'name', { value: s.name });
          scope.set(s.name, fn);
          last = fn;
          break;
        }
        case 'for': {
          const iter = this.eval(s.iter, scope);
          if (!Array.isArray(iter)) throw new TypeError(`'${type_name(iter)}' object is not iterable`);
          for (const item of iter) {
            this.assign(s.target, item, scope);
            last = this.exec(s.body, scope);
          }
          break;
        }
        case 'return':
          throw new ReturnSignal(s.e === null ? null : this.eval(s.e, scope));
        case 'pass':
          break;
      }
    }
    return last;
  }
}

const interpreter = new Interpreter();

/**
 * Runs a Python snippet against `scope` (created with `python_scope`) and returns the value of its last
 * statement. Variables it assigns stay in `scope`.
 *
 * @example
 * const scope = python_scope({ x });
 * run_python('y = x * 2; with torch.no_grad(): y + 1', scope);  // a tensor with requires_grad false
 */
export function run_python(src: string, scope: Scope = python_scope()): unknown {
  return interpreter.exec(parse_program(src), scope);
}

/** Names a snippet reads (for building its inputs): every identifier that is not assigned earlier or builtin. */
export function free_names(src: string): string[] {
  const stmts = parse_program(src);
  const assigned = new Set<string>();
  const found = new Set<string>();
  const builtin = builtins();
  const visit = (e: Expr | SubItem | null, bound: ReadonlySet<string>): void => {
    if (e === null) return;
    switch (e.t) {
      case 'name':
        if (!assigned.has(e.id) && !bound.has(e.id) && !builtin.has(e.id)) found.add(e.id);
        return;
      case 'attr': return visit(e.obj, bound);
      case 'call': visit(e.fn, bound); e.args.forEach((a) => visit(a, bound)); e.kwargs.forEach(([, v]) => visit(v, bound)); return;
      case 'subscript': visit(e.obj, bound); e.items.forEach((i) => visit(i, bound)); return;
      case 'slice': visit(e.start, bound); visit(e.stop, bound); visit(e.step, bound); return;
      case 'binary': case 'logic': visit(e.l, bound); visit(e.r, bound); return;
      case 'compare': e.operands.forEach((o) => visit(o, bound)); return;
      case 'unary': return visit(e.e, bound);
      case 'list': case 'tuple': e.items.forEach((i) => visit(i, bound)); return;
      case 'lambda': return visit(e.body, new Set([...bound, ...e.params]));
      default: return;
    }
  };
  const targets = (t: Expr): void => {
    if (t.t === 'name') assigned.add(t.id);
    else if (t.t === 'tuple' || t.t === 'list') t.items.forEach(targets);
    else visit(t, new Set());
  };
  const walk = (list: readonly Stmt[], bound: ReadonlySet<string>): void => {
    for (const s of list) {
      if (s.t === 'expr') visit(s.e, bound);
      else if (s.t === 'assign') {
        visit(s.e, bound);
        targets(s.target);
      } else if (s.t === 'with') {
        visit(s.ctx, bound);
        walk(s.body, bound);
      } else if (s.t === 'def') {
        assigned.add(s.name);
        walk(s.body, new Set([...bound, ...s.params]));
      } else if (s.t === 'for') {
        visit(s.iter, bound);
        targets(s.target);
        walk(s.body, bound);
      } else if (s.t === 'return') visit(s.e, bound);
    }
  };
  walk(stmts, new Set());
  return [...found];
}
