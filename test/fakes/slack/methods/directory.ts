import { z } from 'zod';
import { SlackApiError } from '../api-error';
import type { JsonObject } from '../json';
import { flag, parseArgs, text } from '../args';
import { messageJson } from '../message-store';
import { tzLabel, tzOffsetSeconds, type FakeChannel, type FakeUser } from '../workspace';
import type { MethodHandler } from './context';

function userJson(user: FakeUser, teamId: string): JsonObject {
  return {
    id: user.id,
    team_id: teamId,
    name: user.name,
    deleted: user.deleted ?? false,
    real_name: user.realName,
    tz: user.tz,
    tz_label: tzLabel(user.tz),
    tz_offset: tzOffsetSeconds(user.tz),
    is_bot: user.isBot ?? false,
    is_admin: false,
    is_app_user: false,
    updated: 1700000000,
    profile: {
      real_name: user.realName,
      display_name: user.name,
      ...(user.email ? { email: user.email } : {}),
    },
  };
}

function channelJson(channel: FakeChannel, memberId: string): JsonObject {
  const im = channel.isIm ?? false;
  return {
    id: channel.id,
    name: channel.name,
    name_normalized: channel.name,
    is_channel: !channel.isPrivate && !im,
    is_group: channel.isPrivate && !im,
    is_im: im,
    is_mpim: false,
    is_private: channel.isPrivate,
    is_archived: channel.isArchived,
    is_general: false,
    is_member: channel.members.includes(memberId),
    created: 1700000000,
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
  };
}

const authTest: MethodHandler = ({ identity, state }) => ({
  url: `https://${state.seed.teamDomain}.slack.com/`,
  team: state.seed.teamName,
  user: state.users.get(identity.userId)?.name ?? identity.userId,
  team_id: identity.teamId,
  user_id: identity.userId,
  ...(identity.botId ? { bot_id: identity.botId } : {}),
  is_enterprise_install: false,
});

const usersInfo: MethodHandler = ({ params, state }) => {
  const { user } = parseArgs(z.object({ user: text.optional() }), params);
  const found = user ? state.users.get(user) : undefined;
  if (!found) throw new SlackApiError('user_not_found');
  return { user: userJson(found, state.seed.teamId) };
};

const conversationsInfo: MethodHandler = ({ params, state, identity }) => {
  const { channel } = parseArgs(z.object({ channel: text.optional() }), params);
  return { channel: channelJson(state.visibleChannel(channel, identity), identity.userId) };
};

const conversationsReplies: MethodHandler = ({ params, state, identity }) => {
  const args = parseArgs(
    z.object({ channel: text.optional(), ts: text.optional(), include_all_metadata: flag }),
    params,
  );
  const channel = state.visibleChannel(args.channel, identity);
  const asked = args.ts ? state.messages.get(channel.id, args.ts) : undefined;
  if (!asked) throw new SlackApiError('thread_not_found');
  const rootTs = asked.threadTs ?? asked.ts;
  const replies = state.messages.replies(channel.id, rootTs);
  const root = state.messages.get(channel.id, rootTs);
  const thread = [
    ...(root ? [messageJson(root, replies.length, args.include_all_metadata)] : []),
    ...replies.map((m) => messageJson(m, 0, args.include_all_metadata)),
  ];
  return { messages: thread, has_more: false, response_metadata: { next_cursor: '' } };
};

/** Slack's cursors are opaque strings; this one encodes what is paged and where the next page starts. */
const encodeCursor = (offset: number, what = 'member') => Buffer.from(`${what}:${offset}`).toString('base64');

function decodeCursor(cursor: string, what = 'member'): number {
  const match = new RegExp(`^${what}:(\\d+)$`).exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match) throw new SlackApiError('invalid_cursor');
  return Number(match[1]);
}

/** A page size as Slack reads it: `fallback` when absent, else a whole number in [1, max]. */
function pageLimit(raw: string | undefined, fallback: number, max: number): number {
  const limit = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new SlackApiError('invalid_limit');
  return limit;
}

/**
 * What the channel shows (no thread replies but broadcast ones), newest first, between `oldest` and
 * `latest` (seconds; exclusive unless `inclusive`), a page at a time (default 100, at most 999); message
 * metadata only with `include_all_metadata`, as Slack returns it.
 */
const conversationsHistory: MethodHandler = ({ params, state, identity }) => {
  const args = parseArgs(
    z.object({
      channel: text.optional(),
      oldest: text.optional(),
      latest: text.optional(),
      inclusive: flag,
      limit: text.optional(),
      cursor: text.optional(),
      include_all_metadata: flag,
    }),
    params,
  );
  const limit = pageLimit(args.limit, 100, 999);
  const channel = state.visibleChannel(args.channel, identity);
  const oldest = Number(args.oldest ?? 0);
  const latest = args.latest === undefined ? Number.POSITIVE_INFINITY : Number(args.latest);
  const inRange = (ts: number) =>
    args.inclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest;
  const shown = state.messages
    .topLevel(channel.id)
    .filter((m) => inRange(Number(m.ts)))
    .reverse();
  const start = args.cursor ? decodeCursor(args.cursor, 'history') : 0;
  const end = start + limit;
  return {
    messages: shown
      .slice(start, end)
      .map((m) => messageJson(m, state.messages.replies(channel.id, m.ts).length, args.include_all_metadata)),
    has_more: end < shown.length,
    pin_count: 0,
    response_metadata: { next_cursor: end < shown.length ? encodeCursor(end, 'history') : '' },
  };
};

/** Members a page at a time (default 100, at most 1000); the last page's `next_cursor` is empty. */
const conversationsMembers: MethodHandler = ({ params, state, identity }) => {
  const args = parseArgs(
    z.object({ channel: text.optional(), cursor: text.optional(), limit: text.optional() }),
    params,
  );
  const limit = pageLimit(args.limit, 100, 1000);
  const channel = state.visibleChannel(args.channel, identity);
  const start = args.cursor ? decodeCursor(args.cursor) : 0;
  if (start > channel.members.length) throw new SlackApiError('invalid_cursor');
  const end = start + limit;
  return {
    members: channel.members.slice(start, end),
    response_metadata: { next_cursor: end < channel.members.length ? encodeCursor(end) : '' },
  };
};

const usergroupsUsersList: MethodHandler = ({ params, state }) => {
  const { usergroup } = parseArgs(z.object({ usergroup: text.optional() }), params);
  const users = usergroup ? state.usergroups.get(usergroup) : undefined;
  if (!users) throw new SlackApiError('no_such_subteam');
  return { users: [...users] };
};

export const directoryMethods: Record<string, MethodHandler> = {
  'auth.test': authTest,
  'users.info': usersInfo,
  'conversations.info': conversationsInfo,
  'conversations.history': conversationsHistory,
  'conversations.replies': conversationsReplies,
  'conversations.members': conversationsMembers,
  'usergroups.users.list': usergroupsUsersList,
};
