import { z } from 'zod';
import { blocksTextLength, LIMITS, validateBlocks } from '../../../support/block-kit';
import { SlackApiError, withMessages } from '../api-error';
import type { JsonObject } from '../json';
import { flag, parseArgs, text } from '../args';
import { withGeneratedIds } from '../ids';
import { messageJson, type FakeMessage } from '../message-store';
import type { SlackState } from '../state';
import type { MethodHandler } from './context';

// chat.postMessage truncates beyond this (DOC-TRUNC); chat.update refuses more than 4,000.
const POST_TEXT_LIMIT = 40000;
const UPDATE_TEXT_LIMIT = 4000;
const MAX_ATTACHMENTS = 100;

const content = {
  text: text.optional(),
  blocks: z.unknown().optional(),
  attachments: z.unknown().optional(),
  metadata: z.unknown().optional(),
};

/** Blocks as Slack stores them, or undefined when none were sent; `[]` counts as none. */
export function checkedBlocks(blocks: unknown): JsonObject[] | undefined {
  if (blocks === undefined || blocks === '') return undefined;
  if (!Array.isArray(blocks)) throw new SlackApiError('invalid_blocks_format');
  if (blocks.length === 0) return undefined;
  if (blocksTextLength(blocks) > LIMITS.messageBlocksText) throw new SlackApiError('msg_blocks_too_long');
  const problem = validateBlocks(blocks, 'message');
  if (problem) throw withMessages('invalid_blocks', problem, '/blocks');
  return withGeneratedIds(blocks as JsonObject[]);
}

function checkedAttachments(attachments: unknown): JsonObject[] | undefined {
  if (attachments === undefined || attachments === '') return undefined;
  if (!Array.isArray(attachments)) throw new SlackApiError('invalid_attachments');
  if (attachments.length > MAX_ATTACHMENTS) throw new SlackApiError('too_many_attachments');
  return attachments.length > 0 ? (structuredClone(attachments) as JsonObject[]) : undefined;
}

const metadataShape = z.object({
  event_type: z.string().min(1),
  event_payload: z.record(z.string(), z.unknown()),
});

function checkedMetadata(metadata: unknown): JsonObject | undefined {
  if (metadata === undefined || metadata === '') return undefined;
  const parsed = metadataShape.safeParse(metadata);
  if (!parsed.success) throw new SlackApiError('invalid_metadata_format');
  return parsed.data;
}

function existingMessage(state: SlackState, channel: string, ts: string | undefined): FakeMessage {
  const message = ts ? state.messages.get(channel, ts) : undefined;
  if (!message) throw new SlackApiError('message_not_found');
  return message;
}

const postMessage: MethodHandler = ({ params, state, identity }) => {
  const args = parseArgs(
    z.object({ channel: text.optional(), thread_ts: text.optional(), reply_broadcast: flag, ...content }),
    params,
  );
  const channel = state.postableChannel(args.channel, identity);
  const blocks = checkedBlocks(args.blocks);
  const attachments = checkedAttachments(args.attachments);
  const metadata = checkedMetadata(args.metadata);
  if (!args.text && !blocks && !attachments) throw new SlackApiError('no_text');
  // A reply to a reply lands in the parent's thread.
  const parent = args.thread_ts ? state.messages.get(channel.id, args.thread_ts) : undefined;
  const message = state.messages.add({
    channel: channel.id,
    ts: state.clock.next(),
    threadTs: args.thread_ts ? (parent?.threadTs ?? args.thread_ts) : undefined,
    text: (args.text ?? '').slice(0, POST_TEXT_LIMIT),
    blocks,
    attachments,
    metadata,
    user: identity.userId,
    botId: identity.botId,
    replyBroadcast: args.reply_broadcast,
    edits: 0,
  });
  return { channel: channel.id, ts: message.ts, message: messageJson(message, 0, true) };
};

const update: MethodHandler = ({ params, state, identity }) => {
  const args = parseArgs(z.object({ channel: text.optional(), ts: text.optional(), ...content }), params);
  const channel = state.visibleChannel(args.channel, identity);
  const message = existingMessage(state, channel.id, args.ts);
  if (message.user !== identity.userId) throw new SlackApiError('cant_update_message');
  if (args.text !== undefined && args.text.length > UPDATE_TEXT_LIMIT)
    throw new SlackApiError('msg_too_long');
  // Omitted fields keep their old value; an empty blocks array removes the blocks.
  const blocks = args.blocks === undefined ? message.blocks : checkedBlocks(args.blocks);
  const attachments =
    args.attachments === undefined ? message.attachments : checkedAttachments(args.attachments);
  const newText = args.text ?? message.text;
  if (!newText && !blocks && !attachments) throw new SlackApiError('no_text');
  Object.assign(message, {
    text: newText,
    blocks,
    attachments,
    metadata: args.metadata === undefined ? message.metadata : checkedMetadata(args.metadata),
    edits: message.edits + 1,
  });
  return { channel: channel.id, ts: message.ts, text: message.text, message: messageJson(message, 0, true) };
};

const postEphemeral: MethodHandler = ({ params, state, identity }) => {
  const args = parseArgs(
    z.object({ channel: text.optional(), user: text.optional(), thread_ts: text.optional(), ...content }),
    params,
  );
  const channel = state.postableChannel(args.channel, identity);
  if (!args.user || !channel.members.includes(args.user)) throw new SlackApiError('user_not_in_channel');
  const blocks = checkedBlocks(args.blocks);
  if (!args.text && !blocks) throw new SlackApiError('no_text');
  const ts = state.clock.next();
  state.messages.ephemerals.push({
    channel: channel.id,
    user: args.user,
    ts,
    threadTs: args.thread_ts,
    text: args.text ?? '',
    blocks,
    via: 'chat.postEphemeral',
  });
  return { message_ts: ts };
};

const getPermalink: MethodHandler = ({ params, state, identity }) => {
  const args = parseArgs(z.object({ channel: text.optional(), message_ts: text.optional() }), params);
  const channel = state.visibleChannel(args.channel, identity);
  const message = existingMessage(state, channel.id, args.message_ts);
  const base = `https://${state.seed.teamDomain}.slack.com/archives/${channel.id}/p${message.ts.replace('.', '')}`;
  const thread = message.threadTs ? `?thread_ts=${message.threadTs}&cid=${channel.id}` : '';
  return { channel: channel.id, permalink: base + thread };
};

const remove: MethodHandler = ({ params, state, identity }) => {
  const args = parseArgs(z.object({ channel: text.optional(), ts: text.optional() }), params);
  const channel = state.visibleChannel(args.channel, identity);
  const message = existingMessage(state, channel.id, args.ts);
  if (message.user !== identity.userId) throw new SlackApiError('cant_delete_message');
  state.messages.remove(channel.id, message.ts);
  return { channel: channel.id, ts: message.ts };
};

export const chatMethods: Record<string, MethodHandler> = {
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
  'chat.getPermalink': getPermalink,
  'chat.delete': remove,
};
