// Folders of packages installed on demand with npm, outside the workspace install (which the demo uses):
// TF.js for the bench (bench/peers) and onnxruntime-node for the ONNX export tests (test_peers). Each folder has
// its own package.json and package-lock.json; `npm ci` runs once, then the packages are linked where imports
// look for them.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Runs `npm ci` in `dir` unless every package in `names` is installed there; exits the process when it fails.
 * `args` are extra npm flags (e.g. --ignore-scripts).
 */
export function install_peers(dir, names, message, args = []) {
  if (names.every((name) => existsSync(join(dir, 'node_modules', name, 'package.json')))) return;
  console.log(message);
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error', ...args], { cwd: dir, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error(`npm ci in ${dir} failed`);
    process.exit(r.status ?? 1);
  }
}

/**
 * Makes `link` a relative symbolic link to `target` (a directory), replacing whatever is there unless it already
 * points at `target`. Links go per package, never per scope folder, so a later `pnpm install` that prunes a
 * node_modules folder removes links, not the installed packages.
 */
export function link_dir(target, link) {
  try {
    if (lstatSync(link).isSymbolicLink() && resolve(dirname(link), readlinkSync(link)) === resolve(target)) return;
  } catch {
    // nothing there yet
  }
  rmSync(link, { recursive: true, force: true });
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(relative(dirname(link), target), link, process.platform === 'win32' ? 'junction' : 'dir');
}
