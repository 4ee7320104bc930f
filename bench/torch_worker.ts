// Worker thread behind TorchProcess: owns the PyTorch companion's pipes, so the main thread can wait for a
// reply synchronously (Atomics.wait) while its timing loop stays free of event-loop work.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parentPort, workerData } from 'node:worker_threads';

const { python, script, shared, env } = workerData as { python: string; script: string; shared: SharedArrayBuffer; env: NodeJS.ProcessEnv };
const state = new Int32Array(shared, 0, 2);
const bytes = new Uint8Array(shared, 8);

/** Hands one JSON line to the main thread: length, bytes, then the ready flag it waits on. */
function reply(line: string): void {
  const encoded = new TextEncoder().encode(line);
  if (encoded.length > bytes.length) line = JSON.stringify({ error: `reply of ${encoded.length} bytes exceeds the buffer` });
  const n = new TextEncoder().encodeInto(line, bytes).written;
  Atomics.store(state, 1, n);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
}

const child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'inherit'], env });
createInterface({ input: child.stdout }).on('line', reply);
child.on('exit', (code) => reply(JSON.stringify({ error: `PyTorch companion exited with code ${code}` })));
child.on('error', (e) => reply(JSON.stringify({ error: e.message })));
parentPort!.on('message', (line: string) => {
  if (line === 'close') {
    child.stdin.end();
    parentPort!.close();
  } else {
    child.stdin.write(`${line}\n`);
  }
});
