import type { RunView } from '../../core/runs/notifier';
import type { TransitionRecord } from '../../core/runs/run-store';
import { context, type MessageContent } from './blocks';
import { followUpLine } from './run-actions';
import { transitionReply } from './run-message';

/**
 * A failure reply once its step was retried: the reply as it reads now, with no Retry button (any other
 * action the run still offers stays), and the line saying who retried it.
 */
export function retriedFailureReply(
  view: RunView,
  failure: TransitionRecord,
  retried: TransitionRecord,
): MessageContent {
  const offered = { ...view, finishedActions: view.finishedActions.filter((a) => a.kind !== 'retry') };
  const reply = transitionReply(offered, failure);
  const line = followUpLine(view, retried);
  return { ...reply, blocks: [...reply.blocks, ...(line ? [context(line)] : [])] };
}
