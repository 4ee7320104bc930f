// CIFAR-10 and CIFAR-100 as torchvision serves them (Node-only): the python-version batch files, or a download.
import * as torch from '@tsgrad/core';
import type { PyArgs } from '@tsgrad/core';
import { data } from '@tsgrad/nn';
import { dataset_repr, fetch_first, node_apis, type NodeApis } from './files.js';
import { unpickle, type NdArray, type PickleDict, type PickleValue } from './pickle.js';
import { untar } from './tar.js';
import type { Image, Transform } from './transforms.js';

/** Constructor options, torchvision's keyword arguments. */
export interface CIFAR10Options<X, Y> {
  /** The folder holding `cifar-10-batches-py/` (`cifar-100-python/` for CIFAR100), or where a download goes. */
  root?: string;
  /** The training batches (default) or the test batch. */
  train?: boolean;
  /** Applied to each item's `Image` (32×32 RGB), e.g. `new Compose([new ToTensor(), new Normalize(...)])`. */
  transform?: Transform<Image, X> | null;
  /** Applied to each item's label. */
  target_transform?: Transform<number, Y> | null;
  /** Fetch and unpack the archive when the files are missing (`await CIFAR10.create(...)`: a constructor cannot wait). */
  download?: boolean;
}

type CIFARArgs<X, Y> = PyArgs<
  [root: string, train: boolean, transform: Transform<Image, X> | null, target_transform: Transform<number, Y> | null, download: boolean],
  CIFAR10Options<X, Y>
>;

interface Parsed {
  root: string;
  train: boolean;
  transform: object | null;
  target_transform: object | null;
  download: boolean;
}
const PARSERS = new Map<string, torch.Signature<Parsed>>();
/** The constructor's signature under the class's name (the name argument errors show). */
function parse_args(name: string, args: unknown[]): Parsed {
  let parser = PARSERS.get(name);
  if (parser === undefined) {
    parser = torch.signature<Parsed>(`${name}(str root, bool train=True, Object? transform=None, Object? target_transform=None, bool download=False)`);
    PARSERS.set(name, parser);
  }
  return parser.parse(args);
}

/** A file of the dataset with its MD5 (torchvision's `train_list` / `test_list` rows). */
export interface CIFARFile {
  /** File name inside the base folder. */
  filename: string;
  /** Its MD5, checked before reading as torchvision does. */
  md5: string;
}

/** The metadata file (torchvision's `meta`): the class names are its entry `key`. */
export interface CIFARMeta extends CIFARFile {
  /** The entry holding the class names (`label_names`, or `fine_label_names` for CIFAR-100). */
  key: string;
}

const NOT_FOUND = 'Dataset not found or corrupted. You can use download=True to download it';
const META_NOT_FOUND = 'Dataset metadata file not found or corrupted. You can use download=True to download it';

/**
 * The CIFAR-10 tiny images (torchvision's `datasets.CIFAR10`): 50000 training and 10000 test RGB images of 32×32
 * in ten classes, read from the python-version batches in `root/cifar-10-batches-py/` (each file's MD5 checked,
 * as torchvision does). Items are `[image, label]`: the raw image is a 32×32×3 `Image`; `new ToTensor()` makes it
 * float32 `[3, 32, 32]` in [0, 1]. `data` is every image as a uint8 `[N, 32, 32, 3]` tensor (HWC, as torchvision's
 * numpy array), `targets` the labels as a number array, `classes` the names from `batches.meta`.
 *
 * @example
 * const transform = new Compose([new ToTensor(), new Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])]);
 * const trainset = new CIFAR10({ root: './data', train: true, download: true, transform });
 * const [img, label] = trainset.get(0); // float32 [3, 32, 32], 6
 */
export class CIFAR10<X = Image, Y = number> extends data.Dataset<[X, Y]> {
  /** The folder under `root` holding the batches, and the name in messages. */
  static base_folder = 'cifar-10-batches-py';
  /** Where `download` fetches the archive. */
  static url = 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz';
  /** MD5 of the archive. */
  static tgz_md5 = 'c58f30108f718f92721af3b95e74349a';
  /** The training batches. */
  static train_list: readonly CIFARFile[] = [
    { filename: 'data_batch_1', md5: 'c99cafc152244af753f735de768cd75f' },
    { filename: 'data_batch_2', md5: 'd4bba439e000b95fd0a9bffe97cbabec' },
    { filename: 'data_batch_3', md5: '54ebc095f3ab1f0389bbae665268c751' },
    { filename: 'data_batch_4', md5: '634d18415352ddfa80567beed471001a' },
    { filename: 'data_batch_5', md5: '482c414d41f54cd18b22e5b47cb7c3cb' },
  ];
  /** The test batch. */
  static test_list: readonly CIFARFile[] = [{ filename: 'test_batch', md5: '40351d587109b95175f43aff81a1287e' }];
  /** The metadata file and the key of its class names. */
  static meta: CIFARMeta = { filename: 'batches.meta', key: 'label_names', md5: '5ff9c542aee3614f3951f8cda6e48888' };
  /** The class's name in messages and its repr. */
  static dataset_name = 'CIFAR10';

  /** The root folder given. */
  readonly root: string;
  /** Whether this is the training split. */
  readonly train: boolean;
  /** Applied to each image when an item is read, or null. */
  readonly transform: Transform<Image, X> | null;
  /** Applied to each label when an item is read, or null. */
  readonly target_transform: Transform<number, Y> | null;
  /** Every image, uint8 `[N, 32, 32, 3]` (HWC). */
  readonly data: torch.Tensor;
  /** Every label (torchvision keeps a list of ints). */
  readonly targets: number[];
  /** Class names, by label. */
  readonly classes: string[];
  /** Label of each class name. */
  readonly class_to_idx: Record<string, number>;

  constructor(...args: CIFARArgs<X, Y>) {
    super();
    const cls = this.constructor as typeof CIFAR10;
    const a = parse_args(cls.dataset_name, args);
    const node = node_apis(cls.dataset_name);
    if (a.download) {
      if (!cls.check_integrity(a.root)) {
        throw new Error(`${cls.dataset_name}: download=True has to wait for the network, which a constructor cannot: use \`await ${cls.dataset_name}.create({ root, download: true })\``);
      }
      console.log('Files already downloaded and verified');
    }
    if (!cls.check_integrity(a.root)) throw new Error(NOT_FOUND);
    const folder = node.path.join(a.root, cls.base_folder);
    const chunks: Uint8Array[] = [];
    const targets: number[] = [];
    for (const { filename } of a.train ? cls.train_list : cls.test_list) {
      const file = node.path.join(folder, filename);
      const entry = read_pickle(file, node);
      chunks.push(chw_rows_to_hwc(file, entry.data));
      const labels = 'labels' in entry ? entry.labels : entry.fine_labels;
      if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'number')) throw new Error(`${file}: its 'labels' is not a list of ints`);
      targets.push(...(labels as number[]));
    }
    const n = chunks.reduce((s, c) => s + c.length, 0) / 3072;
    if (n !== targets.length) throw new Error(`${folder}: ${n} images but ${targets.length} labels`);
    const pixels = new Uint8Array(n * 3072);
    chunks.reduce((at, c) => (pixels.set(c, at), at + c.length), 0);

    const meta = node.path.join(folder, cls.meta.filename);
    if (!md5_matches(meta, cls.meta.md5, node)) throw new Error(META_NOT_FOUND);
    const names = read_pickle(meta, node)[cls.meta.key];
    if (!Array.isArray(names) || names.some((c) => typeof c !== 'string')) throw new Error(`${meta}: its '${cls.meta.key}' is not a list of names`);

    this.root = a.root;
    this.train = a.train;
    this.transform = a.transform as Transform<Image, X> | null;
    this.target_transform = a.target_transform as Transform<number, Y> | null;
    this.data = torch.from_array(pixels, [n, 32, 32, 3], 'uint8');
    this.targets = targets;
    this.classes = names as string[];
    this.class_to_idx = Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  /**
   * Builds the dataset, first downloading and unpacking the archive into `root` when `download` is set and the
   * files are missing or corrupt (torchvision's `CIFAR10(root, download=True)`; a constructor cannot wait).
   *
   * @example
   * const testset = await CIFAR10.create({ root: './data', train: false, download: true });
   */
  static async create<X = Image, Y = number>(...args: CIFARArgs<X, Y>): Promise<CIFAR10<X, Y>> {
    const a = parse_args(this.dataset_name, args);
    const fetch = a.download && !this.check_integrity(a.root);
    if (fetch) await this.download(a.root);
    // torchvision says "Files already downloaded and verified" only when nothing had to be fetched
    const transform = a.transform as Transform<Image, X> | null;
    const target_transform = a.target_transform as Transform<number, Y> | null;
    return new this<X, Y>({ root: a.root, train: a.train, transform, target_transform, download: a.download && !fetch });
  }

  /**
   * Fetches the archive, checks its MD5 and unpacks it into `root` (torchvision's `download_and_extract_archive`).
   *
   * @example
   * await CIFAR10.download('./data'); // ./data/cifar-10-batches-py/data_batch_1, ...
   */
  static async download(root: string): Promise<void> {
    const node = node_apis(this.dataset_name);
    const filename = this.url.slice(this.url.lastIndexOf('/') + 1);
    const where = node.path.join(root, this.base_folder);
    const { bytes } = await fetch_first(this.dataset_name, [this.url], this.tgz_md5, `Put the python-version batches in ${where} by hand`);
    node.fs.mkdirSync(root, { recursive: true });
    node.fs.writeFileSync(node.path.join(root, filename), bytes);
    for (const file of untar(node.zlib.gunzipSync(bytes))) {
      const to = node.path.join(root, file.name);
      node.fs.mkdirSync(node.path.dirname(to), { recursive: true });
      node.fs.writeFileSync(to, file.data);
    }
  }

  /** torchvision's `_check_integrity`: every training and test file is there with its MD5. */
  protected static check_integrity(root: string): boolean {
    const node = node_apis(this.dataset_name);
    return [...this.train_list, ...this.test_list].every(({ filename, md5 }) => md5_matches(node.path.join(root, this.base_folder, filename), md5, node));
  }

  /** Number of items (torchvision's `len(dataset)`). */
  override get length(): number {
    return this.targets.length;
  }

  /**
   * Item `index` (negative counts from the end) as `[image, label]`, each through its transform when set.
   *
   * @example
   * const [img, label] = new CIFAR10({ root: './data' }).get(0); // img: { data, height: 32, width: 32, channels: 3 }, 6
   */
  override get(index: number): [X, Y] {
    const n = this.length;
    if (!Number.isInteger(index)) throw new TypeError(`dataset index must be an integer, got ${index}`);
    if (index < -n || index >= n) throw new RangeError(`index ${index} is out of bounds for dimension 0 with size ${n}`);
    const i = index < 0 ? index + n : index;
    const pixels = this.data._contiguous_data() as Uint8Array;
    const img: Image = { data: pixels.slice(i * 3072, (i + 1) * 3072), height: 32, width: 32, channels: 3 };
    const target = this.targets[i]!;
    return [
      this.transform === null ? (img as X) : this.transform.call(img),
      this.target_transform === null ? (target as Y) : this.target_transform.call(target),
    ];
  }

  /** torchvision's repr: `Dataset CIFAR10`, the item count, root, split and transforms. */
  override toString(): string {
    const cls = this.constructor as typeof CIFAR10;
    return dataset_repr(cls.dataset_name, this.length, this.root, [`Split: ${this.train ? 'Train' : 'Test'}`], this.transform, this.target_transform);
  }
}

/**
 * CIFAR-100 (torchvision's `datasets.CIFAR100`): CIFAR10's layout with 100 fine classes, read from
 * `root/cifar-100-python/` (`train`, `test`, `meta`); labels are the fine labels.
 *
 * @example
 * const testset = new CIFAR100({ root: './data', train: false, transform: new ToTensor() });
 */
export class CIFAR100<X = Image, Y = number> extends CIFAR10<X, Y> {
  static override base_folder = 'cifar-100-python';
  static override url = 'https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz';
  static override tgz_md5 = 'eb9058c3a382ffc7106e4002c42a8d85';
  static override train_list: readonly CIFARFile[] = [{ filename: 'train', md5: '16019d7e3df5f24257cddd939b257f8d' }];
  static override test_list: readonly CIFARFile[] = [{ filename: 'test', md5: 'f0ef6b0ae62326f3e7ffdfab6717acfc' }];
  static override meta: CIFARMeta = { filename: 'meta', key: 'fine_label_names', md5: '7973b15100ade9c7d40fb424638fde48' };
  static override dataset_name = 'CIFAR100';
}

function md5_matches(file: string, md5: string, node: NodeApis): boolean {
  if (!node.fs.existsSync(file)) return false;
  return node.crypto.createHash('md5').update(node.fs.readFileSync(file)).digest('hex') === md5;
}

function read_pickle(file: string, node: NodeApis): PickleDict {
  let value: PickleValue;
  try {
    value = unpickle(node.fs.readFileSync(file));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array || (value as Partial<NdArray>).kind === 'ndarray') {
    throw new Error(`${file}: expected a pickled dict`);
  }
  return value as PickleDict;
}

/** A batch's `data` (uint8 `[n, 3072]`, each row the R, G, B planes of 32×32) as HWC pixels. */
function chw_rows_to_hwc(file: string, value: PickleValue | undefined): Uint8Array {
  const a = value as Partial<NdArray> | undefined;
  if (a?.kind !== 'ndarray' || a.dtype !== '|u1' || a.shape!.length !== 2 || a.shape![1] !== 3072) {
    const got = a?.kind === 'ndarray' ? `a ${a.dtype} array of shape (${a.shape!.join(', ')})` : 'no array';
    throw new Error(`${file}: expected 'data' to be a uint8 array of shape (N, 3072), got ${got}`);
  }
  const src = a.bytes!;
  const out = new Uint8Array(src.length);
  for (let r = 0; r < src.length; r += 3072) {
    for (let p = 0; p < 1024; p++) {
      out[r + 3 * p] = src[r + p]!;
      out[r + 3 * p + 1] = src[r + 1024 + p]!;
      out[r + 3 * p + 2] = src[r + 2048 + p]!;
    }
  }
  return out;
}
