import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { transformFileSync } from '@swc/core';
import { endProcess, exitOf, logTail } from '../../../bench/support/child';
import { childMessage } from '../../../bench/support/ipc';

const ROOT = join(__dirname, '..', '..', '..');
const SOURCES = ['src', 'bench/support', 'test/fault/support'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Compiles the bot (src, and the child entry) to JavaScript in a temp dir with swc, as jest does for
 * tests, so a real child process can run it. Returns the child entry's path. About a second.
 */
export function buildBot(): string {
  const out = join(tmpdir(), `fd-fault-bot-${process.pid}-${Date.now()}`);
  for (const file of SOURCES.flatMap((dir) => tsFiles(join(ROOT, dir)))) {
    const { code } = transformFileSync(file, {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      sourceMaps: false,
    });
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  return join(out, 'test', 'fault', 'support', 'bot-main.js');
}

/** A bot in a process of its own, which a test can SIGKILL. */
export class BotProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly logFile: string,
  ) {}

  static async start(entry: string, env: Record<string, string>, logFile: string): Promise<BotProcess> {
    const log = openSync(logFile, 'a');
    const child = fork(entry, [], {
      env: { PATH: process.env.PATH ?? '', NODE_PATH: join(ROOT, 'node_modules'), ...env },
      stdio: ['ignore', log, log, 'ipc'],
    });
    closeSync(log);
    try {
      const port = await new Promise<number>((resolve, reject) => {
        // Only for a hang: on a machine busy with other work, loading and migrating takes many times longer.
        const timer = setTimeout(() => reject(new Error('did not become ready')), 60_000);
        child.once('exit', (code) => reject(new Error(`exited (${String(code)}) before it was ready`)));
        child.on('message', (raw: unknown) => {
          const message = childMessage.safeParse(raw);
          if (!message.success || message.data.type !== 'ready') return;
          clearTimeout(timer);
          const info = message.data.info as { port?: unknown };
          if (typeof info.port === 'number') resolve(info.port);
          else reject(new Error('reported no port'));
        });
      });
      return new BotProcess(child, port, logFile);
    } catch (err) {
      await endProcess(child, () => child.kill('SIGKILL'));
      throw new Error(`bot ${(err as Error).message}; its log ends with:\n${logTail(logFile)}`);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Dies at once, mid-whatever, as on a crash or an OOM kill. */
  async kill(): Promise<void> {
    const exited = exitOf(this.child);
    this.child.kill('SIGKILL');
    await exited;
  }

  /** Lets the bot stop cleanly (it stops when its IPC channel closes). */
  stop(): Promise<void> {
    return endProcess(this.child, () => {
      if (this.child.connected) this.child.disconnect();
      else this.child.kill('SIGTERM');
    });
  }

  logTail(): string {
    return logTail(this.logFile);
  }
}
