import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import type { Notifier, RunView } from '../core/runs/notifier';
import type { TransitionRecord } from '../core/runs/run-store';

/** Prometheus metrics served at /metrics. One registry per process (and per test app). */
export class Metrics {
  readonly registry = new Registry();
  readonly slackRequests = new Counter({
    name: 'flightdeck_slack_requests_total',
    help: 'Requests received from Slack, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly transitions = new Counter({
    name: 'flightdeck_run_transitions_total',
    help: 'Run transitions posted to Slack, by system, kind and state',
    labelNames: ['system', 'kind', 'state'] as const,
    registers: [this.registry],
  });
  readonly notifyFailures = new Counter({
    name: 'flightdeck_slack_post_failures_total',
    help: 'Posts or edits Slack refused or did not answer',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'flightdeck_' });
  }

  /** Counts what passes through a notifier without changing it. */
  observe(notifier: Notifier): Notifier {
    const count = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
      try {
        return await work();
      } catch (err) {
        this.notifyFailures.inc({ operation });
        throw err;
      }
    };
    return {
      postParent: (view: RunView) => count('post_parent', () => notifier.postParent(view)),
      postTransition: async (view: RunView, transition: TransitionRecord) => {
        const ts = await count('post_transition', () => notifier.postTransition(view, transition));
        this.transitions.inc({ system: view.run.system, kind: transition.kind, state: transition.state });
        return ts;
      },
      updateParent: (view: RunView) => count('update_parent', () => notifier.updateParent(view)),
    };
  }
}
