// Worker thread behind TorchProcess: owns the PyTorch companion's pipes, so the main thread can wait for a
// reply synchronously (bench/sync_worker.ts) while its timing loop stays free of event-loop work.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parentPort, workerData } from 'node:worker_threads';
import { replier } from './sync_worker.js';

const { python, script, shared, env } = workerData as { python: string; script: string; shared: SharedArrayBuffer; env: NodeJS.ProcessEnv };
const reply = replier(shared);

const child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'inherit'], env });
createInterface({ input: child.stdout }).on('line', reply);
child.on('exit', (code) => reply(JSON.stringify({ error: `PyTorch companion exited with code ${code}` })));
child.on('error', (e) => reply(JSON.stringify({ error: e.message })));
parentPort!.on('message', (message: unknown) => {
  if (message === 'close') {
    child.stdin.end();
    parentPort!.close();
  } else {
    child.stdin.write(`${JSON.stringify(message)}\n`);
  }
});
