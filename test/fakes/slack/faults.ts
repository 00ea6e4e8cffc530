/** What the next call of a method gets instead of (or before) its normal answer. */
export type Fault =
  | { kind: 'error'; error: string; extra?: Record<string, unknown> }
  | { kind: 'rate_limited'; retryAfterSec: number }
  | { kind: 'http'; status: number; body?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' };

/** Per-method queues; `*` matches any method after the method's own queue is empty. */
export class FaultQueue {
  private readonly queues = new Map<string, Fault[]>();

  add(method: string, fault: Fault, times: number): void {
    const queue = this.queues.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(fault);
    this.queues.set(method, queue);
  }

  take(method: string): Fault | undefined {
    return this.queues.get(method)?.shift() ?? this.queues.get('*')?.shift();
  }

  pending(method: string): number {
    return this.queues.get(method)?.length ?? 0;
  }

  clear(): void {
    this.queues.clear();
  }
}
