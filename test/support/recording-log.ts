import type { Log } from '../../src/core/kit/log';

export interface LogEntry {
  level: string;
  obj: object;
  msg?: string;
}

/** A Log that keeps every line (a child's with its bindings), to look for secrets and messages in. */
export class RecordingLog implements Log {
  constructor(
    readonly entries: LogEntry[] = [],
    private readonly bindings: object = {},
  ) {}

  /** Every line as text. */
  get lines(): string[] {
    return this.entries.map((e) => `${e.level} ${e.msg ?? ''} ${JSON.stringify(e.obj)}`);
  }

  private add(level: string, obj: object, msg?: string): void {
    this.entries.push({ level, obj: { ...this.bindings, ...obj }, msg });
  }

  debug(obj: object, msg?: string): void {
    this.add('debug', obj, msg);
  }
  info(obj: object, msg?: string): void {
    this.add('info', obj, msg);
  }
  warn(obj: object, msg?: string): void {
    this.add('warn', obj, msg);
  }
  error(obj: object, msg?: string): void {
    this.add('error', obj, msg);
  }
  child(bindings: Record<string, unknown>): Log {
    return new RecordingLog(this.entries, { ...this.bindings, ...bindings });
  }
}
