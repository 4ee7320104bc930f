// Tensor printing as PyTorch 2.x's repr: `tensor([300.0000,   0.3000], grad_fn=<MulBackward0>)`, summarised
// tensors (`...`), line wrapping at 80 columns and suffixes (dtype, grad_fn, requires_grad) that wrap too.
import { default_dtype_name, is_floating } from './dtype.js';
import type { Tensor } from './tensor.js';
import type { Node } from './autograd/node.js';

const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 80;
const PRECISION = 4;

/** Python's `'{:.{p}e}'.format(v)`: at least two exponent digits. */
function py_exp(v: number): string {
  // JS drops the sign of -0, Python keeps it
  if (Object.is(v, -0)) return `-${py_exp(0)}`;
  return v.toExponential(PRECISION).replace(/e([+-])(\d)$/, 'e$10$2');
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
  let width = 1;
  let mode: 'int' | 'sci' | 'fixed' = 'int';
  if (finite.length > 0) {
    const abs = finite.map(Math.abs);
    const max = Math.max(...abs);
    const min = Math.min(...abs);
    const int_mode = finite.every((v) => Number.isInteger(v));
    if (int_mode) {
      if (max / min > 1000 || max > 1e8) mode = 'sci';
      for (const v of finite) width = Math.max(width, mode === 'sci' ? py_exp(v).length : v.toFixed(0).length + 1);
    } else {
      mode = max / min > 1000 || max > 1e8 || min < 1e-4 ? 'sci' : 'fixed';
      for (const v of finite) width = Math.max(width, mode === 'sci' ? py_exp(v).length : py_fixed(v, PRECISION).length);
    }
  }
  const format = (v: number): string => {
    let s: string;
    if (mode === 'sci') s = special(v) ?? py_exp(v);
    else if (mode === 'int') s = special(v) ?? `${Object.is(v, -0) ? '-0' : v.toFixed(0)}.`;
    else s = special(v) ?? py_fixed(v, PRECISION);
    return s.padStart(width);
  };
  return { width, format };
}

/** Row-major values of `t` with, when summarising, only the first and last EDGE entries of each long dim. */
function summarized_values(t: Tensor, data: ArrayLike<number>, summarize: boolean): number[] {
  const out: number[] = [];
  const strides: number[] = [];
  let acc = 1;
  for (let d = t.ndim - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= t._shape[d]!;
  }
  const index_lists = t._shape.map((n) => (summarize && n > 2 * EDGE ? [0, 1, 2, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i)));
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

function vector_str(values: readonly string[], indent: number, width: number): string {
  const per_line = Math.max(1, Math.floor((LINE_WIDTH - indent) / (width + 2)));
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += per_line) lines.push(values.slice(i, i + per_line).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

/** The bracketed body (`[[1., 2.], [3., 4.]]`), built from the innermost rows outwards without recursion. */
function body_str(t: Tensor, data: ArrayLike<number>, summarize: boolean, fmt: Formatter, indent: number): string {
  if (t.ndim === 0) return fmt.format(data[0]!).trimStart();
  const cut = (n: number): number[] => (summarize && n > 2 * EDGE ? [0, 1, 2, -1, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i));
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
    if (last_line_len + s.length + 2 > LINE_WIDTH) {
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
 * The text PyTorch prints for a tensor (`print(x)`), with its default print options.
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
    const summarize = n > THRESHOLD;
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
