import type { RunView } from '../../core/runs/notifier';
import type { TransitionRecord } from '../../core/runs/run-store';
import type { MessageContent } from './blocks';
import { stepDecisionLine } from './human-step';
import { transitionReply } from './run-message';

/**
 * A reply that offered steps, once some were decided from Flightdeck: the reply as it reads now, each decided
 * step's buttons replaced by the line saying who decided it (the latest decision of a step wins).
 */
export function decidedStepsReply(
  view: RunView,
  offering: TransitionRecord,
  decisions: TransitionRecord[],
): MessageContent {
  const lines = new Map<string, string>();
  for (const decision of decisions) {
    if (decision.payload?.kind !== 'step_decision') continue;
    lines.set(decision.payload.stepId, stepDecisionLine(decision, view.systemName));
  }
  return transitionReply(view, offering, lines);
}
