// Runs the whole suite: type-check every package, run vitest, then print a plain "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

const results = '.vitest-results.json';
// `node scripts/test.mjs` run directly (not through pnpm) still finds the workspace's tsc and vitest
const bin = fileURLToPath(new URL('../node_modules/.bin', import.meta.url));
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env, shell: process.platform === 'win32' }).status ?? 1;

const tsc = run('tsc', ['-b', 'packages/hooks', 'packages/core', 'packages/nn', 'packages/vision', 'examples', 'examples/inspector', 'bench']);
if (tsc !== 0) {
  console.error('type-check failed');
  process.exit(tsc);
}
rmSync(results, { force: true });
const status = run('vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile=${results}`, ...process.argv.slice(2)]);
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`\nvitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  if (r.numTotalTests === 0) process.exit(1);
}
process.exit(status);
