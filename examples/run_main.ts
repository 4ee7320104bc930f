// Runs an example's main() when the file is executed directly (not when a test imports it); a bad argument
// prints the problem and the usage text instead of a stack trace.
import { pathToFileURL } from 'node:url';

export type Log = (...parts: unknown[]) => void;

/** A bad command-line argument: run_if_main prints its message and the usage, and exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A command-line integer of at least `min`, or a UsageError naming the flag and the value.
 *
 * @example
 * int_option('epochs', '0', 1); // throws "--epochs must be an integer >= 1, got '0'"
 */
export function int_option(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${v}'`);
  return n;
}

/**
 * The `--dataset` of the MNIST examples, or a UsageError.
 *
 * @example
 * dataset_option('fashion-mnist'); // 'fashion-mnist'
 */
export function dataset_option(v: string | undefined): 'mnist' | 'fashion-mnist' {
  if (v !== 'mnist' && v !== 'fashion-mnist') throw new UsageError(`--dataset must be mnist or fashion-mnist, got '${v}'`);
  return v;
}

/** Node's parseArgs errors (unknown option, missing value, …) are usage errors too. */
function is_usage_error(err: unknown): err is Error {
  return err instanceof UsageError || (err instanceof Error && String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'));
}

/**
 * What a failed run prints on stderr and its exit status: for a usage error `error: <message>` and `usage`
 * (status 2); for any other error its message (its stack with TSGRAD_DEBUG=1) and status 1.
 *
 * @example
 * failure_report(new UsageError("--epochs must be an integer >= 1, got '0'"), HELP); // { text: 'error: --epochs …', status: 2 }
 */
export function failure_report(err: unknown, usage: string, debug = process.env.TSGRAD_DEBUG === '1'): { text: string; status: number } {
  if (is_usage_error(err)) return { text: `error: ${err.message}${usage === '' ? '' : `\n\n${usage}`}`, status: 2 };
  return { text: err instanceof Error && !debug ? `error: ${err.message}` : String(err instanceof Error ? err.stack : err), status: 1 };
}

/** Calls `main(console.log)` when `meta_url` is the script Node was started with; failures as failure_report says. */
export function run_if_main(meta_url: string, main: (log: Log) => unknown, usage = ''): void {
  const entry = process.argv[1];
  if (entry !== undefined && meta_url === pathToFileURL(entry).href) {
    Promise.resolve()
      .then(() => main(console.log))
      .catch((err: unknown) => {
        const { text, status } = failure_report(err, usage);
        console.error(text);
        process.exitCode = status;
      });
  }
}
