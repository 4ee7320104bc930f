// einsum: any contraction written in Einstein notation, evaluated as PyTorch does, pairwise left to right
// through permute / reshape / bmm (so its gradient is theirs).
import { trace_op, tracing } from '../jit/tracer.js';
import type { Tensor } from '../tensor.js';
import { signature } from '../signature.js';
import { mul } from './arithmetic.js';
import { bmm } from './linalg.js';
import { sum } from './reduce.js';
import { expand, permute, reshape } from './view.js';

interface Term {
  t: Tensor;
  letters: string[];
}

/** Splits one operand's subscripts, expanding `...` into as many placeholder letters as it covers. */
function subscripts(spec: string, ndim: number | null, ellipsis: string[]): string[] {
  const parts = spec.split('...');
  if (parts.length > 2) throw new Error(`einsum(): found more than one '...' in '${spec}'`);
  for (const c of spec.replace('...', '')) if (!/[a-zA-Z]/.test(c)) throw new Error(`einsum(): invalid subscript given at index ${spec.indexOf(c)} in the equation string, subscripts must be in [a-zA-Z]`);
  if (parts.length === 1) return [...spec];
  const n = ndim === null ? ellipsis.length : ndim - parts[0]!.length - parts[1]!.length;
  const dots = ellipsis.slice(ellipsis.length - n);
  return [...parts[0]!, ...dots, ...parts[1]!];
}

/** Sums out the letters of `term` that nothing later needs, then checks it has no repeated letter. */
function reduce_unneeded(term: Term, needed: Set<string>): Term {
  if (new Set(term.letters).size !== term.letters.length) throw new Error('tsgrad: einsum with a subscript repeated within one operand (a diagonal) is not supported');
  const drop = term.letters.map((l, i) => (needed.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (drop.length === 0) return term;
  return { t: sum(term.t, drop), letters: term.letters.filter((l) => needed.has(l)) };
}

function contract(a: Term, b: Term, needed: Set<string>): Term {
  const size = new Map<string, number>();
  for (const term of [a, b]) {
    term.letters.forEach((l, i) => {
      const s = term.t._shape[i]!;
      const prev = size.get(l);
      if (prev !== undefined && prev !== s && prev !== 1 && s !== 1) {
        throw new Error(`einsum(): operands do not broadcast with remapped shapes (original->remapped): subscript ${l} has size ${prev} and ${s}`);
      }
      size.set(l, Math.max(prev ?? 1, s));
    });
  }
  const in_b = new Set(b.letters);
  const in_a = new Set(a.letters);
  const batch = a.letters.filter((l) => in_b.has(l) && needed.has(l));
  const summed = a.letters.filter((l) => in_b.has(l) && !needed.has(l));
  const left = a.letters.filter((l) => !in_b.has(l));
  const right = b.letters.filter((l) => !in_a.has(l));
  const prod = (ls: string[]): number => ls.reduce((p, l) => p * size.get(l)!, 1);
  const arrange = (term: Term, order: string[], shape3: number[]): Tensor => {
    const p = permute(term.t, order.map((l) => term.letters.indexOf(l)));
    return reshape(expand(p, order.map((l) => size.get(l)!)), shape3);
  };
  const letters = [...batch, ...left, ...right];
  if (summed.length === 0) {
    // nothing to sum: a broadcast product, as PyTorch does it
    const side = (term: Term, own: string[]): Tensor => {
      const p = permute(term.t, [...batch, ...own].map((l) => term.letters.indexOf(l)));
      return reshape(p, letters.map((l) => (term.letters.includes(l) ? term.t._shape[term.letters.indexOf(l)]! : 1)));
    };
    const lhs = side(a, left);
    const rhs = side(b, right);
    return { t: mul(lhs, rhs), letters };
  }
  const A = arrange(a, [...batch, ...left, ...summed], [prod(batch), prod(left), prod(summed)]);
  const B = arrange(b, [...batch, ...summed, ...right], [prod(batch), prod(summed), prod(right)]);
  return { t: reshape(bmm(A, B), letters.map((l) => size.get(l)!)), letters };
}

const EINSUM = signature<{ equation: string; operands: Tensor[] }>('einsum(str equation, Tensor... operands)');

/**
 * Einstein summation: `'bij,bjk->bik'`, `'bhqd,bhkd->bhqk'`, `'i,i->'`, `'...ij->...ji'`; without `->` the
 * output is the letters used once, in alphabetical order. Size-1 dims broadcast.
 *
 * @example
 * torch.einsum('bqd,bkd->bqk', q, k);
 */
export function einsum(equation: string, ...operands: (Tensor | Tensor[])[]): Tensor {
  if (tracing) return trace_op('aten::einsum', einsum, [equation, ...operands]);
  const { equation: eq0, operands: tensors } = EINSUM.parse([equation, ...operands]);
  if (tensors.length === 0) throw new Error('einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list');
  equation = eq0;
  const eq = equation.replace(/\s/g, '');
  const [lhs, rhs] = eq.includes('->') ? (eq.split('->') as [string, string]) : [eq, null];
  const specs = lhs.split(',');
  if (specs.length !== tensors.length) throw new Error(`einsum(): more operands were provided than specified in the equation`.replace('more', specs.length > tensors.length ? 'fewer' : 'more'));
  const used = new Set(eq.replace(/[^a-zA-Z]/g, ''));
  const placeholders = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'].filter((c) => !used.has(c));
  let ellipsis_dims = 0;
  specs.forEach((s, i) => {
    if (s.includes('...')) ellipsis_dims = Math.max(ellipsis_dims, tensors[i]!.ndim - s.replace('...', '').length);
  });
  const ellipsis = placeholders.slice(0, ellipsis_dims);
  const terms: Term[] = specs.map((s, i) => {
    const letters = subscripts(s, tensors[i]!.ndim, ellipsis);
    if (letters.length !== tensors[i]!.ndim) throw new Error(`einsum(): the number of subscripts in the equation (${letters.length}) does not match the number of dimensions (${tensors[i]!.ndim}) for operand ${i}${s.includes('...') ? '' : ' and no ellipsis was given'}`);
    return { t: tensors[i]!, letters };
  });
  let out: string[];
  if (rhs !== null) out = subscripts(rhs, null, ellipsis);
  else {
    const counts = new Map<string, number>();
    for (const term of terms) for (const l of term.letters) counts.set(l, (counts.get(l) ?? 0) + 1);
    out = [...ellipsis, ...[...counts.keys()].filter((l) => counts.get(l) === 1 && !ellipsis.includes(l)).sort()];
  }
  const needed_after = (k: number): Set<string> => new Set([...out, ...terms.slice(k + 1).flatMap((t) => t.letters)]);
  let acc = reduce_unneeded(terms[0]!, needed_after(0));
  for (let k = 1; k < terms.length; k++) {
    const needed = needed_after(k);
    const next = reduce_unneeded(terms[k]!, new Set([...needed, ...acc.letters]));
    acc = contract(reduce_unneeded(acc, new Set([...needed, ...next.letters])), next, needed);
  }
  for (const l of out) if (!acc.letters.includes(l)) throw new Error(`einsum(): output subscript ${l} does not appear in the equation for any input operand`);
  acc = reduce_unneeded(acc, new Set(out));
  const order = out.map((l) => acc.letters.indexOf(l));
  return order.every((d, i) => d === i) ? acc.t : permute(acc.t, order);
}
