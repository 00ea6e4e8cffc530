import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { childMessage } from './ipc';

const STOP_GRACE_MS = Number(process.env.BENCH_STOP_GRACE_MS ?? 5_000);

export interface ForkOptions<T> {
  /** Compiled entry module (one that calls `serveChild`). */
  modulePath: string;
  /** The child's whole environment besides PATH: nothing leaks in from the caller's shell. */
  env: Record<string, string>;
  /** The child's stdout and stderr go here, so the parent's event loop never handles its logs. */
  logFile: string;
  /** Shape of what the child reports once ready. */
  info: z.ZodType<T>;
  readyTimeoutMs?: number;
  /** Node's own flags for the child (a profiler); by default the parent's. */
  execArgv?: string[];
}

/** The last part of a log file, to say why a child failed. */
export function logTail(path: string, chars = 2_000): string {
  try {
    return readFileSync(path, 'utf8').slice(-chars).trim();
  } catch {
    return '(no log)';
  }
}

/** Resolves with the exit code (or signal name) once the process has exited. */
export function exitOf(child: ChildProcess): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(String(child.exitCode ?? child.signalCode));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(String(code ?? signal))));
}

/** Ends a process: `ask` first, SIGKILL if it has not exited within the grace period. */
export async function endProcess(child: ChildProcess, ask: () => void): Promise<void> {
  const exited = exitOf(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  ask();
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** A benchmark server in its own process, so the load generator never shares its event loop. */
export class Child<T> {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (body: unknown) => void; reject: (e: Error) => void }
  >();

  private constructor(
    private readonly child: ChildProcess,
    readonly info: T,
    private readonly logFile: string,
  ) {
    child.on('message', (raw: unknown) => {
      const message = childMessage.safeParse(raw);
      if (!message.success || message.data.type !== 'reply') return;
      const waiter = this.pending.get(message.data.id);
      this.pending.delete(message.data.id);
      if (message.data.error !== undefined) waiter?.reject(new Error(message.data.error));
      else waiter?.resolve(message.data.body);
    });
    child.once('exit', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error('bench child exited'));
      this.pending.clear();
    });
  }

  static async fork<T>(options: ForkOptions<T>): Promise<Child<T>> {
    const log = openSync(options.logFile, 'a');
    const child = fork(options.modulePath, [], {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', log, log, 'ipc'],
      ...(options.execArgv ? { execArgv: options.execArgv } : {}),
    });
    closeSync(log);
    const failure = (reason: string) =>
      new Error(`${options.modulePath} ${reason}; its log ends with:\n${logTail(options.logFile)}`);
    try {
      const info = await new Promise<T>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(failure('did not become ready')),
          options.readyTimeoutMs ?? 20_000,
        );
        child.once('exit', (code) => reject(failure(`exited (${String(code)}) before it was ready`)));
        child.on('message', (raw: unknown) => {
          const message = childMessage.safeParse(raw);
          if (!message.success || message.data.type !== 'ready') return;
          clearTimeout(timer);
          const info = options.info.safeParse(message.data.info);
          if (info.success) resolve(info.data);
          else reject(failure(`reported an unexpected ready message: ${info.error.message}`));
        });
      });
      return new Child(child, info, options.logFile);
    } catch (err) {
      await endProcess(child, () => child.kill('SIGTERM'));
      throw err;
    }
  }

  /** Sends a request to the child and parses its answer. */
  call<R>(body: unknown, answer: z.ZodType<R>): Promise<R> {
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ type: 'request', id, body });
    }).then((raw) => answer.parse(raw));
  }

  /** Why the child misbehaved, from its own log. */
  logTail(): string {
    return logTail(this.logFile);
  }

  /** Lets go of the child (it stops itself on disconnect); kills it if it does not exit in time. */
  stop(): Promise<void> {
    return endProcess(this.child, () => {
      if (this.child.connected) this.child.disconnect();
      else this.child.kill('SIGTERM');
    });
  }
}
