import type { RunView } from '../../core/runs/notifier';
import type { RunState } from '../../core/runs/lifecycle';
import { isFinal } from '../../core/runs/lifecycle';
import type { RunRecord, TransitionRecord } from '../../core/runs/run-store';
import { duration } from '../../core/kit/duration';
import { ACTIONS } from '../ids';
import { approvalButtons } from './approval';
import {
  context,
  escapeMrkdwn,
  header,
  type KnownBlock,
  LIMITS,
  type MessageContent,
  mrkdwn,
  plain,
  section,
  slackDate,
  truncate,
} from './blocks';
import { problemText } from './problem';
import { mrkdwnText } from './text';
import { offeredSteps, payloadText } from '../../core/approvals/transition-payload';
import { finishedActionButtons, finishedActionsBlock, followUpLine, rerunOfNote } from './run-actions';
import { humanStepBlocks, offeredOn, stepDecisionLine } from './human-step';

const STATE_LABEL: Record<RunState, { emoji: string; label: string }> = {
  awaiting_approval: { emoji: ':raised_hand:', label: 'Awaiting approval' },
  starting: { emoji: ':hourglass_flowing_sand:', label: 'Starting' },
  queued: { emoji: ':clock3:', label: 'Queued' },
  running: { emoji: ':arrows_counterclockwise:', label: 'Running' },
  waiting: { emoji: ':raising_hand:', label: 'Waiting for a person' },
  paused: { emoji: ':double_vertical_bar:', label: 'Paused' },
  succeeded: { emoji: ':white_check_mark:', label: 'Succeeded' },
  failed: { emoji: ':x:', label: 'Failed' },
  canceled: { emoji: ':no_entry_sign:', label: 'Canceled' },
  timed_out: { emoji: ':alarm_clock:', label: 'Timed out' },
  rejected: { emoji: ':no_entry:', label: 'Rejected' },
};

export function stateLabel(state: RunState): string {
  return `${STATE_LABEL[state].emoji} ${STATE_LABEL[state].label}`;
}

/** Where the run is: status word, task or stage, progress, who it waits for. */
function whereNow(run: Pick<RunRecord, 'upstreamStatus' | 'detail' | 'progress' | 'waitingFor'>): string {
  const parts: string[] = [];
  if (run.waitingFor) parts.push(`waiting for ${escapeMrkdwn(run.waitingFor)}`);
  if (run.detail) parts.push(escapeMrkdwn(run.detail));
  if (run.progress !== null && run.progress !== undefined) parts.push(`${Math.round(run.progress * 100)}%`);
  if (run.upstreamStatus) parts.push(`status \`${escapeMrkdwn(run.upstreamStatus)}\``);
  return parts.join(' · ');
}

export function statusLine(run: RunRecord, now: Date): string {
  const where = whereNow(run);
  const took =
    isFinal(run.state) && run.finishedAt
      ? ` after ${duration(run.startedAt ?? run.createdAt, run.finishedAt)}`
      : '';
  return `${stateLabel(run.state)}${took}${where ? ` — ${where}` : ''} · updated ${slackDate(now, '{time}')}`;
}

/** The parent message: what, who, where, the status line edited in place, and the run's buttons. */
export function parentMessage(view: RunView, now: Date): MessageContent {
  const { run } = view;
  const title = `${view.systemName}: ${view.operation.title}`;
  const facts = run.facts
    .slice(0, LIMITS.sectionFields - 1)
    .map((fact) =>
      mrkdwn(`*${escapeMrkdwn(fact.label)}*\n${escapeMrkdwn(truncate(fact.value, 300))}`, LIMITS.fieldText),
    );
  const blocks: KnownBlock[] = [
    header(title),
    {
      type: 'section',
      fields: [mrkdwn(`*Requested by*\n<@${run.requesterId}>`), ...facts],
    },
    section(statusLine(run, now)),
  ];
  if (run.problem && isFinal(run.state)) blocks.push(section(problemText(run.problem)));
  const buttons: KnownBlock[] = [];
  const elements = [];
  if (run.upstreamUrl) {
    elements.push({
      type: 'button' as const,
      action_id: ACTIONS.openUpstream,
      text: plain(`Open in ${view.systemName}`, LIMITS.buttonText),
      url: run.upstreamUrl,
    });
  }
  if (view.cancellable && (!isFinal(run.state) || run.mayRecover) && run.upstreamId) {
    elements.push({
      type: 'button' as const,
      action_id: ACTIONS.cancel,
      text: plain('Cancel', LIMITS.buttonText),
      style: 'danger' as const,
      value: run.id,
      confirm: {
        title: plain('Cancel this run?', 100),
        text: mrkdwn(truncate(`${view.systemName} will be asked to cancel ${title}.`, 300)),
        confirm: plain('Cancel it', 30),
        deny: plain('Keep it running', 30),
      },
    });
  }
  if (view.revertible) {
    elements.push({
      type: 'button' as const,
      action_id: ACTIONS.revert,
      text: plain('Revert', LIMITS.buttonText),
      value: run.id,
    });
  }
  elements.push(...finishedActionButtons(view));
  if (elements.length > 0) buttons.push({ type: 'actions', block_id: `run:${run.id}`, elements });
  if (run.state === 'awaiting_approval') buttons.push(approvalButtons(run.id));
  const rerunOf = rerunOfNote(run);
  blocks.push(
    ...buttons,
    context(
      `Run \`${run.id}\`${run.upstreamId ? ` · upstream id \`${escapeMrkdwn(run.upstreamId)}\`` : ''}`,
      ...(rerunOf ? [rerunOf] : []),
    ),
  );
  return {
    text: truncate(`${title} — ${STATE_LABEL[run.state].label}`, LIMITS.fallbackText),
    blocks,
  };
}

/** One thread reply per recorded transition; `decidedSteps`: lines that replace the buttons of steps decided since. */
export function transitionReply(
  view: RunView,
  transition: TransitionRecord,
  decidedSteps?: ReadonlyMap<string, string>,
): MessageContent {
  const { run } = view;
  const where = whereNow(transition);
  const suffix = where ? ` — ${where}` : '';
  let line: string;
  switch (transition.kind) {
    case 'started':
      line =
        `:rocket: Started by <@${run.requesterId}>` +
        (run.upstreamId ? `: ${view.systemName} id \`${escapeMrkdwn(run.upstreamId)}\`` : '') +
        (run.upstreamUrl ? ` (<${run.upstreamUrl}|open in ${view.systemName}>)` : '') +
        `\n${stateLabel(transition.state)}${suffix}`;
      break;
    case 'cancel_requested':
      line = transition.problem
        ? `:octagonal_sign: <@${transition.actorId}> asked to cancel.`
        : `:octagonal_sign: <@${transition.actorId}> asked ${view.systemName} to cancel this run.`;
      break;
    case 'contact_lost':
      line = `:warning: Flightdeck cannot read this run from ${view.systemName} right now; it keeps trying.`;
      break;
    case 'contact_restored':
      line = `:electric_plug: ${view.systemName} answers again: ${stateLabel(transition.state)}${suffix}`;
      break;
    case 'approval_requested':
      line = `:raised_hand: <@${run.requesterId}> asked to run this. ${approvalDetail(run, transition)}`;
      break;
    case 'approved': {
      const detail = approvalDetail(run, transition);
      line = `:ballot_box_with_check: Approved by <@${transition.actorId}>${detail ? ` (${detail})` : ''}`;
      break;
    }
    case 'state':
      line = stateSentence(view, transition) + suffix;
      break;
    case 'rerun':
    case 'retried':
      line = followUpLine(view, transition) ?? '';
      break;
    case 'step_decided':
      line = stepDecisionLine(transition, view.systemName);
      break;
  }
  const blocks: KnownBlock[] = [section(line)];
  const { steps, more } = offeredSteps(transition.payload);
  if (steps.length > 0) {
    blocks.push(
      ...humanStepBlocks(view.systemName, offeredOn(run, transition, { steps, more }), decidedSteps),
    );
  }
  if (transition.problem) blocks.push(section(problemText(transition.problem)));
  // A step offered here is decided here; the link is for waits Flightdeck cannot act on.
  if (
    transition.state === 'waiting' &&
    run.upstreamUrl &&
    transition.kind === 'state' &&
    steps.length === 0
  ) {
    blocks.push(context(`<${run.upstreamUrl}|Act on it in ${view.systemName}>`));
  }
  // The reply that says how it ended carries what the run offers, under the reader's eyes in the thread.
  const ending = (transition.kind === 'state' || transition.kind === 'started') && isFinal(transition.state);
  const actions = ending ? finishedActionsBlock(view, `reply:${run.id}:${transition.seq}`) : undefined;
  if (actions) blocks.push(actions);
  return { text: truncate(`${view.operation.title}: ${plainLine(line)}`, LIMITS.fallbackText), blocks };
}

/**
 * The words of an approval transition: from its payload; for one recorded before payloads existed, the
 * text Flightdeck stored then, in which only the tokens it wrote itself (people, groups, channels, dates)
 * stay Slack tokens and everything else is escaped.
 */
function approvalDetail(run: RunRecord, transition: TransitionRecord): string {
  if (transition.payload) return mrkdwnText(payloadText(transition.payload, run.requesterId));
  return legacyDetail(transition.detail ?? '');
}

const OWN_TOKEN = /(<@[UW][A-Z0-9]+>|<!subteam\^[A-Z0-9]+>|<#C[A-Z0-9]+>|<!date\^\d+\^[^|<>]*\|[^|<>]*>)/;

function legacyDetail(detail: string): string {
  return detail
    .split(OWN_TOKEN)
    .map((piece, i) => (i % 2 === 1 ? piece : escapeMrkdwn(piece)))
    .join('');
}

function stateSentence(view: RunView, transition: TransitionRecord): string {
  const { run } = view;
  const took = isFinal(transition.state)
    ? ` after ${duration(run.startedAt ?? run.createdAt, transition.at)}`
    : '';
  if (transition.state === 'canceled' && transition.actorId) {
    return `${stateLabel('canceled')}${took} (requested by <@${transition.actorId}>)`;
  }
  if (transition.state === 'rejected' && transition.actorId) {
    return `${stateLabel('rejected')} by <@${transition.actorId}>`;
  }
  if (transition.state === 'failed' && run.mayRecover) {
    return `${stateLabel('failed')}${took}. Flightdeck keeps watching in case it is retried in ${view.systemName}`;
  }
  return `${stateLabel(transition.state)}${took}`;
}

/** The fallback text has no emoji codes or mrkdwn. */
function plainLine(line: string): string {
  return (
    line
      .replace(/:[a-z0-9_+-]+:\s*/g, '')
      .replace(/<@([A-Z0-9]+)>/g, '@$1')
      .replace(/<([^|>]+)\|([^>]+)>/g, '$2')
      .split('\n')[0] ?? ''
  );
}
