// Tensor printing close to PyTorch's repr: `tensor([300.0000,   0.3000], grad_fn=<MulBackward0>)`.
import { get_default_dtype } from './dtype.js';
import type { Tensor } from './tensor.js';

const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 80;

function formatter(values: number[], is_float: boolean): (v: number) => string {
  if (!is_float) return (v) => String(v);
  const finite = values.filter((v) => Number.isFinite(v));
  const nonzero = finite.map(Math.abs).filter((v) => v !== 0);
  const special = (v: number): string | null => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null);
  if (nonzero.length === 0) return (v) => special(v) ?? `${v === 0 && Object.is(v, -0) ? '-0' : '0'}.`;
  const max = Math.max(...nonzero);
  const min = Math.min(...nonzero);
  const int_mode = finite.every((v) => Number.isInteger(v));
  if (int_mode) {
    if (max > 1e8) return (v) => special(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
    return (v) => special(v) ?? `${v.toFixed(0)}.`;
  }
  if (max / min > 1000 || max > 1e8 || min < 1e-4) return (v) => special(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
  return (v) => special(v) ?? v.toFixed(4);
}

/** The text PyTorch prints for a tensor. */
export function format_tensor(t: Tensor): string {
  const data = Array.from(t._contiguous_data());
  const is_float = t.dtype === 'float32' || t.dtype === 'float64';
  const summarize = data.length > THRESHOLD;
  const shown: number[] = [];
  const collect = (dim: number, base: number): void => {
    if (dim === t.ndim) {
      shown.push(data[base]!);
      return;
    }
    const n = t.shape[dim]!;
    const inner = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const idx = summarize && n > 2 * EDGE ? [...Array(EDGE).keys(), ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
    for (const i of idx) collect(dim + 1, base + i * inner);
  };
  collect(0, 0);
  const fmt0 = formatter(shown, is_float);
  const as_str = (v: number): string => (t.dtype === 'bool' ? (v ? 'True' : 'False') : fmt0(v));
  const width = Math.max(1, ...shown.map((v) => as_str(v).length));
  const cell = (v: number): string => as_str(v).padStart(width);
  const prefix = 'tensor(';
  const render = (dim: number, base: number, indent: number): string => {
    if (t.ndim === 0) return as_str(data[0]!);
    const n = t.shape[dim]!;
    const inner = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const cut = summarize && n > 2 * EDGE;
    const idx = cut ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
    if (dim === t.ndim - 1) {
      const items = idx.map((i) => (i < 0 ? '...' : cell(data[base + i]!)));
      const per_line = Math.max(1, Math.floor((LINE_WIDTH - indent) / (width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += per_line) lines.push(items.slice(i, i + per_line).join(', '));
      return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
    }
    const sep = `,${'\n'.repeat(t.ndim - dim - 1)}${' '.repeat(indent + 1)}`;
    return `[${idx.map((i) => (i < 0 ? '...' : render(dim + 1, base + i * inner, indent + 1))).join(sep)}]`;
  };
  const suffix: string[] = [];
  if (data.length === 0 && t.ndim > 1) suffix.push(`size=(${t.shape.join(', ')})`);
  if (t.dtype !== get_default_dtype() && t.dtype !== 'int64' && t.dtype !== 'bool') suffix.push(`dtype=torch.${t.dtype}`);
  if (t.grad_fn !== null) suffix.push(`grad_fn=<${t.grad_fn.name().replace('torch::autograd::', '')}>`);
  else if (t.requires_grad) suffix.push('requires_grad=True');
  const body = data.length === 0 ? '[]' : render(0, 0, prefix.length);
  return `${prefix}${[body, ...suffix].join(', ')})`;
}
