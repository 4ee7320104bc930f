// CIFAR-10: the restricted unpickler and tar reader, CIFAR10 on a tiny python-version dataset (fixtures/cifar,
// written by make_cifar.py) against what torchvision read from it, its errors and download, and the blitz
// "Training a Classifier" tutorial ported line by line on that data, printing what PyTorch printed.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { functional as F, optim, data } from '@tsgrad/nn';
import { CIFAR10, type CIFARFile } from '../src/datasets/cifar.js';
import { unpickle, type NdArray, type PickleDict } from '../src/datasets/pickle.js';
import { untar } from '../src/datasets/tar.js';
import { Compose, Lambda, Normalize, ToTensor, type Image } from '../src/datasets/transforms.js';
import { inspect } from 'node:util';

const HERE = fileURLToPath(new URL('./fixtures/cifar/', import.meta.url));
const ROOT = join(HERE, 'data');
interface Fixture {
  reads: {
    train_list: [string, string][];
    test_list: [string, string][];
    meta: { filename: string; key: string; md5: string };
    train_len: number;
    test_len: number;
    data_shape: number[];
    targets: number[];
    test_targets: number[];
    classes: string[];
    data_sum: number;
    pixel: number[];
    item3_shape: number[];
    item3_sum: number;
    item3_at: number[];
    repr: string;
  };
  tutorial: string[];
}
const fixture = JSON.parse(readFileSync(join(HERE, 'cifar.json'), 'utf8')) as Fixture;
const r = fixture.reads;
const rows = (list: [string, string][]): CIFARFile[] => list.map(([filename, md5]) => ({ filename, md5 }));

/** CIFAR10 with the fixture's checksums in place of the real files' (as make_cifar.py patches torchvision's). */
class TinyCIFAR10<X = Image, Y = number> extends CIFAR10<X, Y> {
  static override train_list = rows(r.train_list);
  static override test_list = rows(r.test_list);
  static override meta = r.meta;
  static override dataset_name = 'CIFAR10';
}

const temps: string[] = [];
const temp_dir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tsgrad-cifar-'));
  temps.push(d);
  return d;
};
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
afterEach(() => vi.unstubAllGlobals());

describe('unpickle', () => {
  it("reads a Python 2 file's str keys and str array data as pickle.load(f, encoding='latin1') does", () => {
    // protocol 2 as Python 2's cPickle wrote CIFAR: {'data': ndarray uint8 (2, 2) of b'\x00\xff\x80\x7f', 'labels': [3, 300]}
    const op = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
    const bytes = Uint8Array.from([
      0x80, 2, ...op('}q\x00('), 0x55, 4, ...op('data'), ...op('cnumpy.core.multiarray\n_reconstruct\n'), ...op('cnumpy\nndarray\n'),
      0x4b, 0, 0x85, 0x55, 1, ...op('b'), 0x87, 0x52, ...op('('), 0x4b, 1, 0x4b, 2, 0x4b, 2, 0x86, ...op('cnumpy\ndtype\n'),
      0x55, 2, ...op('u1'), 0x4b, 0, 0x4b, 1, 0x87, 0x52, ...op('('), 0x4b, 3, 0x55, 1, ...op('|'), 0x4e, 0x4e, 0x4e, 0x4a,
      0xff, 0xff, 0xff, 0xff, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4b, 0, 0x74, 0x62, 0x89, 0x54, 4, 0, 0, 0, 0x00, 0xff, 0x80,
      0x7f, 0x74, 0x62, 0x55, 6, ...op('labels'), 0x5d, ...op('('), 0x4b, 3, 0x4d, 0x2c, 0x01, ...op('e'), ...op('u.'),
    ]);
    const d = unpickle(bytes) as PickleDict;
    const a = d.data as NdArray;
    expect([a.dtype, a.shape, [...a.bytes]]).toEqual(['|u1', [2, 2], [0, 255, 128, 127]]);
    expect(d.labels).toEqual([3, 300]);
  });

  it("reads the fixture's Python 3 protocol-2 batches (bytes as _codecs.encode(…, 'latin1'))", () => {
    const d = unpickle(readFileSync(join(ROOT, 'cifar-10-batches-py/data_batch_1'))) as PickleDict;
    expect(Object.keys(d).sort()).toEqual(['batch_label', 'data', 'filenames', 'labels']);
    expect((d.data as NdArray).shape).toEqual([8, 3072]);
    expect(d.labels).toEqual(r.targets.slice(0, 8));
    expect(d.batch_label).toBe('training batch 1 of 5');
  });

  it('refuses globals that could run code, unknown opcodes and truncated data', () => {
    expect(() => unpickle(new TextEncoder().encode('cos\nsystem\n(S"ls"\ntR.'))).toThrow("unpickle: global 'os.system' is not allowed");
    expect(() => unpickle(Uint8Array.from([0x80, 2, 0xff]))).toThrow('unpickle: opcode 0xff at offset 2 is not supported');
    expect(() => unpickle(Uint8Array.from([0x80, 2, 0x58, 9, 0, 0, 0, 0x61]))).toThrow('unpickle: the data ends early');
  });
});

describe('datasets.CIFAR10', () => {
  const train = new TinyCIFAR10({ root: ROOT });
  const test = new TinyCIFAR10(ROOT, false);

  it('reads what torchvision reads: HWC uint8 data, targets, classes', () => {
    expect([train.length, test.length]).toEqual([r.train_len, r.test_len]);
    expect(train.data.shape).toEqual(r.data_shape);
    expect(train.data._dtype).toBe('uint8');
    expect(train.targets).toEqual(r.targets);
    expect(test.targets).toEqual(r.test_targets);
    expect(train.classes).toEqual(r.classes);
    expect(train.class_to_idx.cat).toBe(3);
    expect(train.data.to(torch.int64).sum().item()).toBe(r.data_sum);
    expect(train.data.index([5, 7, 11]).tolist()).toEqual(r.pixel);
  });

  it("gives items through ToTensor and Normalize as torchvision's, and prints its repr", () => {
    const transform = new Compose([new ToTensor(), new Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])]);
    const ds = new TinyCIFAR10({ root: ROOT, transform });
    const [x, y] = ds.get(3);
    expect(x.shape).toEqual(r.item3_shape);
    expect(y).toBe(r.targets[3]);
    expect(x.to(torch.float64).sum().item()).toBeCloseTo(r.item3_sum, 4);
    expect(x.index([{}, 10, 20]).tolist()).toEqual(r.item3_at);
    const rel = relative(process.cwd(), ROOT);
    // the Python passed tuples; a JS array prints as a list unless marked as a tuple
    const as_tuples = new Compose([new ToTensor(), new Normalize(torch.as_tuple([0.5, 0.5, 0.5]), torch.as_tuple([0.5, 0.5, 0.5]))]);
    expect(String(new TinyCIFAR10({ root: rel, transform: as_tuples }))).toBe(r.repr.replace('./data', rel));
    expect(String(transform)).toBe(String(as_tuples).replaceAll('(0.5, 0.5, 0.5)', '[0.5, 0.5, 0.5]'));
    // console.log prints the same repr (transforms_tutorial prints its Lambda)
    expect(inspect(as_tuples)).toBe(String(as_tuples));
    expect(inspect(new Lambda((v: number) => v + 1))).toBe('Lambda()');
    expect(ds.get(-1)[1]).toBe(r.targets.at(-1));
    expect(() => ds.get(40)).toThrow('index 40 is out of bounds for dimension 0 with size 40');
  });

  it("raises torchvision's errors for missing or corrupt files and bad arguments", () => {
    const empty = temp_dir();
    expect(() => new CIFAR10({ root: empty })).toThrow(new Error('Dataset not found or corrupted. You can use download=True to download it'));
    // the real files' checksums do not match the fixture's
    expect(() => new CIFAR10({ root: ROOT })).toThrow('Dataset not found or corrupted');
    expect(() => new CIFAR10({ root: empty, download: true })).toThrow('use `await CIFAR10.create({ root, download: true })`');
    expect(() => new CIFAR10({ root: ROOT, trian: true } as never)).toThrow(TypeError);
    expect(() => new CIFAR10(3 as never)).toThrow(TypeError);
  });

  it('downloads and unpacks the archive with create({ download: true }), or says why it could not', async () => {
    const tgz = readFileSync(join(HERE, 'cifar-10-python.tar.gz'));
    class Downloadable extends TinyCIFAR10 {
      static override url = 'http://mirror.invalid/cifar-10-python.tar.gz';
      static override tgz_md5 = createHash('md5').update(tgz).digest('hex');
    }
    const root = temp_dir();
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } }); }));
    await expect(Downloadable.create({ root, download: true })).rejects.toThrow(
      'CIFAR10: could not download cifar-10-python.tar.gz: no network is available (http://mirror.invalid/cifar-10-python.tar.gz: fetch failed (ENOTFOUND))',
    );
    expect(existsSync(join(root, 'cifar-10-batches-py'))).toBe(false);
    vi.stubGlobal('fetch', vi.fn(async () => new Response(tgz)));
    const ds = await Downloadable.create({ root, download: true });
    expect(ds.targets).toEqual(r.targets);
    expect(log).not.toHaveBeenCalled();
    expect(untar(gunzipSync(tgz)).map((f) => f.name).sort()).toEqual([
      'cifar-10-batches-py/batches.meta', ...[1, 2, 3, 4, 5].map((b) => `cifar-10-batches-py/data_batch_${b}`), 'cifar-10-batches-py/test_batch',
    ]);
    new Downloadable({ root, download: true });
    expect(log).toHaveBeenCalledWith('Files already downloaded and verified');
    log.mockRestore();
  });
});

/** beginner_source/blitz/cifar10_tutorial.py ported line by line, with make_cifar.py's changes (seed, root, print every 5). */
function cifar10_tutorial(print: (...parts: unknown[]) => void, root: string, PATH: string): void {
  torch.manual_seed(0);
  const transform = new Compose([new ToTensor(), new Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])]);
  const batch_size = 4;
  const trainset = new TinyCIFAR10({ root, train: true, download: true, transform });
  const trainloader = new data.DataLoader(trainset, { batch_size, shuffle: true, num_workers: 2 });
  const testset = new TinyCIFAR10({ root, train: false, download: true, transform });
  const testloader = new data.DataLoader(testset, { batch_size, shuffle: false, num_workers: 2 });
  const classes = ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

  let dataiter = data.iter(trainloader);
  let [images, labels] = data.next(dataiter);
  print(Array.from({ length: batch_size }, (_, j) => classes[labels!.index([j]).item()]!.padEnd(5)).join(' '));

  class Net extends nn.Module {
    conv1 = new nn.Conv2d(3, 6, 5);
    pool = new nn.MaxPool2d(2, 2);
    conv2 = new nn.Conv2d(6, 16, 5);
    fc1 = new nn.Linear(16 * 5 * 5, 120);
    fc2 = new nn.Linear(120, 84);
    fc3 = new nn.Linear(84, 10);
    override forward(x: torch.Tensor): torch.Tensor {
      x = this.pool.call(F.relu(this.conv1.call(x)));
      x = this.pool.call(F.relu(this.conv2.call(x)));
      x = torch.flatten(x, 1);
      x = F.relu(this.fc1.call(x));
      x = F.relu(this.fc2.call(x));
      x = this.fc3.call(x);
      return x;
    }
  }

  let net = new Net();
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
  for (let epoch = 0; epoch < 2; epoch++) {
    let running_loss = 0.0;
    let i = 0;
    for (const data of trainloader) {
      const [inputs, labels] = data;
      optimizer.zero_grad();
      const outputs = net.call(inputs);
      const loss = criterion.call(outputs, labels);
      loss.backward();
      optimizer.step();
      running_loss += loss.item();
      if (i % 5 === 4) {
        print(`[${epoch + 1}, ${String(i + 1).padStart(5)}] loss: ${(running_loss / 5).toFixed(3)}`);
        running_loss = 0.0;
      }
      i++;
    }
  }
  print('Finished Training');

  torch.save(net.state_dict(), PATH);
  dataiter = data.iter(testloader);
  [images, labels] = data.next(dataiter);
  print('GroundTruth: ', Array.from({ length: 4 }, (_, j) => classes[labels!.index([j]).item()]!.padEnd(5)).join(' '));
  net = new Net();
  net.load_state_dict(torch.load(PATH, { weights_only: true }));
  let outputs = net.call(images);
  let [, predicted] = torch.max(outputs, 1);
  print('Predicted: ', Array.from({ length: 4 }, (_, j) => classes[predicted.index([j]).item()]!.padEnd(5)).join(' '));
  print(outputs);
  let correct = 0;
  let total = 0;
  torch.no_grad(() => {
    for (const data of testloader) {
      const [images, labels] = data;
      outputs = net.call(images);
      [, predicted] = torch.max(outputs.data, 1);
      total += labels!.size(0);
      correct += predicted.eq(labels!).sum().item();
    }
  });
  print(`Accuracy of the network on the ${total} test images: ${Math.floor((100 * correct) / total)} %`);
  const correct_pred: Record<string, number> = Object.fromEntries(classes.map((classname) => [classname, 0]));
  const total_pred: Record<string, number> = Object.fromEntries(classes.map((classname) => [classname, 0]));
  torch.no_grad(() => {
    for (const data of testloader) {
      const [images, labels] = data;
      const outputs = net.call(images);
      const [, predictions] = torch.max(outputs, 1);
      for (const [label, prediction] of zip(labels!, predictions)) {
        if (label.eq(prediction).item()) correct_pred[classes[label.item()]!]! += 1;
        total_pred[classes[label.item()]!]! += 1;
      }
    }
  });
  for (const [classname, correct_count] of Object.entries(correct_pred)) {
    if (total_pred[classname] === 0) continue;
    const accuracy = (100 * correct_count) / total_pred[classname]!;
    print(`Accuracy for class: ${classname.padEnd(5)} is ${accuracy.toFixed(1)} %`);
  }
  const device = torch.device(torch.cuda.is_available() ? 'cuda:0' : 'cpu');
  print(device);
}

function* zip<A, B>(a: Iterable<A>, b: Iterable<B>): Generator<[A, B]> {
  const ib = b[Symbol.iterator]();
  for (const x of a) {
    const y = ib.next();
    if (y.done) return;
    yield [x, y.value];
  }
}

describe('the blitz CIFAR-10 tutorial, ported line by line', () => {
  it('prints what PyTorch printed on the same data', () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...p: unknown[]) => lines.push(p.map(String).join(' ')));
    try {
      cifar10_tutorial((...p) => lines.push(...p.map(String).join(' ').split('\n')), ROOT, join(temp_dir(), 'cifar_net.pth'));
    } finally {
      log.mockRestore();
    }
    expect(lines).toEqual(fixture.tutorial);
  });
});
