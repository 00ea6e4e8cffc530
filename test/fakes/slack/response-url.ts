import { z } from 'zod';
import type { JsonObject } from './json';
import { flag } from './args';
import type { ResponseContext } from './grants';
import { checkedBlocks } from './methods/chat';
import type { SlackState } from './state';

export const responseBody = z.looseObject({
  text: z.string().optional(),
  blocks: z.unknown().optional(),
  response_type: z.enum(['ephemeral', 'in_channel']).optional(),
  replace_original: flag,
  delete_original: flag,
  thread_ts: z.string().optional(),
});

/**
 * What a POST to a response_url does in Slack: delete or replace the message the interaction came from,
 * post in the channel, or (the default) show an ephemeral message to the user.
 * Throws SlackApiError for blocks Slack would refuse.
 */
export function applyResponse(state: SlackState, context: ResponseContext, raw: JsonObject): void {
  const body = responseBody.parse(raw);
  const original = context.messageTs ? state.messages.get(context.channelId, context.messageTs) : undefined;
  if (body.delete_original && original) {
    state.messages.remove(original.channel, original.ts);
    return;
  }
  const blocks = checkedBlocks(body.blocks);
  if (body.replace_original && original) {
    Object.assign(original, {
      text: body.text ?? original.text,
      blocks: body.blocks === undefined ? original.blocks : blocks,
      edits: original.edits + 1,
    });
    return;
  }
  if (body.response_type === 'in_channel') {
    state.messages.add({
      channel: context.channelId,
      ts: state.clock.next(),
      threadTs: body.thread_ts,
      text: body.text ?? '',
      blocks,
      user: state.seed.botUserId,
      botId: state.seed.botId,
      replyBroadcast: false,
      edits: 0,
    });
    return;
  }
  state.messages.ephemerals.push({
    channel: context.channelId,
    user: context.userId,
    ts: state.clock.next(),
    threadTs: body.thread_ts,
    text: body.text ?? '',
    blocks,
    via: 'response_url',
  });
}
