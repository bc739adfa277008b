import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export interface ServeProcess {
  baseUrl: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  dataDir: string;
}

/**
 * Spawns `wabot serve` on a random 127.0.0.1 port and waits until it listens; kills it if it does not
 * listen within `startMs`.
 */
export async function startServe(
  args: string[],
  env: Record<string, string> = {},
  startMs = 45_000,
): Promise<ServeProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the package first (npx turbo run build)`);
  const ownDir = env.WABOT_DATA_DIR === undefined;
  const dataDir = env.WABOT_DATA_DIR ?? (await mkdtemp(join(tmpdir(), 'wabot-serve-')));
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', WABOT_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const listening = new Promise<string>((resolve, reject) => {
    const onData = () => {
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"wabot API listening"/.exec(output);
      if (match?.[1]) {
        child.stdout?.off('data', onData);
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    const timer: NodeJS.Timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wabot serve did not listen within ${startMs} ms:\n${output}`));
    }, startMs);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`wabot serve exited with ${code} before listening:\n${output}`));
    });
  });
  let baseUrl: string;
  try {
    baseUrl = await listening;
  } catch (error) {
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  return {
    baseUrl,
    child,
    dataDir,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
