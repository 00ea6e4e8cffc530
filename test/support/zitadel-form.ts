import type { FakeView } from '../fakes/slack';
import type { Harness } from './flightdeck-harness';
import type { DriverResponse } from './slack-driver';

export interface ConditionChoice {
  user: string;
  channelId: string;
  kind: string;
  scope?: string;
  /** Sees every answer the bot gives on the way (the secret scan keeps them). */
  onAnswer?: (label: string, res: DriverResponse) => void;
}

/**
 * Opens `/ops zitadel set-execution` and fills the condition part of the form the way a person does: pick
 * the kind, let the form rebuild, pick the scope, let it rebuild again. Resolves with the rebuilt form.
 */
export async function zitadelConditionForm(h: Harness, choice: ConditionChoice): Promise<FakeView> {
  const { user, channelId, kind, scope } = choice;
  const answered = (label: string, res: DriverResponse) => choice.onAnswer?.(label, res);
  const { ack, view: opened } = await h.commandModal(user, 'zitadel set-execution', channelId);
  answered('command', ack);
  answered(
    'refresh',
    await h.driver.blockAction({ user, view: opened, actionId: 'fd.field.refresh.kind', value: kind }),
  );
  if (!scope) return h.viewWithBlock(opened.id, kind === 'function' ? 'function' : 'scope');
  const view = await h.viewWithBlock(opened.id, 'scope');
  answered(
    'refresh',
    await h.driver.blockAction({
      user,
      view,
      actionId: 'fd.field.refresh.scope',
      value: scope,
      viewValues: { kind },
    }),
  );
  return scope === 'all' ? (h.slack.view(view.id) ?? view) : h.viewWithBlock(view.id, scope);
}
