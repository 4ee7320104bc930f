// Two Learn-the-Basics tutorials ported line by line (examples/tensors_tutorial.ts, examples/data_tutorial.ts)
// print what the Python prints (fixtures/make_basics_tutorials.py ran them with real PyTorch). The only
// differences are how JS prints its own values: a typed array where NumPy prints an ndarray, JS booleans and
// numbers (`true`, `12 number` for Python's `True`, `12.0 <class 'float'>`); the pixel sums of Fashion-MNIST
// images are float32 sums, equal to 6 significant digits.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main as tensors_tutorial } from '../tensors_tutorial.js';
import { main as data_tutorial } from '../data_tutorial.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/basics_tutorials.json', import.meta.url), 'utf8')) as Record<string, string[]>;
const IMAGES = fileURLToPath(new URL('./fixtures/basics_images/', import.meta.url));

/** A Python-printed line as JS prints the same values. */
function as_js(line: string): string {
  const ndarray = /^n: \[(.*)\]$/.exec(line);
  if (ndarray !== null) return `n: ${ndarray[1]!.split(/\s+/).map((v) => String(Number(v))).join(',')}`;
  return line.replace(/^(\d+)\.0 <class 'float'>$/, '$1 number').replace(/\bTrue\b/g, 'true').replace(/\bFalse\b/g, 'false');
}

function printed(main: (print: (...parts: unknown[]) => void) => void): string[] {
  const lines: string[] = [];
  main((...parts) => lines.push(parts.map(String).join(' ')));
  return lines.join('\n').replace(/\n+$/, '').split('\n');
}

/** Lines equal, but for numbers with 4 decimals (float32 sums), which agree to 6 significant digits. */
function expect_lines(got: string[], want: string[]): void {
  const sums = / (\d+\.\d{4})$/;
  expect(got.map((l) => l.replace(sums, ' #'))).toEqual(want.map(as_js).map((l) => l.replace(sums, ' #')));
  got.forEach((line, i) => {
    const [a, b] = [sums.exec(line)?.[1], sums.exec(want[i]!)?.[1]];
    if (a !== undefined) expect(Math.abs(Number(a) - Number(b)) / Number(b)).toBeLessThan(1e-6);
  });
}

describe('Learn-the-Basics tutorials print what PyTorch prints', () => {
  it('Tensors (tensorqs_tutorial)', () => {
    expect_lines(printed(tensors_tutorial), fixture.tensors_tutorial!);
  });

  const HAVE_FASHION = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');
  it.skipIf(!HAVE_FASHION)('Datasets & DataLoaders (data_tutorial)', () => {
    expect_lines(printed((print) => data_tutorial(print, IMAGES)), fixture.data_tutorial!);
  });
});
