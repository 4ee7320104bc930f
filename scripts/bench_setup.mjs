// `pnpm bench:setup` (run by `pnpm bench` too): installs the bench's in-process peers, TF.js and
// onnxruntime-node, into bench/peers with `npm ci` on first use, and links them into bench/node_modules. The
// workspace install leaves them out (about 600 MB that only the bench uses). Install scripts are skipped:
// onnxruntime-node's only fetches CUDA binaries, core-js's only prints a banner. When /usr/bin/python3 has
// torch and Debian's OpenBLAS (OpenMP build) is absent, installs it with apt-get where this runs as root, so the
// PyTorch peer never runs on the reference BLAS (bench/torch_process.ts puts it first on the companion's library path).
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { install_peers, link_dir } from './peers.mjs';

const OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3';
const has_torch = existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (has_torch && process.arch === 'x64' && !existsSync(OPENBLAS)) {
  if (process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    console.log("installing Debian's libopenblas0-openmp for the bench's PyTorch peer (apt-get)");
    const apt = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
    if (!apt(['install', '-y', '--no-install-recommends', 'libopenblas0-openmp']) && !(apt(['update']) && apt(['install', '-y', '--no-install-recommends', 'libopenblas0-openmp']))) {
      console.warn('could not install libopenblas0-openmp: PyTorch runs on whatever BLAS it finds (the bench reports which)');
    }
  } else {
    console.warn(`${OPENBLAS} is absent and this is not root with apt-get: PyTorch runs on whatever BLAS it finds (the bench reports which); install libopenblas0-openmp for a fair comparison`);
  }
}

const bench = fileURLToPath(new URL('../bench', import.meta.url));
const peers = join(bench, 'peers');
// one link per package the bench imports (never the scope folder: a later `pnpm install` pruning
// bench/node_modules/@tensorflow would then delete the installed packages themselves)
const LINKED = [...['tfjs', 'tfjs-core', 'tfjs-backend-wasm'].map((name) => `@tensorflow/${name}`), 'onnxruntime-node'];
install_peers(peers, LINKED, 'installing TF.js 4.22 and onnxruntime-node 1.31 for the bench into bench/peers (npm ci, about 600 MB, once)', ['--ignore-scripts']);
const scope = join(bench, 'node_modules', '@tensorflow');
if (existsSync(scope) && lstatSync(scope).isSymbolicLink()) rmSync(scope);
for (const name of LINKED) link_dir(join(peers, 'node_modules', name), join(bench, 'node_modules', name));
