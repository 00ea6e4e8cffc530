import type { webApi } from '@slack/bolt';
import type { Log } from '../core/kit/log';
import type { MessageContent } from './ui/blocks';

/** Tells one person something in the channel; a channel the bot cannot post to is logged, not thrown. */
export async function tellUser(
  client: webApi.WebClient,
  log: Log,
  channel: string,
  user: string,
  content: MessageContent,
): Promise<void> {
  try {
    await client.chat.postEphemeral({ channel, user, ...content });
  } catch (err) {
    log.warn(
      { channel, user, err: err instanceof Error ? err.message : String(err) },
      'could not post ephemeral message',
    );
  }
}
