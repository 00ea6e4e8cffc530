import type { Notifier, RunView } from '../core/runs/notifier';
import type { TransitionRecord } from '../core/runs/run-store';
import type { StepDecision } from '../core/operations/contract';
import { isFinal } from '../core/runs/lifecycle';
import type { RunAction, RunChoices } from './buttons';
import { consoleText, factsText, problemLines, stateText, timeText, whereNowText } from './plain-text';
import { offeredSteps, payloadText } from '../core/approvals/transition-payload';
import type { Terminal } from './terminal';

const STEP_ACTION: Record<StepDecision, RunAction> = { approve: 'step-approve', reject: 'step-reject' };

/** The short run id people type back (`/ops status 1a2b3c4d`), as on the Slack message. */
export const shortId = (runId: string) => runId.slice(0, 8);

/**
 * The core's Notifier on a terminal: the parent message is a header, each transition a thread line, as
 * it happens. Nothing is edited in place on a terminal, so `updateParent` prints nothing: every state
 * change already has its own line, and the status line only repeats the latest one.
 */
export class ConsoleNotifier implements Notifier {
  constructor(
    private readonly terminal: Terminal,
    private readonly choices: RunChoices,
  ) {}

  async postParent({ run, systemName, operation }: RunView): Promise<string> {
    this.terminal.print(
      `┌ run ${run.id} · ${systemName}: ${operation.title} · by ${run.requesterId} in #${run.channelId}`,
      ...(run.facts.length > 0 ? [`│ ${factsText(run.facts)}`] : []),
    );
    return `console:${run.id}`;
  }

  async postTransition(view: RunView, transition: TransitionRecord): Promise<string> {
    const { run } = view;
    const lines = [
      `│ ${timeText(transition.at)} ${shortId(run.id)} ${this.transitionText(transition, run.requesterId)}`,
    ];
    if (transition.problem) lines.push(...problemLines(transition.problem).map((l) => `│   ${l}`));
    const { steps, more } = offeredSteps(transition.payload);
    for (const step of steps) {
      lines.push(`│   ${step.title}${step.message ? `: ${consoleText(step.message)}` : ''}`);
      const actions = step.decisions.map((d) => STEP_ACTION[d]);
      lines.push(`│   ${this.choices.offer(run.id, actions, { id: step.id, seq: transition.seq })}`);
    }
    if (more > 0) lines.push(`│   …and ${more} more waiting${run.upstreamUrl ? `: ${run.upstreamUrl}` : ''}`);
    if (transition.seq === run.seq) {
      if (run.upstreamUrl && isFinal(run.state)) lines.push(`│   open: ${run.upstreamUrl}`);
      const actions = actionsOf(view);
      if (actions.length > 0) lines.push(`│   ${this.choices.offer(run.id, actions)}`);
      if (isFinal(run.state)) lines.push(`└ ${shortId(run.id)} ${stateText(run.state)}`);
    }
    this.terminal.print(...lines);
    return `console:${run.id}:${transition.seq}`;
  }

  async updateParent(): Promise<void> {}

  private transitionText(t: TransitionRecord, requesterId: string): string {
    // An approval transition says its words as data; older ones (and every other kind) have `detail`.
    const approval = t.kind === 'approval_requested' || t.kind === 'approved';
    const detail =
      (approval && t.payload ? consoleText(payloadText(t.payload, requesterId)) : t.detail) || undefined;
    switch (t.kind) {
      case 'approval_requested':
        return `awaiting approval: ${detail ?? ''}`;
      case 'approved':
        return `approved by ${t.actorId ?? 'someone'}${detail ? ` (${detail})` : ''}`;
      case 'step_decided':
        return `${t.payload?.kind === 'step_decision' ? `${t.payload.title}: ${t.payload.decision === 'approve' ? 'approved' : 'rejected'}` : 'step decided'} by ${t.actorId ?? 'someone'}${t.problem ? ', refused upstream' : ''}`;
      case 'cancel_requested':
        return `cancel requested by ${t.actorId ?? 'someone'}`;
      case 'contact_lost':
        return `lost contact with the upstream; still trying`;
      case 'contact_restored':
        return `contact restored`;
      case 'started':
        return `started: ${whereNowText({ ...t, detail: detail ?? null })}`;
      case 'rerun':
        return `re-run as run ${shortId(t.detail ?? '')} by ${t.actorId ?? 'someone'}`;
      case 'retried':
        return `${t.actorId ?? 'someone'} retried ${t.detail ?? 'the failed step'}; following the run again`;
      case 'state':
        return `${t.state === 'rejected' && t.actorId ? `rejected by ${t.actorId}` : whereNowText({ ...t, detail: detail ?? null })}`;
    }
  }
}

/** The buttons the Slack message would carry for the run as it is now. */
export function actionsOf({ run, cancellable, revertible, finishedActions }: RunView): RunAction[] {
  if (run.state === 'awaiting_approval') return ['approve', 'reject'];
  if (!isFinal(run.state) && cancellable && run.upstreamId) return ['cancel'];
  return [...(revertible ? (['revert'] as const) : []), ...finishedActions.map((action) => action.kind)];
}
