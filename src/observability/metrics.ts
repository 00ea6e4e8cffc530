import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { systemClock, type Clock } from '../core/kit/clock';
import type { DigestPost, DigestPublisher } from '../core/digest/publisher';
import type { Notifier, RunView } from '../core/runs/notifier';
import { isFinal, RUN_STATES, type RunState } from '../core/runs/lifecycle';
import { UPSTREAM_EXCHANGES, type UpstreamExchange } from '../integrations/shared/http-transport';
import type { Store } from '../core/store';
import type { RunRecord, TransitionRecord } from '../core/runs/run-store';

/** Seconds, from a fast API answer to a slow workflow start. */
const UPSTREAM_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds from a state change to its thread reply: a poll interval, pacing and Slack's own delays. */
const DELIVERY_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];
const IN_FLIGHT: RunState[] = RUN_STATES.filter((state) => !isFinal(state));
/** A scrape reads at most this many unfinished runs; past it the gauges are a lower bound. */
const MAX_COUNTED = 10_000;

/** What Web API clients report: Bolt's WebClient emits `rate_limited` (seconds, { url }) on every 429. */
export interface RateLimitSource {
  on(event: 'rate_limited', listener: (retryAfterSec: number, request: { url: string }) => void): unknown;
}

type RunSource = Pick<Store, 'listRuns'>;

/** Prometheus metrics served at /metrics on the metrics port. One registry per process (and per test app). */
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
  readonly deliverySeconds = new Histogram({
    name: 'flightdeck_run_delivery_seconds',
    help: 'Time from a run state change to its thread reply in Slack, by system and transition kind',
    labelNames: ['system', 'kind'] as const,
    buckets: DELIVERY_BUCKETS,
    registers: [this.registry],
  });
  readonly upstreamSeconds = new Histogram({
    name: 'flightdeck_upstream_request_seconds',
    help: 'Upstream HTTP exchanges, by system and status (HTTP status, or why no answer came: timed_out, not_sent, reset_after_send, too_large)',
    labelNames: ['system', 'status'] as const,
    buckets: UPSTREAM_BUCKETS,
    registers: [this.registry],
  });
  readonly upstreamErrors = new Counter({
    name: 'flightdeck_upstream_errors_total',
    help: 'Upstream HTTP exchanges that failed (no answer, or an HTTP status of 400 or more), by system and status',
    labelNames: ['system', 'status'] as const,
    registers: [this.registry],
  });
  readonly slackRateLimited = new Counter({
    name: 'flightdeck_slack_rate_limited_total',
    help: 'Slack Web API calls answered 429, by method',
    labelNames: ['method'] as const,
    registers: [this.registry],
  });
  readonly digestPosts = new Counter({
    name: 'flightdeck_digest_posts_total',
    help: 'Digests posted or failed, by kind (scheduled, on request) and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly onExchange = (message: unknown) => {
    const { system, status, failed, seconds } = message as UpstreamExchange;
    this.upstreamSeconds.observe({ system, status }, seconds);
    if (failed) this.upstreamErrors.inc({ system, status });
  };
  private readonly watched = new WeakSet<RateLimitSource>();

  constructor(private readonly clock: Clock = systemClock) {
    collectDefaultMetrics({ register: this.registry, prefix: 'flightdeck_' });
    subscribe(UPSTREAM_EXCHANGES, this.onExchange);
  }

  /** Stops counting upstream exchanges (they are published process-wide). */
  close(): void {
    unsubscribe(UPSTREAM_EXCHANGES, this.onExchange);
  }

  /**
   * Unfinished runs per system and state, and pending approvals per system, read from the store at each
   * scrape so that every replica reports the same truth. When the store does not answer, the series are
   * left out of that scrape rather than failing it (/healthz says why).
   */
  watchRuns(store: RunSource): void {
    const counted = (states: RunState[]) => store.listRuns({ states, limit: MAX_COUNTED });
    new Gauge({
      name: 'flightdeck_runs_in_flight',
      help: `Unfinished runs, by system and state (at most ${String(MAX_COUNTED)} counted)`,
      labelNames: ['system', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const runs = await counted(IN_FLIGHT).catch(() => [] as RunRecord[]);
        for (const [key, count] of tally(runs, (run) => `${run.system}\u0000${run.state}`)) {
          const [system = '', state = ''] = key.split('\u0000');
          this.set({ system, state }, count);
        }
      },
    });
    new Gauge({
      name: 'flightdeck_approvals_pending',
      help: 'Runs waiting for an approval decision, by system',
      labelNames: ['system'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const runs = await counted(['awaiting_approval']).catch(() => [] as RunRecord[]);
        for (const [system, count] of tally(runs, (run) => run.system)) this.set({ system }, count);
      },
    });
  }

  /** Counts the 429s a Web API client sees, by method. A client is watched once however often it is passed. */
  watchSlackClient(client: RateLimitSource): void {
    if (this.watched.has(client)) return;
    this.watched.add(client);
    client.on('rate_limited', (_retryAfterSec, { url }) => {
      this.slackRateLimited.inc({ method: url.split('/').pop() ?? url });
    });
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
        this.deliverySeconds.observe(
          { system: view.run.system, kind: transition.kind },
          Math.max(0, this.clock.now().getTime() - transition.at.getTime()) / 1000,
        );
        return ts;
      },
      updateParent: (view: RunView) => count('update_parent', () => notifier.updateParent(view)),
    };
  }

  /** Counts digests as they are posted (all their parts) or fail, without changing the publisher. */
  observeDigests(publisher: DigestPublisher): DigestPublisher {
    return {
      publish: async (post: DigestPost, progress, recorder) => {
        const kind = post.schedule ? 'scheduled' : 'requested';
        try {
          await publisher.publish(post, progress, recorder);
        } catch (err) {
          this.digestPosts.inc({ kind, outcome: 'failed' });
          throw err;
        }
        this.digestPosts.inc({ kind, outcome: 'posted' });
      },
    };
  }
}

function tally<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return counts;
}
