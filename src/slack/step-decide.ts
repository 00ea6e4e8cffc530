import type { webApi } from '@slack/bolt';
import type { StepClick, StepResult } from '../core/runs/human-steps';
import { RunBusyError } from '../core/runs/lease';
import type { SlackDeps } from './deps';
import { tellUser } from './ephemeral';
import { stepClickReply } from './ui/human-step';
import { deniedMessage, infoMessage } from './ui/replies';

type Clicker = Pick<StepClick, 'decision' | 'actor' | 'channelId'>;

/** Tells the clicker alone what the thread does not say: a policy refusal, an earlier decision, a run gone. */
export async function tellStepOutcome(
  deps: SlackDeps,
  client: webApi.WebClient,
  click: Clicker,
  result: StepResult,
): Promise<void> {
  const { channelId, actor } = click;
  if (result.kind === 'denied') {
    const what = `${click.decision} this step (${result.operationId})`;
    await tellUser(client, deps.log, channelId, actor.id, deniedMessage(what, result.decision));
    return;
  }
  const reply = stepClickReply(result);
  if (reply) await tellUser(client, deps.log, channelId, actor.id, infoMessage(reply));
}

/** Decides a step after the ack (a click, a submitted form); the tracker looks at the run again at once. */
export function decideStep(deps: SlackDeps, client: webApi.WebClient, click: StepClick): void {
  deps.afterAck.run(`step ${click.decision}`, async () => {
    try {
      const result = await deps.humanSteps.decide(click);
      if (result.kind === 'decided' || result.kind === 'refused_upstream') deps.tracker.nudge();
      await tellStepOutcome(deps, client, click, result);
    } catch (err) {
      if (!(err instanceof RunBusyError)) throw err;
      const busy = 'Flightdeck is busy with this run right now; try again in a moment.';
      await tellUser(client, deps.log, click.channelId, click.actor.id, infoMessage(busy));
    }
  });
}
