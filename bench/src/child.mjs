import { fork } from 'node:child_process';

/** Every child still running, so a part that runs out of time leaves nothing behind. */
const live = new Set();

/** Stops every child this process started that is still running. */
export function stopAllChildren() {
  return Promise.all([...live].map((c) => c.stop(1000)));
}

/**
 * Starts a Node child process with an IPC channel. Load generators and the code under test run in
 * different processes so they do not share an event loop or a garbage collector.
 */
export function startChild(file, { args = [], execArgv = [], env = {}, quiet = true } = {}) {
  const child = fork(file, args, {
    execArgv,
    env: { ...process.env, ...env },
    stdio: quiet ? ['ignore', 'ignore', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const inbox = [];
  const waiters = [];
  let exited = null;
  child.on('message', (message) => {
    inbox.push(message);
    flush();
  });
  child.on('exit', (code, signal) => {
    live.delete(handle);
    exited = { code, signal };
    flush();
  });
  function flush() {
    for (const w of [...waiters]) {
      const i = inbox.findIndex(w.match);
      if (i >= 0) {
        waiters.splice(waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(inbox.splice(i, 1)[0]);
      } else if (exited) {
        waiters.splice(waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.reject(new Error(`${label()} exited (${exited.code ?? exited.signal}) ${lastError()}`));
      }
    }
  }
  const label = () => file.split('/').at(-1);
  const lastError = () => stderr.trim().split('\n').slice(-3).join(' | ');
  const handle = {
    child,
    /** Resolves with the next message of this `type` (a child reports `{ type: 'error', message }` on failure). */
    next(type, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const w = {
          match: (m) => m?.type === type || m?.type === 'error',
          resolve: (m) => (m.type === 'error' ? reject(new Error(`${label()}: ${m.message}`)) : resolve(m)),
          reject,
          timer: setTimeout(() => {
            waiters.splice(waiters.indexOf(w), 1);
            reject(new Error(`${label()}: no "${type}" within ${timeoutMs} ms ${lastError()}`));
          }, timeoutMs),
        };
        waiters.push(w);
        flush();
      });
    },
    send(message) {
      child.send(message);
    },
    stderr: () => stderr,
    /** Asks the child to exit (SIGTERM), then kills it when it has not after `graceMs`. */
    stop(graceMs = 3000) {
      if (exited) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
  live.add(handle);
  return handle;
}

/** Reports a child's failure to its parent, then exits. */
export function reportFailure(error) {
  process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  setTimeout(() => process.exit(1), 100);
}
