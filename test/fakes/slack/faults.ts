/** What the next call of a method gets instead of (or before) its normal answer. */
export type Fault =
  | { kind: 'error'; error: string; extra?: Record<string, unknown> }
  | { kind: 'rate_limited'; retryAfterSec: number }
  | { kind: 'http'; status: number; body?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' }
  /** Slack handles the call (a post lands), then the connection drops before the answer: a crash window. */
  | { kind: 'answer_lost' };

/**
 * Per-method queues, optionally for one channel only (`method channel`, taken first); `*` matches any method
 * after the method's own queues are empty.
 */
export class FaultQueue {
  private readonly queues = new Map<string, Fault[]>();

  add(method: string, fault: Fault, times: number, channel?: string): void {
    const key = channel === undefined ? method : `${method} ${channel}`;
    const queue = this.queues.get(key) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(fault);
    this.queues.set(key, queue);
  }

  take(method: string, channel?: string): Fault | undefined {
    const inChannel = channel === undefined ? undefined : this.queues.get(`${method} ${channel}`)?.shift();
    return inChannel ?? this.queues.get(method)?.shift() ?? this.queues.get('*')?.shift();
  }

  pending(method: string): number {
    return this.queues.get(method)?.length ?? 0;
  }

  clear(): void {
    this.queues.clear();
  }
}
