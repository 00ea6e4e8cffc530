import { SlackApiError } from './api-error';
import { ResponseUrls, Triggers } from './grants';
import { MessageStore, TsClock } from './message-store';
import { ViewStore } from './view-store';
import {
  botIdentity,
  type FakeChannel,
  type FakeUser,
  type TokenIdentity,
  type WorkspaceSeed,
} from './workspace';

export interface StateOptions {
  /** trigger_id lifetime; Slack's is 3 s. */
  triggerTtlMs: number;
  responseUrlUses: number;
  responseUrlTtlMs: number;
  homeTabEnabled: boolean;
}

/** Everything the fake Web API knows about the workspace; methods read and change it. */
export class SlackState {
  readonly channels = new Map<string, FakeChannel>();
  readonly users = new Map<string, FakeUser>();
  readonly usergroups = new Map<string, string[]>();
  readonly tokens = new Map<string, TokenIdentity>();
  readonly messages = new MessageStore();
  readonly views: ViewStore;
  readonly triggers = new Triggers();
  readonly responseUrls: ResponseUrls;
  readonly clock = new TsClock();

  constructor(
    readonly seed: WorkspaceSeed,
    readonly options: StateOptions,
  ) {
    this.views = new ViewStore({ teamId: seed.teamId, appId: seed.appId, botId: seed.botId });
    this.responseUrls = new ResponseUrls(options.responseUrlUses, options.responseUrlTtlMs);
    this.load();
  }

  private load(): void {
    for (const user of this.seed.users) this.users.set(user.id, structuredClone(user));
    for (const channel of this.seed.channels) this.channels.set(channel.id, structuredClone(channel));
    for (const [id, members] of Object.entries(this.seed.usergroups)) this.usergroups.set(id, [...members]);
    const bot = botIdentity(this.seed);
    this.tokens.set(bot.token, bot);
  }

  /** Back to the seed: state, messages, views and grants. Tokens added later are dropped too. */
  reset(): void {
    this.channels.clear();
    this.users.clear();
    this.usergroups.clear();
    this.tokens.clear();
    this.messages.clear();
    this.views.clear();
    this.triggers.clear();
    this.responseUrls.clear();
    this.load();
  }

  /** A direct message channel with the user, opened on first use like Slack does for `channel=<user id>`. */
  directChannel(userId: string): FakeChannel {
    const id = `D${userId.slice(1)}`;
    let channel = this.channels.get(id);
    if (!channel) {
      channel = {
        id,
        name: id,
        isPrivate: true,
        isArchived: false,
        isIm: true,
        members: [userId, this.seed.botUserId],
      };
      this.channels.set(id, channel);
    }
    return channel;
  }

  /** A channel the caller can see: private channels it is not in do not exist for it. */
  visibleChannel(channelId: string | undefined, identity: TokenIdentity): FakeChannel {
    if (channelId && this.users.has(channelId)) return this.directChannel(channelId);
    const channel = channelId ? this.channels.get(channelId) : undefined;
    if (!channel || (channel.isPrivate && !channel.members.includes(identity.userId))) {
      throw new SlackApiError('channel_not_found');
    }
    return channel;
  }

  /** Where the caller may post: not archived, and a member unless it may post to public channels. */
  postableChannel(channelId: string | undefined, identity: TokenIdentity): FakeChannel {
    const channel = this.visibleChannel(channelId, identity);
    if (channel.isArchived) throw new SlackApiError('is_archived');
    const member = channel.members.includes(identity.userId);
    if (!member && !identity.scopes.includes('chat:write.public')) throw new SlackApiError('not_in_channel');
    return channel;
  }
}
