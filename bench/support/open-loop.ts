import { request, type Dispatcher } from 'undici';
import type { SignedRequest } from './slash-command';

/** Where requests go and what a correct answer looks like. */
export interface LoadTarget {
  url: string;
  /** Builds (and signs) the next request; runs before the clock starts. */
  next(): SignedRequest;
  /** Why an answer is wrong, or undefined when it is right. */
  check(status: number, text: string): string | undefined;
}

export interface Sample {
  /** From handing the request to the connection pool to reading the whole answer. */
  latencyMs: number;
  error?: string;
}

export interface BlockResult {
  samples: Sample[];
  /** From the first send to one interval after the last: exactly count × interval when on schedule. */
  durationMs: number;
}

const elapsedMs = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

async function send(agent: Dispatcher, target: LoadTarget): Promise<Sample> {
  const { body, headers } = target.next();
  const started = process.hrtime.bigint();
  try {
    const res = await request(target.url, { method: 'POST', headers, body, dispatcher: agent });
    const text = await res.body.text();
    const latencyMs = elapsedMs(started);
    const error = target.check(res.statusCode, text);
    return error === undefined ? { latencyMs } : { latencyMs, error };
  } catch (err) {
    return { latencyMs: elapsedMs(started), error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Open loop: request i leaves at start + i × interval whether or not earlier ones have been answered
 * (a late timer sends the overdue ones at once), so a slow server meets the same arrivals Slack would send.
 */
export async function openLoopBlock(
  agent: Dispatcher,
  target: LoadTarget,
  count: number,
  intervalMs: number,
): Promise<BlockResult> {
  const start = process.hrtime.bigint();
  const inFlight: Promise<Sample>[] = [];
  let lastSentMs = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = elapsedMs(start);
      const due = Math.min(count, Math.floor(now / intervalMs) + 1);
      while (inFlight.length < due) {
        lastSentMs = elapsedMs(start);
        inFlight.push(send(agent, target));
      }
      if (inFlight.length >= count) resolve();
      else setTimeout(tick, Math.max(0, inFlight.length * intervalMs - elapsedMs(start)));
    };
    tick();
  });
  return { samples: await Promise.all(inFlight), durationMs: lastSentMs + intervalMs };
}
