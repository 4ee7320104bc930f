// Run by `pnpm test` before vitest: installs onnxruntime-node, which the ONNX export tests run exported models
// in, into test_peers (npm ci, about 115 MB download, once) and links it into the root node_modules, where the
// tests' imports find it. The workspace install leaves it out, so the demo never downloads it. Its install
// script only fetches CUDA binaries, so it is skipped.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { install_peers, link_dir } from './peers.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const peers = join(root, 'test_peers');
install_peers(peers, ['onnxruntime-node'], 'installing onnxruntime-node for the ONNX export tests into test_peers (npm ci, about 115 MB, once)', ['--ignore-scripts']);
link_dir(join(peers, 'node_modules', 'onnxruntime-node'), join(root, 'node_modules', 'onnxruntime-node'));
