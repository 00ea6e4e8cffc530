import { Gauge, type Registry } from 'prom-client';

/** What the queue gauge reads: calls waiting for their slot in Slack's budget, by Web API method. */
export interface QueueDepth {
  waiting(): Map<string, number>;
}

/** `flightdeck_slack_queue_depth{method}`: Slack calls of this process waiting for their turn, read at scrape. */
export function registerSlackQueueDepth(registry: Registry, queue: QueueDepth): void {
  new Gauge({
    name: 'flightdeck_slack_queue_depth',
    help: 'Slack Web API calls waiting in this process for their turn in the workspace budget, by method',
    labelNames: ['method'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [method, depth] of queue.waiting()) this.set({ method }, depth);
    },
  });
}
