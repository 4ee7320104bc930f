// `pnpm release:pack [--out DIR] [--no-build]`: builds the four packages and packs each into DIR (default
// release/) as the tarball npm would publish, then checks every tarball: LICENSE and README.md inside, built
// JS and .d.ts at the paths package.json names, no `workspace:` range left, one version for every package.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGES = ['hooks', 'core', 'nn', 'vision'];
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'node_modules', '.bin');
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', shell: process.platform === 'win32', ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  return r.stdout;
}

/** pnpm itself when this runs under pnpm, else the version the workspace pins, through npx. */
function pnpm_command() {
  const exec = process.env.npm_execpath;
  if (exec !== undefined && /pnpm/.test(exec)) return [process.execPath, [exec]];
  const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
  return ['npx', ['-y', pinned]];
}

/** The file names inside a .tgz (tar's listing, without the leading `package/`). */
function tarball_files(file) {
  return run('tar', ['-tzf', file])
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^package\//, ''));
}

/** What is wrong with one packed package, as sentences (empty when it is fine). */
function check_tarball(file, version) {
  const files = new Set(tarball_files(file));
  const manifest = JSON.parse(run('tar', ['-xzOf', file, 'package/package.json']));
  const problems = [];
  for (const needed of ['LICENSE', 'README.md', 'package.json']) if (!files.has(needed)) problems.push(`has no ${needed}`);
  if (manifest.license !== 'MIT') problems.push(`license is ${manifest.license}, expected MIT`);
  if (manifest.version !== version) problems.push(`version is ${manifest.version}, expected ${version} like the other packages`);
  for (const kind of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(manifest[kind] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${kind}.${name} is still ${range}`);
      if (name.startsWith('@tsgrad/') && range !== version) problems.push(`${kind}.${name} is ${range}, expected ${version}`);
    }
  }
  const targets = [manifest.types, manifest.main, ...Object.values(manifest.exports ?? {}).flatMap((e) => (typeof e === 'string' ? [e] : [e.types, e.default]))];
  for (const target of targets.filter((t) => t !== undefined)) {
    const path = target.replace(/^\.\//, '');
    if (!files.has(path)) problems.push(`package.json points at ${target}, which is not in the tarball`);
  }
  return problems;
}

/**
 * Packs every package into `out` and checks the tarballs; returns their paths by package directory name.
 *
 * @example
 * const tarballs = pack_all({ out: 'release' }); // { hooks: 'release/tsgrad-hooks-0.1.0.tgz', ... }
 */
export function pack_all({ out, build = true }) {
  const dir = resolve(out);
  if (build) run('tsc', ['-b', ...PACKAGES.map((p) => join(root, 'packages', p))]);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const [pnpm, pre] = pnpm_command();
  const version = JSON.parse(readFileSync(join(root, 'packages', 'core', 'package.json'), 'utf8')).version;
  const tarballs = {};
  const problems = [];
  for (const name of PACKAGES) {
    const cwd = join(root, 'packages', name);
    const printed = run(pnpm, [...pre, 'pack', '--pack-destination', dir], { cwd });
    const file = printed.split('\n').map((l) => l.trim()).filter((l) => l.endsWith('.tgz')).pop();
    if (file === undefined) throw new Error(`pnpm pack printed no tarball for packages/${name}:\n${printed}`);
    tarballs[name] = file;
    for (const p of check_tarball(file, version)) problems.push(`${file}: ${p}`);
  }
  if (problems.length > 0) throw new Error(`the packed tarballs are not fit to publish:\n  ${problems.join('\n  ')}`);
  return tarballs;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const usage = 'usage: pnpm release:pack [--out DIR] [--no-build]\n  packs @tsgrad/hooks, core, nn and vision into DIR (default release/)';
  let out = 'release';
  let build = true;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out' && args[i + 1] !== undefined) out = args[++i];
    else if (args[i] === '--no-build') build = false;
    else if (args[i] === '--help' || args[i] === '-h') {
      console.log(usage);
      process.exit(0);
    } else {
      console.error(`unknown argument ${args[i]}\n${usage}`);
      process.exit(2);
    }
  }
  try {
    const tarballs = pack_all({ out, build });
    for (const file of Object.values(tarballs)) console.log(`${file}  ${(statSync(file).size / 1024).toFixed(0)} kB`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
