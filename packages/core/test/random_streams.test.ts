// PyTorch's CPU random streams bit for bit: every program of fixtures/random/random_streams.json (seeds, sizes
// around the 16-element block boundary, dtypes, generator objects, interleaved samplers) replayed through tsgrad.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';

interface TensorSpec { data: number[]; shape: number[]; dtype?: string }
interface Step {
  op: string;
  size?: number[];
  dtype?: string;
  out: { shape: number[]; data: (number | boolean)[] };
  [key: string]: unknown;
}
interface Program { seed: number; generator: boolean; steps: Step[] }

const fixture = JSON.parse(readFileSync(new URL('./fixtures/random/random_streams.json', import.meta.url), 'utf8')) as { programs: Program[] };

const tensor = (s: TensorSpec): Tensor => torch.tensor(s.data, { dtype: (s.dtype ?? 'float32') as torch.DType }).reshape(s.shape);

function run(step: Step, g: torch.Generator | null): Tensor {
  const kw = g === null ? {} : { generator: g };
  const dtype = (step.dtype ?? 'float32') as torch.DType;
  const size = step.size ?? [];
  const n = (k: string): number => step[k] as number;
  const t = (k: string): Tensor => tensor(step[k] as TensorSpec);
  switch (step.op) {
    case 'rand': return torch.rand(size, { dtype, ...kw });
    case 'randn': return torch.randn(size, { dtype, ...kw });
    case 'randint': return torch.randint(n('low'), n('high'), size, { dtype: (step.dtype ?? 'int64') as torch.DType, ...kw });
    case 'randperm': return torch.randperm(n('n'), kw);
    case 'uniform_': return torch.empty(size, { dtype }).uniform_(n('a'), n('b'), kw);
    case 'normal_': return torch.empty(size, { dtype }).normal_(n('mean'), n('std'), kw);
    case 'normal_t': return torch.empty([...size].reverse(), { dtype }).t().normal_(n('mean'), n('std'), kw);
    case 'random_': return torch.empty(size, { dtype }).random_(...((step.args as number[] | undefined) ?? []) as [], kw);
    case 'exponential_': return torch.empty(size, { dtype }).exponential_(n('lambd'), kw);
    case 'geometric_': return torch.empty(size, { dtype }).geometric_(n('p'), kw);
    case 'log_normal_': return torch.empty(size, { dtype }).log_normal_(n('mean'), n('std'), kw);
    case 'cauchy_': return torch.empty(size, { dtype }).cauchy_(n('median'), n('sigma'), kw);
    case 'bernoulli': return torch.bernoulli(t('p'), kw);
    case 'bernoulli_p': return torch.bernoulli(torch.empty(size, { dtype }), n('p'), kw);
    case 'bernoulli_': return torch.empty(size, { dtype }).bernoulli_(n('p'), kw);
    case 'bernoulli_t': return torch.empty(size, { dtype }).bernoulli_(t('p'), kw);
    case 'multinomial': return torch.multinomial(t('p'), n('n'), step.replacement as boolean, kw);
    case 'normal_tt': return torch.normal(t('mean'), t('std'), kw);
    case 'normal_tf': return torch.normal(t('mean'), n('std'), kw);
    case 'normal_ft': return torch.normal(n('mean'), t('std'), kw);
    case 'normal_ff': return torch.normal(n('mean'), n('std'), size, { dtype, ...kw });
    case 'rand_like': return torch.rand_like(torch.empty(size, { dtype }));
    case 'randn_like': return torch.randn_like(torch.empty(size, { dtype }));
    case 'randint_like': return torch.randint_like(torch.empty(size, { dtype }), n('low'), n('high'));
    case 'state': return (g ?? torch.default_generator).get_state();
    default: throw new Error(`unknown op ${step.op}`);
  }
}

describe('PyTorch CPU random streams', () => {
  for (const [k, p] of fixture.programs.entries()) {
    const ops = [...new Set(p.steps.map((s) => s.op + (s.dtype !== undefined ? `:${s.dtype}` : '')))].join(' ');
    it(`program ${k} (seed ${p.seed}${p.generator ? ', Generator object' : ''}): ${ops}`, () => {
      let g: torch.Generator | null = null;
      if (p.generator) {
        g = new torch.Generator().manual_seed(p.seed);
        torch.manual_seed(999);
      } else torch.manual_seed(p.seed);
      for (const [i, step] of p.steps.entries()) {
        const out = run(step, g);
        expect(out.shape, `step ${i} ${step.op}`).toEqual(step.out.shape);
        const got = Array.from(out._contiguous_data() as ArrayLike<number>);
        const want = step.out.data.map(Number);
        const what = `step ${i} ${step.op} ${JSON.stringify(step.size ?? '')} ${step.dtype ?? ''}`;
        if (out._dtype !== 'float64') expect(got, what).toEqual(want);
        else {
          // float64 samplers call log/sin/cos/exp/tan, where V8's libm and glibc's disagree in the last bit on a
          // few percent of arguments: the same draws, within two ulps
          const off = got.findIndex((v, j) => !(Math.abs(v - want[j]!) <= 4.5e-16 * Math.abs(want[j]!)));
          expect(off, `${what}: element ${off} is ${got[off]}, PyTorch's ${want[off]}`).toBe(-1);
        }
      }
    });
  }
});
