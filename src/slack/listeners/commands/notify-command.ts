import type { SlackDeps } from '../../deps';
import type { MessageContent } from '../../ui/blocks';
import { notifyMessage } from '../../ui/direct-message';

/** `/ops notify [on|off]`: shows, or changes and shows, whether the caller gets direct messages. */
export async function notifyCommand(
  deps: SlackDeps,
  userId: string,
  channelId: string,
  setting: 'on' | 'off' | undefined,
): Promise<MessageContent> {
  if (setting === undefined) return notifyMessage(await deps.notify.directMessages(userId), false);
  await deps.notify.setDirectMessages(userId, setting === 'on', channelId);
  return notifyMessage(setting === 'on', true);
}
