// Node-only safetensors files: save_file/load_file over serialize/deserialize; node:fs is reached only when called.
import type { Tensor } from '../tensor.js';
import { deserialize, serialize } from './safetensors.js';
import { node_fs } from '../node_fs.js';

const ELSEWHERE = 'elsewhere use serialize()/deserialize() on bytes';

/**
 * Writes a state dict to `path` in the safetensors format (Python's `safetensors.torch.save_file`). The bytes
 * are built before the file is opened, so an invalid state dict leaves no file behind.
 *
 * @example
 * save_file(net.state_dict(), 'simple_net.safetensors', { format: 'pt' });
 */
export function save_file(state: Record<string, Tensor>, path: string, metadata?: Record<string, string>): void {
  const bytes = serialize(state, metadata);
  node_fs('save_file', ELSEWHERE).writeFileSync(path, bytes);
}

/**
 * Reads the tensors of a safetensors file (Python's `safetensors.torch.load_file`); see `deserialize` for the
 * dtype conversions and the validation. For the header's `__metadata__`, call `deserialize` on the bytes.
 *
 * @example
 * net.load_state_dict(load_file('simple_net.safetensors'));
 */
export function load_file(path: string): Record<string, Tensor> {
  return deserialize(node_fs('load_file', ELSEWHERE).readFileSync(path)).tensors;
}
