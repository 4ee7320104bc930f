// Two seeded tutorials ported line by line (examples/blitz_neural_networks.ts, examples/buildmodel.ts) print
// what the Python prints (fixtures/make_seeded_tutorials.py ran them with real PyTorch): the module trees, the
// tensors with PyTorch's own numbers (the seed gives PyTorch's init and inputs), grad_fn names. Only object
// addresses differ, and Python's None is JS's null.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main as blitz_neural_networks } from '../blitz_neural_networks.js';
import { main as buildmodel } from '../buildmodel.js';
import { main as optimization_tutorial } from '../optimization_tutorial.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/seeded_tutorials.json', import.meta.url), 'utf8')) as Record<string, string[]>;

/** A printed line with object addresses masked and None spelled as JS prints it. */
const comparable = (line: string): string => line.replace(/ at 0x[0-9a-f]+>/g, ' at 0x…>').replace(/^None$/, 'null');

function printed(main: (print: (...parts: unknown[]) => void) => void): string[] {
  const lines: string[] = [];
  main((...parts) => lines.push(parts.map(String).join(' ')));
  // as the fixture records stdout: trailing newlines dropped
  return lines.join('\n').replace(/\n+$/, '').split('\n');
}

describe('seeded tutorials print what PyTorch prints', () => {
  for (const [name, main] of [['blitz_neural_networks', blitz_neural_networks], ['buildmodel', buildmodel]] as const) {
    it(name, () => {
      expect(printed(main).map(comparable)).toEqual(fixture[name]!.map(comparable));
    });
  }
});

// basics/optimization_tutorial.py with torch.manual_seed(0) first, run by PyTorch 1.13: its first two printed losses
// (the fixture-free check of a training port: PyTorch's init, Fashion-MNIST's first 101 batches, SGD)
const HAVE_FASHION = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');
describe.skipIf(!HAVE_FASHION)('the optimization tutorial port trains as PyTorch does', () => {
  it("prints PyTorch's losses for the first 101 SGD steps", () => {
    const lines = printed((print) => optimization_tutorial(print, 1, 101));
    expect(lines).toEqual(['Epoch 1', '-------------------------------', 'loss: 2.305311  [   64/60000]', 'loss: 2.298351  [ 6464/60000]', 'Done!']);
  });
});
