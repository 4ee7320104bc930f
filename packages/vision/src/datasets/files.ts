// What the file-backed datasets share: Node's modules fetched lazily, downloads from mirrors, torchvision's repr.
import type * as fs from 'node:fs';
import type * as path from 'node:path';
import type * as zlib from 'node:zlib';
import type * as crypto from 'node:crypto';
import type { createRequire } from 'node:module';

/** The Node modules a dataset reads files with. */
export interface NodeApis {
  fs: typeof fs;
  path: typeof path;
  zlib: typeof zlib;
  crypto: typeof crypto;
  module: { createRequire: typeof createRequire };
}

/** Node's modules, fetched when a dataset is built so that importing a dataset file touches no Node API. */
export function node_apis(who: string): NodeApis {
  const get = typeof process === 'undefined' ? undefined : process.getBuiltinModule;
  if (typeof get !== 'function') throw new Error(`${who} reads files and needs Node.js >= 20.16`);
  return { fs: get('node:fs'), path: get('node:path'), zlib: get('node:zlib'), crypto: get('node:crypto'), module: get('node:module') };
}

function describe_error(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return cause === undefined ? String(err.message ?? e) : `${err.message} (${cause})`;
}

/**
 * The bytes of the first URL that serves them with the given MD5, or an error naming every URL tried, why each
 * failed, and `fallback` (what to do by hand).
 *
 * @example
 * const { bytes } = await fetch_first('CIFAR10', ['https://example.org/cifar-10-python.tar.gz'], 'c58f…', 'put the files in data/');
 */
export async function fetch_first(who: string, urls: readonly string[], md5: string, fallback: string): Promise<{ url: string; bytes: Uint8Array }> {
  const failures: string[] = [];
  let got: { url: string; bytes: Uint8Array } | null = null;
  for (const url of urls) {
    try {
      if (typeof globalThis.fetch !== 'function') throw new Error('this runtime has no fetch()');
      const response = await globalThis.fetch(url);
      if (!response.ok) {
        failures.push(`${url}: HTTP ${response.status}`);
        continue;
      }
      got = { url, bytes: new Uint8Array(await response.arrayBuffer()) };
      break;
    } catch (e) {
      failures.push(`${url}: ${describe_error(e)}`);
    }
  }
  const filename = urls[0]?.slice(urls[0].lastIndexOf('/') + 1) ?? '';
  if (got === null) {
    const offline = failures.every((f) => !/: HTTP \d+$/.test(f));
    const why = offline ? 'no network is available' : 'no mirror served it';
    throw new Error(`${who}: could not download ${filename}: ${why} (${failures.join('; ')}). ${fallback}`);
  }
  const digest = node_apis(who).crypto.createHash('md5').update(got.bytes).digest('hex');
  if (digest !== md5) throw new Error(`${who}: ${filename} from ${got.url} is corrupt: its MD5 is ${digest}, expected ${md5}`);
  return got;
}

/**
 * torchvision's `VisionDataset.__repr__`: `Dataset <Name>`, the item count, root, extra lines, then the transforms.
 *
 * @example
 * dataset_repr('CIFAR10', 50000, './data', ['Split: Train'], transform, null);
 */
export function dataset_repr(name: string, length: number, root: string, extra: string[], transform: object | null, target_transform: object | null): string {
  const body = [`Number of datapoints: ${length}`, `Root location: ${root}`, ...extra];
  if (transform !== null || target_transform !== null) {
    const format = (head: string, t: object | null): string[] => {
      if (t === null) return [];
      const [first, ...rest] = String(t).split('\n');
      return [head + first, ...rest.map((line) => ' '.repeat(head.length) + line)];
    };
    body.push(['StandardTransform', ...format('Transform: ', transform), ...format('Target transform: ', target_transform)].join('\n'));
  }
  return [`Dataset ${name}`, ...body.map((line) => `    ${line}`)].join('\n');
}
