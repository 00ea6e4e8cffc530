import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/**
 * The console's only I/O: lines out, lines in. Lines typed before anyone asks are kept in order (a pasted
 * or piped script is read exactly once), and the end of input answers every question with undefined.
 */
export interface Terminal {
  print(...lines: string[]): void;
  /** Shows `prompt` and waits for the next line; undefined once the input has ended. */
  ask(prompt: string): Promise<string | undefined>;
}

export class StreamTerminal implements Terminal {
  private readonly lines: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private ended = false;
  /** The prompt a question is waiting under: a line printed meanwhile goes above it, and it is shown again. */
  private prompt: string | undefined;

  constructor(
    input: Readable,
    private readonly output: Writable,
  ) {
    const reader = createInterface({ input, terminal: false, crlfDelay: Infinity });
    reader.on('line', (line) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting(line);
      else this.lines.push(line);
    });
    reader.on('close', () => {
      this.ended = true;
      this.prompt = undefined;
      this.waiting?.(undefined);
      this.waiting = undefined;
    });
  }

  print(...lines: string[]): void {
    const prompt = this.prompt;
    if (prompt !== undefined) this.output.write('\n');
    for (const line of lines) this.output.write(`${line}\n`);
    if (prompt !== undefined) this.output.write(prompt);
  }

  ask(prompt: string): Promise<string | undefined> {
    this.output.write(prompt);
    const queued = this.lines.shift();
    if (queued !== undefined) {
      // A line that was already typed (or piped) is echoed, so a transcript reads like a session.
      if (!(this.output as { isTTY?: boolean }).isTTY) this.output.write(`${queued}\n`);
      return Promise.resolve(queued);
    }
    if (this.ended) return Promise.resolve(undefined);
    this.prompt = prompt;
    return new Promise((resolve) => {
      this.waiting = (line) => {
        this.prompt = undefined;
        if (line !== undefined && !(this.output as { isTTY?: boolean }).isTTY) this.output.write(`${line}\n`);
        resolve(line);
      };
    });
  }
}
