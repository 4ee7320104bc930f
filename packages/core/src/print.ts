// Tensor printing as PyTorch 2.x's repr: `tensor([300.0000,   0.3000], grad_fn=<MulBackward0>)`, summarised
// tensors (`...`), line wrapping at 80 columns and suffixes (dtype, grad_fn, requires_grad) that wrap too.
import { default_dtype_name, is_floating } from './dtype.js';
import { signature, type PyArgs } from './signature.js';
import type { Tensor } from './tensor.js';
import type { Node } from './autograd/node.js';

/** PyTorch's PRINT_OPTS: what `set_printoptions` changes (its 'default' profile to start). */
const PRINT_OPTS = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sci_mode: null as boolean | null };

const PROFILES: Record<string, Pick<typeof PRINT_OPTS, 'precision' | 'threshold' | 'edgeitems' | 'linewidth'>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

const SET_PRINTOPTIONS = signature<{ precision: number | null; threshold: number | null; edgeitems: number | null; linewidth: number | null; profile: string | null; sci_mode: boolean | null }>(
  'set_printoptions(int? precision=None, float? threshold=None, int? edgeitems=None, int? linewidth=None, str? profile=None, bool? sci_mode=None)',
);

/**
 * PyTorch's `torch.set_printoptions`: digits after the point (`precision`), the element count above which a
 * tensor is summarised (`threshold`, `Infinity` for never) with `edgeitems` kept at each end, the line width,
 * a `profile` ('default', 'short', 'full') that resets those four first, and `sci_mode` (true / false forces
 * scientific notation on or off, null lets each tensor choose). As in PyTorch, a call without `sci_mode` resets
 * it to null.
 *
 * @example
 * torch.set_printoptions({ precision: 2 });
 * String(torch.tensor([1.12345])); // 'tensor([1.12])'
 * torch.set_printoptions({ profile: 'default' });
 */
export function set_printoptions(...args: PyArgs<[precision?: number | null, threshold?: number | null, edgeitems?: number | null, linewidth?: number | null, profile?: string | null, sci_mode?: boolean | null], {
  precision?: number | null; threshold?: number | null; edgeitems?: number | null; linewidth?: number | null; profile?: string | null; sci_mode?: boolean | null;
}>): void {
  const a = SET_PRINTOPTIONS.parse(args);
  // PyTorch ignores an unknown profile name
  if (a.profile !== null && a.profile in PROFILES) Object.assign(PRINT_OPTS, PROFILES[a.profile]);
  if (a.precision !== null) PRINT_OPTS.precision = a.precision;
  if (a.threshold !== null) PRINT_OPTS.threshold = a.threshold;
  if (a.edgeitems !== null) PRINT_OPTS.edgeitems = a.edgeitems;
  if (a.linewidth !== null) PRINT_OPTS.linewidth = a.linewidth;
  PRINT_OPTS.sci_mode = a.sci_mode;
}

/** Python's `'{:.{p}e}'.format(v)`: at least two exponent digits. */
function py_exp(v: number): string {
  // JS drops the sign of -0, Python keeps it
  if (Object.is(v, -0)) return `-${py_exp(0)}`;
  return v.toExponential(PRINT_OPTS.precision).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python's `'{:.{p}f}'.format(v)`: exact decimal rounding, ties to even (JS's toFixed rounds ties up). */
function py_fixed(v: number, digits: number): string {
  if (Object.is(v, -0)) return `-${(0).toFixed(digits)}`;
  const s = v.toFixed(digits);
  const scaled = v * 2 * 10 ** digits;
  if (Number.isInteger(scaled) && scaled / (2 * 10 ** digits) === v && Math.abs(scaled) % 2 === 1) {
    // an exact tie: toFixed went away from zero; step back when that made the last digit odd
    const last = Number(s[s.length - 1]);
    if (last % 2 === 1) {
      const step = 10 ** -digits;
      return (v < 0 ? v + step / 2 : v - step / 2).toFixed(digits);
    }
  }
  return s;
}

function special(v: number): string | null {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return null;
}

/** PyTorch's `_Formatter`: one width and style for every element, chosen from the (summarised) values. */
interface Formatter {
  readonly width: number;
  format(v: number): string;
}

function make_formatter(values: readonly number[], dtype: Tensor['_dtype']): Formatter {
  if (dtype === 'bool') {
    const text = (v: number): string => (v ? 'True' : 'False');
    const width = Math.max(1, ...values.map((v) => text(v).length));
    return { width, format: (v) => text(v).padStart(width) };
  }
  if (!is_floating(dtype)) {
    const width = Math.max(1, ...values.map((v) => String(v).length));
    return { width, format: (v) => String(v).padStart(width) };
  }
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
  const precision = PRINT_OPTS.precision;
  let width = 1;
  let int_mode = true;
  let sci = false;
  if (finite.length > 0) {
    const abs = finite.map(Math.abs);
    const max = Math.max(...abs);
    const min = Math.min(...abs);
    int_mode = finite.every((v) => Number.isInteger(v));
    sci = max / min > 1000 || max > 1e8 || (!int_mode && min < 1e-4);
    for (const v of finite) width = Math.max(width, sci ? py_exp(v).length : int_mode ? v.toFixed(0).length + 1 : py_fixed(v, precision).length);
  }
  // a forced sci_mode changes the notation, not the width chosen above (PyTorch's _Formatter)
  if (PRINT_OPTS.sci_mode !== null) sci = PRINT_OPTS.sci_mode;
  const format = (v: number): string => {
    let s: string;
    if (sci) s = special(v) ?? py_exp(v);
    else if (int_mode) s = special(v) ?? `${Object.is(v, -0) ? '-0' : v.toFixed(0)}.`;
    else s = special(v) ?? py_fixed(v, precision);
    return s.padStart(width);
  };
  return { width, format };
}

/** Row-major values of `t` with, when summarising, only the first and last `edgeitems` entries of each long dim. */
function summarized_values(t: Tensor, data: ArrayLike<number>, summarize: boolean): number[] {
  const out: number[] = [];
  const strides: number[] = [];
  let acc = 1;
  for (let d = t.ndim - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= t._shape[d]!;
  }
  const index_lists = t._shape.map((n) => edge_indices(n, summarize).filter((i) => i >= 0));
  // odometer over the kept indices of every dim (no recursion)
  const pos = t._shape.map(() => 0);
  if (t.ndim === 0) return [data[0]!];
  if (index_lists.some((l) => l.length === 0)) return out;
  for (;;) {
    let off = 0;
    for (let d = 0; d < t.ndim; d++) off += index_lists[d]![pos[d]!]! * strides[d]!;
    out.push(data[off]!);
    let d = t.ndim - 1;
    while (d >= 0 && ++pos[d]! === index_lists[d]!.length) pos[d--] = 0;
    if (d < 0) return out;
  }
}

/** The indices printed along a dim of size `n`: all, or when summarising the edges with -1 where `...` goes. */
function edge_indices(n: number, summarize: boolean): number[] {
  const e = PRINT_OPTS.edgeitems;
  if (!summarize || n <= 2 * e) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: e }, (_, i) => i), -1, ...Array.from({ length: e }, (_, i) => n - e + i)];
}

function vector_str(values: readonly string[], indent: number, width: number): string {
  const per_line = Math.max(1, Math.floor((PRINT_OPTS.linewidth - indent) / (width + 2)));
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += per_line) lines.push(values.slice(i, i + per_line).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

/** The bracketed body (`[[1., 2.], [3., 4.]]`), built from the innermost rows outwards without recursion. */
function body_str(t: Tensor, data: ArrayLike<number>, summarize: boolean, fmt: Formatter, indent: number): string {
  if (t.ndim === 0) return fmt.format(data[0]!).trimStart();
  const cut = (n: number): number[] => edge_indices(n, summarize);
  const strides: number[] = [];
  let acc = 1;
  for (let d = t.ndim - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= t._shape[d]!;
  }
  // level d holds, for each kept prefix of indices, the rendered sub-tensor of dims d.. ; start with rows
  type Item = { offset: number };
  let prefixes: Item[] = [{ offset: 0 }];
  const levels: Item[][] = [prefixes];
  for (let d = 0; d < t.ndim - 1; d++) {
    const next: Item[] = [];
    for (const p of prefixes) for (const i of cut(t._shape[d]!)) if (i >= 0) next.push({ offset: p.offset + i * strides[d]! });
    prefixes = next;
    levels.push(prefixes);
  }
  const last = t.ndim - 1;
  let rendered = prefixes.map((p) => vector_str(cut(t._shape[last]!).map((i) => (i < 0 ? ' ...' : fmt.format(data[p.offset + i]!))), indent + last, fmt.width));
  for (let d = last - 1; d >= 0; d--) {
    const idx = cut(t._shape[d]!);
    const kept = idx.filter((i) => i >= 0).length;
    const sep = `,${'\n'.repeat(t.ndim - d - 1)}${' '.repeat(indent + d + 1)}`;
    const groups: string[] = [];
    for (let g = 0; g < rendered.length / kept; g++) {
      const children = rendered.slice(g * kept, (g + 1) * kept);
      let k = 0;
      groups.push(`[${idx.map((i) => (i < 0 ? '...' : children[k++]!)).join(sep)}]`);
    }
    rendered = groups;
  }
  return rendered[0]!;
}

/** Appends `, suffix` items, each on a new line when the line would pass 80 columns (PyTorch's `_add_suffixes`). */
function add_suffixes(text: string, suffixes: readonly string[], indent: number): string {
  let out = text;
  let last_line_len = text.length - text.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (last_line_len + s.length + 2 > PRINT_OPTS.linewidth) {
      out += `,\n${' '.repeat(indent)}${s}`;
      last_line_len = indent + s.length;
    } else {
      out += `, ${s}`;
      last_line_len += s.length + 2;
    }
  }
  return `${out})`;
}

/**
 * The text PyTorch prints for a tensor (`print(x)`), with the print options of `set_printoptions`.
 *
 * @example
 * format_tensor(torch.tensor([0.5, -1])); // 'tensor([ 0.5000, -1.0000])'
 */
export function format_tensor(t: Tensor): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const data = t._contiguous_data();
  const n = data.length;
  const suffixes: string[] = [];
  let body: string;
  const default_kind = t._dtype === default_dtype_name() || t._dtype === 'int64' || t._dtype === 'bool';
  if (n === 0) {
    if (t.ndim !== 1) suffixes.push(`size=(${t._shape.join(', ')}${t.ndim === 1 ? ',' : ''})`);
    if (t._dtype !== default_dtype_name()) suffixes.push(`dtype=torch.${t._dtype}`);
    body = '[]';
  } else {
    if (!default_kind) suffixes.push(`dtype=torch.${t._dtype}`);
    const summarize = n > PRINT_OPTS.threshold;
    const fmt = make_formatter(summarized_values(t, data, summarize), t._dtype);
    body = body_str(t, data, summarize, fmt, indent);
  }
  // reading grad_fn regenerates a view's node, which raises for a no_grad view changed in place in no_grad mode:
  // PyTorch prints that one as grad_fn=<Invalid>
  let fn: Node | null | 'Invalid';
  try {
    fn = t.grad_fn;
  } catch {
    fn = 'Invalid';
  }
  if (fn !== null) suffixes.push(`grad_fn=<${fn === 'Invalid' ? fn : fn.name().replace('torch::autograd::', '')}>`);
  else if (t.requires_grad) suffixes.push('requires_grad=True');
  return add_suffixes(prefix + body, suffixes, indent);
}
