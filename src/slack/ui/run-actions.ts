import type { RunView } from '../../core/runs/notifier';
import type { RunRecord, TransitionRecord } from '../../core/runs/run-store';
import { ACTIONS } from '../ids';
import { escapeMrkdwn, type KnownBlock, LIMITS, mrkdwn, plain, truncate } from './blocks';

type Button = Extract<Extract<KnownBlock, { type: 'actions' }>['elements'][number], { type: 'button' }>;

/** A Retry button's value: the run and the step it retries, so a button left from an earlier failure does nothing. */
export const retryValue = (runId: string, stepId: string) => `${runId}:${stepId}`;

export function readRetryValue(value: string | undefined): { runId: string; stepId: string } | undefined {
  const at = value?.indexOf(':') ?? -1;
  if (!value || at <= 0 || at === value.length - 1) return undefined;
  return { runId: value.slice(0, at), stepId: value.slice(at + 1) };
}

/** The buttons of what a finished run offers (the core says which): Retry the failed step, Re-run. */
export function finishedActionButtons(view: RunView): Button[] {
  const { run } = view;
  return view.finishedActions.map((action): Button => {
    if (action.kind === 'rerun') {
      return {
        type: 'button',
        action_id: ACTIONS.rerun,
        text: plain('Re-run', LIMITS.buttonText),
        value: run.id,
      };
    }
    return {
      type: 'button',
      action_id: ACTIONS.retry,
      text: plain(`Retry ${action.step.label}`, LIMITS.buttonText),
      value: retryValue(run.id, action.step.id),
      confirm: {
        title: plain('Retry it?', 100),
        text: mrkdwn(
          truncate(
            `${view.systemName} will run ${action.step.label} again, keeping the job's variables and finished work.`,
            300,
          ),
        ),
        confirm: plain('Retry it', 30),
        deny: plain('Not now', 30),
      },
    };
  });
}

/** The actions block of a run's final reply in its thread, when the run offers any. */
export function finishedActionsBlock(view: RunView, blockId: string): KnownBlock | undefined {
  const elements = finishedActionButtons(view);
  return elements.length > 0 ? { type: 'actions', block_id: blockId, elements } : undefined;
}

/** Above a re-run's form: what it re-runs, and that its secrets must be typed again. */
export function rerunNotice(rerunOf: string, secretsBlanked: boolean): string {
  const secrets = secretsBlanked ? ' Secret values were left blank: type them again.' : '';
  return `Re-run of run ${rerunOf}: the form holds that run's inputs; change what you need.${secrets}`;
}

/** "Re-run of run `…`" on a re-run's parent message. */
export function rerunOfNote(run: Pick<RunRecord, 'rerunOf'>): string | undefined {
  return run.rerunOf ? `:repeat: Re-run of run \`${escapeMrkdwn(run.rerunOf)}\`` : undefined;
}

/** The thread lines of the transitions these actions record. */
export function followUpLine(view: RunView, transition: TransitionRecord): string | undefined {
  switch (transition.kind) {
    case 'rerun':
      return `:repeat: Re-run as run \`${escapeMrkdwn(transition.detail ?? '')}\` by <@${transition.actorId}>`;
    case 'retried':
      return (
        `:leftwards_arrow_with_hook: <@${transition.actorId}> had ${view.systemName} retry ` +
        `${escapeMrkdwn(transition.detail ?? 'the failed task')}; Flightdeck follows the job again.`
      );
    default:
      return undefined;
  }
}
