import { type ChildProcess, spawn } from 'node:child_process';

export interface Spawned {
  /** The first match of `ready` in the output (e.g. the URL the server printed). */
  ready: RegExpExecArray;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Stops the process (SIGTERM, then SIGKILL after `graceMs`) and resolves when it exited. */
  stop(graceMs?: number): Promise<void>;
  child: ChildProcess;
}

/**
 * Spawns a server and resolves once its output matches `ready`. Rejects when the process exits
 * first or `timeoutMs` passes, killing it, so a test never leaves a process behind.
 */
export async function spawnServer(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; ready: RegExp; timeoutMs?: number },
): Promise<Spawned> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (graceMs = 5_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
  };
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${command} did not get ready within ${options.timeoutMs ?? 20_000} ms:\n${output}`));
    }, options.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = options.ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    exited.then(() => {
      clearTimeout(timer);
      reject(
        new Error(
          `${command} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`,
        ),
      );
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { ready, child, output: () => output, stop };
}
