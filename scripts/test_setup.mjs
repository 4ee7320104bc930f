// Run by `pnpm test` before vitest: installs onnxruntime-node and onnxruntime-web, which the ONNX export tests run
// exported models in (in Node, and in headless Chromium beside the inspector's end-to-end test), into test_peers
// (npm ci, about 160 MB download, once) and links onnxruntime-node into the root node_modules, where the tests'
// imports find it (the browser test serves onnxruntime-web's files from test_peers). The workspace install leaves
// them out, so the demo never downloads them. onnxruntime-node's install script only fetches CUDA binaries, so
// install scripts are skipped.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { install_peers, link_dir } from './peers.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const peers = join(root, 'test_peers');
install_peers(peers, ['onnxruntime-node', 'onnxruntime-web'], 'installing onnxruntime-node and onnxruntime-web for the ONNX export tests into test_peers (npm ci, about 160 MB, once)', ['--ignore-scripts']);
link_dir(join(peers, 'node_modules', 'onnxruntime-node'), join(root, 'node_modules', 'onnxruntime-node'));
