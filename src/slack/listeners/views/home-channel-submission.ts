import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { SlackDeps } from '../../deps';
import { ACTIONS } from '../../ids';
import { operationView } from '../../operation-view';
import { LIMITS } from '../../ui/blocks';
import { noticeModal } from '../../ui/operation-modal';
import { deniedMessage } from '../../ui/replies';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

const metadataSchema = z.object({ operationId: z.string() });
const stateSchema = z.object({
  channel: z.object({
    [ACTIONS.homeChannel]: z.object({ selected_conversation: z.string().nullish() }).loose(),
  }),
});

function pickedChannel(values: unknown): string | undefined {
  const parsed = stateSchema.safeParse(values);
  return parsed.success
    ? (parsed.data.channel[ACTIONS.homeChannel]?.selected_conversation ?? undefined)
    : undefined;
}

function operationIdOf(raw: string | undefined): string | undefined {
  if (!raw || raw.length > LIMITS.privateMetadata) return undefined;
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data.operationId : undefined;
  } catch {
    return undefined;
  }
}

/** The channel picked for a launch from Home: the form gate decides there, then the operation's own modal follows. */
export function homeChannelSubmission(deps: SlackDeps) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const op = deps.registry.operation(operationIdOf(view.private_metadata) ?? '');
    if (!op) {
      await ack({
        response_action: 'update',
        view: noticeModal('Flightdeck', 'That operation is no longer configured. Reopen the Home tab.'),
      });
      return;
    }
    const channelId = pickedChannel(view.state.values);
    if (!channelId || !/^[CG][A-Z0-9]+$/.test(channelId)) {
      await ack({ response_action: 'errors', errors: { channel: 'Pick a channel (not a direct message).' } });
      return;
    }
    const decision = await deps.forms.mayOpen({ userId: body.user.id, channelId }, op.id);
    if (!decision.allowed) {
      await ack({
        response_action: 'update',
        view: noticeModal('Not allowed', deniedMessage(`run ${op.title}`, decision).blocks),
      });
      return;
    }
    await ack({ response_action: 'update', view: operationView(deps.registry, op, channelId, {}) });
  };
}
