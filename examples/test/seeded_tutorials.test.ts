// Two seeded tutorials ported line by line (examples/blitz_neural_networks.ts, examples/buildmodel.ts) print
// what the Python prints (fixtures/make_seeded_tutorials.py ran them with real PyTorch): the module trees, the
// tensors with PyTorch's own numbers (the seed gives PyTorch's init and inputs), grad_fn names. Only object
// addresses differ, and Python's None is JS's null.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main as blitz_neural_networks } from '../blitz_neural_networks.js';
import { main as buildmodel } from '../buildmodel.js';

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
