// TensorFlow.js as a peer: its cpu and wasm backends in this process, the wasm binaries read from node_modules.
// '@tensorflow/tfjs' (not tfjs-core alone) because only the union package registers the ops' gradients.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export { tf };

/** The TF.js backends a workload runs on; both are single-threaded in Node. */
export const TFJS_BACKENDS = ['cpu', 'wasm'] as const;
export type TfjsBackend = (typeof TFJS_BACKENDS)[number];

let ready: Promise<void> | null = null;

/** Initializes both backends once: the wasm one compiles its SIMD binary from the npm package, offline. */
export function load_tfjs(): Promise<void> {
  ready ??= (async () => {
    // PROD silences the "install tfjs-node" notice and skips debug checks, as a deployed app would
    tf.env().set('PROD', true);
    const dist = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    setWasmPaths(`${dist}/`);
    for (const b of TFJS_BACKENDS) if (!(await tf.setBackend(b))) throw new Error(`TF.js backend '${b}' failed to initialize`);
  })();
  return ready;
}

/**
 * Makes `backend` active. Once both are initialized the switch is synchronous, so alternating peers can
 * call it before each round; tensors a peer creates stay on its backend.
 */
export function use(backend: TfjsBackend): void {
  void tf.setBackend(backend);
  if (tf.getBackend() !== backend) throw new Error(`TF.js backend '${backend}' is not initialized: await load_tfjs() first`);
}
