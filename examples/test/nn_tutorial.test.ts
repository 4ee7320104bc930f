// examples/nn_tutorial.ts ("What is torch.nn really?") run for its first batches prints what PyTorch printed for
// the same run (fixtures/make_nn_tutorial.py): tensors, shapes, grad_fn names, and every loss, the float64 means of
// fit() to 6 significant digits (the float32 batch losses they average agree, but not to the last bit).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../nn_tutorial.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/nn_tutorial.json', import.meta.url), 'utf8')) as {
  epochs: number;
  max_batches: number;
  lines: string[];
};

/** A printed line with plain numbers (not tensors) to 6 significant digits, and Python's False as JS prints it. */
const comparable = (line: string): string =>
  line.replace(/^(\d+) (\d+\.\d+)$/, (_, epoch: string, v: string) => `${epoch} ${Number(v).toPrecision(6)}`).replace(/^False$/, 'false');

describe('examples/nn_tutorial.ts', () => {
  it(`prints PyTorch's output for ${fixture.epochs} epoch of ${fixture.max_batches} batches per loop`, () => {
    const lines: string[] = [];
    main((...parts) => lines.push(...parts.map(String).join(' ').split('\n')), fixture.epochs, fixture.max_batches);
    expect(lines.map(comparable)).toEqual(fixture.lines.map(comparable));
  });
});
