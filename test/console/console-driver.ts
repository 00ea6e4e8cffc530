import { PassThrough, Writable } from 'node:stream';
import { runConsole, type ConsoleOptions } from '../../src/console/console';
import { HANG_FLOOR_MS } from '../fakes/slack/wait-for';

/**
 * What a console printed, read in order: `until` waits for the next match after the previous one (never
 * on the clock; HANG_FLOOR_MS only bounds a hang).
 */
export class PrintedText {
  private output = '';
  /** Where the next `until` starts reading: assertions follow the order things were printed in. */
  private cursor = 0;
  private readonly waiters = new Set<() => void>();

  /** Appends what the console printed. */
  readonly write = (chunk: string): void => {
    this.output += chunk;
    for (const waiter of this.waiters) waiter();
  };

  /** Resolves with the printed text up to and including `expected`, found after the previous match. */
  until(expected: string | RegExp): Promise<string> {
    return this.find(expected, true);
  }

  /**
   * Resolves once `expected` was printed anywhere, without moving the reading position: for a line whose
   * place among others depends on which of two concurrent paths prints first.
   */
  async printed(expected: string | RegExp): Promise<void> {
    await this.find(expected, false);
  }

  private find(expected: string | RegExp, inOrder: boolean): Promise<string> {
    return new Promise((resolve, reject) => {
      const from = inOrder ? this.cursor : 0;
      const check = () => {
        const rest = this.output.slice(from);
        const match = typeof expected === 'string' ? rest.indexOf(expected) : rest.search(expected);
        if (match < 0) return false;
        const length =
          typeof expected === 'string'
            ? expected.length
            : (rest.slice(match).match(expected)?.[0].length ?? 0);
        const seen = rest.slice(0, match + length);
        if (inOrder) this.cursor += match + length;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(seen);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(`console never printed ${String(expected)}; it printed:\n${this.output.slice(from)}`),
        );
      }, HANG_FLOOR_MS);
      if (!check()) this.waiters.add(check);
    });
  }

  get transcript(): string {
    return this.output;
  }
}

/**
 * Drives `npm run console -- --demo` through its streams, in process: lines in, and waits on what it
 * prints. The demo's scripted runs move on every poll and the tracker polls every few milliseconds.
 */
export class ConsoleDriver extends PrintedText {
  private readonly input = new PassThrough();
  readonly exited: Promise<number>;

  constructor(
    argv: string[] = ['--demo'],
    options: Partial<Pick<ConsoleOptions, 'env' | 'clock' | 'digests' | 'timeZone'>> = {},
  ) {
    super();
    const output = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.write(chunk.toString('utf8'));
        done();
      },
    });
    this.exited = runConsole({
      argv,
      env: {},
      input: this.input,
      output,
      pace: { stepMs: 0, now: () => Date.now() },
      engine: { poll: { minMs: 5, maxMs: 20, failureMaxMs: 100 }, tickMs: 5, parentEditIntervalMs: 0 },
      timeZone: 'UTC',
      ...options,
    });
  }

  type(line: string): void {
    this.input.write(`${line}\n`);
  }

  async quit(): Promise<number> {
    this.type('quit');
    this.input.end();
    return this.exited;
  }
}
