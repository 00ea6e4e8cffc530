import type { DirectMessage } from '../../core/direct/direct-messenger';
import type { TransitionRecord } from '../../core/runs/run-store';
import { isFinal } from '../../core/runs/lifecycle';
import { approvalRequestMessage } from './approval';
import {
  context,
  escapeMrkdwn,
  type KnownBlock,
  LIMITS,
  type MessageContent,
  section,
  truncate,
} from './blocks';
import { problemText } from './problem';
import { stateLabel } from './run-message';
import { duration } from '../../core/kit/duration';
import { offeredSteps } from '../../core/approvals/transition-payload';
import { humanStepBlocks, offeredOn, stepDecisionLine } from './human-step';

const ENDING: Record<string, string> = {
  succeeded: 'succeeded',
  failed: 'failed',
  timed_out: 'timed out',
  canceled: 'was canceled',
  rejected: 'was rejected',
};

function threadLink(link: string | undefined): string {
  return link ? `<${link}|Open the run's thread>` : 'Its thread is in the channel it was launched from.';
}

/** Fallback text has no emoji codes or bold marks. */
const plainText = (line: string) => line.replace(/:[a-z0-9_+-]+:\s*/g, '').replace(/\*/g, '');

/** What closed a step request: who decided it from Flightdeck, or that the run no longer waits on it. */
function closedLine(message: DirectMessage & { closedBy: TransitionRecord }): string {
  const { closedBy, view } = message;
  if (closedBy.kind === 'step_decided') return stepDecisionLine(closedBy, view.systemName);
  return `It no longer waits for this: the run is now ${stateLabel(closedBy.state)}.`;
}

/**
 * To someone who may decide an upstream human step: the steps with the thread's own buttons (the run and
 * step travel in their value, so a click here is a click in the thread); once closed, what closed them.
 */
function stepRequestMessage(message: DirectMessage, link: string | undefined): MessageContent {
  const { view, transition } = message;
  const { run } = view;
  const title = `*${escapeMrkdwn(`${view.systemName}: ${view.operation.title}`)}* in <#${run.channelId}>`;
  const whose = run.requesterId === message.key.userId ? 'Your run' : `<@${run.requesterId}>'s run`;
  const sentence = `${stateLabel('waiting')} · ${whose} ${title} waits for a decision you may make.`;
  const { steps, more } = offeredSteps(transition.payload);
  const blocks: KnownBlock[] = [section(sentence)];
  if (message.closedBy) {
    blocks.push(...steps.map((step) => section(`*${escapeMrkdwn(step.title)}*`)));
    blocks.push(section(closedLine({ ...message, closedBy: message.closedBy })));
  } else {
    blocks.push(...humanStepBlocks(view.systemName, offeredOn(run, transition, { steps, more })));
  }
  blocks.push(context(`${threadLink(link)} · run \`${run.id}\``));
  return { text: truncate(plainText(sentence), LIMITS.fallbackText), blocks };
}

/** The sentence about the requester's run: how it ended, or whom it waits for. */
function runSentence(message: DirectMessage): string {
  const { view, transition } = message;
  const { run } = view;
  const title = `*${escapeMrkdwn(`${view.systemName}: ${view.operation.title}`)}* in <#${run.channelId}>`;
  if (message.reason === 'needs_you') {
    const who = transition.waitingFor ? `: ${escapeMrkdwn(transition.waitingFor)}` : '';
    return `${stateLabel('waiting')} · Your run ${title} waits for a person${who}.`;
  }
  const by = transition.actorId ? ` by <@${transition.actorId}>` : '';
  const took = isFinal(transition.state)
    ? ` after ${duration(run.startedAt ?? run.createdAt, transition.at)}`
    : '';
  const ending = ENDING[transition.state] ?? transition.state;
  return `${stateLabel(transition.state)} · Your run ${title} ${ending}${by}${transition.state === 'succeeded' ? took : ''}.`;
}

/**
 * A direct message: to an approver, the request with its buttons (or, once decided, its outcome), exactly
 * as in an approval channel; to someone who may decide a human step, the step with its buttons (or, once
 * closed, what closed it); to a requester, how their run ended or that it waits for them, with its
 * problem when it failed. Each links to the run's thread when Slack gave a link.
 */
export function directMessage(message: DirectMessage, link?: string): MessageContent {
  if (message.reason === 'approval_request' && message.approval)
    return approvalRequestMessage(message.approval, link);
  if (message.reason === 'step_request') return stepRequestMessage(message, link);
  const sentence = runSentence(message);
  const blocks: KnownBlock[] = [section(sentence)];
  if (message.transition.problem) blocks.push(section(problemText(message.transition.problem)));
  blocks.push(context(`${threadLink(link)} · run \`${message.view.run.id}\``));
  return {
    text: truncate(plainText(sentence), LIMITS.fallbackText),
    blocks,
  };
}

/** `/ops notify`: the caller's setting, and how to change it. */
export function notifyMessage(enabled: boolean, changed: boolean): MessageContent {
  const now = enabled
    ? 'Flightdeck sends you direct messages: when your runs end or wait for you, and when a request or a step waits for your decision.'
    : 'Flightdeck sends you no direct messages; runs and requests still show in their threads and on the Home tab.';
  const how = enabled ? '`/ops notify off` turns them off.' : '`/ops notify on` turns them on again.';
  const text = `${changed ? (enabled ? ':bell: Turned on. ' : ':no_bell: Turned off. ') : ''}${now}`;
  return { text, blocks: [section(text), context(how)] };
}
