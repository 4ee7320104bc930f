// The two tutorials ported line by line (examples/polynomial_custom_function.ts, examples/polynomial_module.ts)
// print what the Python prints: every number to 4 significant digits (fixtures/make_polynomial_tutorials.py
// ran the tutorials with real PyTorch).
import { readFileSync } from 'node:fs';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { describe, expect, it } from 'vitest';
import { main as custom_function } from '../polynomial_custom_function.js';
import { main as polynomial_module } from '../polynomial_module.js';

interface Printed {
  lines: string[];
  init?: number[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/polynomial_tutorials.json', import.meta.url), 'utf8')) as Record<string, Printed>;

function printed(main: (print: (...parts: unknown[]) => void) => void): string[] {
  const lines: string[] = [];
  main((...parts) => lines.push(parts.map(String).join(' ')));
  return lines;
}

const NUMBER = /-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/g;

/**
 * Same text once numbers are taken out, and the same numbers to 4 significant digits. Values below 1e-6 are
 * round-off around a true zero (the polynomials' a and c end near 1e-9, their sign and digits set by the
 * order of a 2000-term float32 sum) and only need to stay that small.
 */
function expect_same_lines(actual: string[], expected: string[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((line, i) => {
    const want = expected[i]!;
    expect(line.replace(NUMBER, '#'), `line ${i}`).toBe(want.replace(NUMBER, '#'));
    const got = (line.match(NUMBER) ?? []).map(Number);
    const ref = (want.match(NUMBER) ?? []).map(Number);
    got.forEach((v, k) => {
      const r = ref[k]!;
      const ok = Math.abs(r) < 1e-6 ? Math.abs(v) < 1e-6 : Math.abs(v - r) <= 5e-4 * Math.abs(r);
      expect(ok, `line ${i} number ${k}: ${v} vs PyTorch's ${r}\n${line}\n${want}`).toBe(true);
    });
  });
}

describe('examples/polynomial_custom_function.ts (PyTorch: Defining New autograd Functions)', () => {
  it('prints the losses and the fitted polynomial PyTorch prints', () => {
    expect_same_lines(printed(custom_function), fixture['polynomial_custom_function']!.lines);
  });
});

describe('examples/polynomial_module.ts (PyTorch: Custom nn Modules)', () => {
  it('from the parameters PyTorch drew, prints the losses and the fitted polynomial PyTorch prints', () => {
    // tsgrad's generator is not PyTorch's: a registration hook gives Polynomial3's four torch.randn(()) the values
    // PyTorch drew with the same seed, in registration order, without touching the example
    const init = [...fixture['polynomial_module']!.init!];
    const handle = nn.register_module_parameter_registration_hook(() => new nn.Parameter(torch.tensor(init.shift()!)));
    let lines: string[];
    try {
      lines = printed(polynomial_module);
    } finally {
      handle.remove();
    }
    expect(init).toEqual([]);
    expect_same_lines(lines, fixture['polynomial_module']!.lines);
  });
});
