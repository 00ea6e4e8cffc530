import { isFinal } from '../../../src/core/runs/lifecycle';
import type { RunRecord } from '../../../src/core/runs/run-store';
import type { Store } from '../../../src/core/store';
import type { FakeMessage, FakeSlack } from '../../fakes/slack';
import { blocksText } from '../../support/flightdeck-harness';

/** The run id and sequence number a bot message carries in its metadata. */
function tagOf(message: FakeMessage): { event: string; runId: string; seq: number } | undefined {
  const metadata = message.metadata;
  const payload = metadata?.event_payload;
  if (typeof metadata?.event_type !== 'string' || typeof payload !== 'object' || payload === null) return;
  const { run_id: runId, seq } = payload as { run_id?: unknown; seq?: unknown };
  if (typeof runId !== 'string' || typeof seq !== 'number') return undefined;
  return { event: metadata.event_type, runId, seq };
}

/** What Slack shows for one run: its parent messages, the transition numbers in its thread, the texts. */
export interface ThreadReport {
  runId: string;
  parents: number;
  /** Transition numbers of the thread's replies, in thread order (a repeated number = a duplicate). */
  seqs: number[];
  /** Replies whose text carries `label`. */
  repliesWith: (label: string) => number;
  parentText: string;
}

export function threadOf(slack: FakeSlack, run: RunRecord): ThreadReport {
  const parents = slack
    .messages(run.channelId)
    .filter((m) => tagOf(m)?.event === 'flightdeck_run' && tagOf(m)?.runId === run.id);
  const parent = parents[0];
  const replies = parent ? slack.thread(run.channelId, parent.ts) : [];
  return {
    runId: run.id,
    parents: parents.length,
    seqs: replies.map((m) => tagOf(m)?.seq ?? -1),
    repliesWith: (label) => replies.filter((m) => blocksText(m).includes(label)).length,
    parentText: parent ? blocksText(slack.message(run.channelId, parent.ts) ?? parent) : '',
  };
}

/** Final, and Slack shows all of it: every reply posted, the status line up to date. */
function delivered(run: RunRecord): boolean {
  return (
    isFinal(run.state) && run.parentTs !== null && run.notifiedSeq === run.seq && run.parentSeq === run.seq
  );
}

/** Waits until every run is final and delivered; says which are not when time runs out. */
export async function allDelivered(store: Store, ids: string[], timeoutMs: number): Promise<RunRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = (await Promise.all(ids.map((id) => store.getRun(id)))).filter(
      (run): run is RunRecord => run !== undefined,
    );
    const behind = runs.filter((run) => !delivered(run));
    if (runs.length === ids.length && behind.length === 0) return runs;
    if (Date.now() > deadline) {
      const sample = behind.slice(0, 3).map((r) => ({
        state: r.state,
        seq: r.seq,
        notifiedSeq: r.notifiedSeq,
        parentSeq: r.parentSeq,
        notifyProblem: r.notifyProblem?.code,
      }));
      throw new Error(
        `${behind.length} of ${ids.length} runs not delivered in ${timeoutMs} ms: ${JSON.stringify(sample)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
