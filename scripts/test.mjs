// Runs the whole suite: type-check every package, run vitest while the API reference builds (TypeDoc, warnings
// as errors), then print a plain "N passed, N failed" line.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

const results = '.vitest-results.json';
// `node scripts/test.mjs` run directly (not through pnpm) still finds the workspace's tsc and vitest
const bin = fileURLToPath(new URL('../node_modules/.bin', import.meta.url));
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env, shell: process.platform === 'win32' }).status ?? 1;

// bench/ needs its peers TF.js and onnxruntime-node, which only `pnpm bench:setup` installs; without them the
// bench is neither type-checked nor tested
const bench = ['@tensorflow/tfjs', 'onnxruntime-node'].every((p) => existsSync(`bench/node_modules/${p}/package.json`));
if (!bench) console.log('bench/ skipped: TF.js or onnxruntime-node is not installed (pnpm bench:setup installs them)');
const tsc = run('tsc', ['-b', 'packages/hooks', 'packages/core', 'packages/nn', 'packages/vision', 'examples', 'examples/inspector', ...(bench ? ['bench'] : [])]);
if (tsc !== 0) {
  console.error('type-check failed');
  process.exit(tsc);
}
// onnxruntime-node for the ONNX export tests, installed on first use (not by the workspace install)
const setup = run(process.execPath, [fileURLToPath(new URL('./test_setup.mjs', import.meta.url))]);
if (setup !== 0) process.exit(setup);
rmSync(results, { force: true });
// the docs build runs beside vitest, its output kept in a file and shown at the end
const docs_log = '.docs-build.log';
const docs_fd = openSync(docs_log, 'w');
const docs = spawn('typedoc', [], { stdio: ['ignore', docs_fd, docs_fd], env, shell: process.platform === 'win32' });
const docs_status = new Promise((done) => {
  docs.on('exit', (code) => done(code ?? 1));
  docs.on('error', () => done(1));
});
const status = run('vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile=${results}`, ...process.argv.slice(2)]);
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`\nvitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  if (r.numTotalTests === 0) process.exit(1);
}
const docs_code = await docs_status;
closeSync(docs_fd);
if (docs_code !== 0) {
  console.error(
    `${readFileSync(docs_log, 'utf8')}\napi reference (pnpm docs): TypeDoc failed; its warnings count as errors (typedoc.json). ` +
      'In a package with a typedoc.json of its own, every export needs a TSDoc comment, and every exported function and class an @example.',
  );
  process.exit(1);
}
console.log('api reference (pnpm docs): built into docs/api');
process.exit(status);
