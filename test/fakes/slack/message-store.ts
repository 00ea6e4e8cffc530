import type { JsonObject } from './json';

export interface FakeMessage {
  channel: string;
  ts: string;
  /** Set on thread replies: the parent's ts. */
  threadTs?: string;
  text: string;
  blocks?: JsonObject[];
  attachments?: JsonObject[];
  metadata?: JsonObject;
  /** Author: the bot user for bot posts, a person for seeded messages. */
  user: string;
  botId?: string;
  replyBroadcast: boolean;
  /** How many times chat.update (or a replacing response_url) changed it. */
  edits: number;
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks?: JsonObject[];
  via: 'chat.postEphemeral' | 'response_url';
}

/** Unique, increasing `"<seconds>.<micros>"` strings, like Slack's message ts. */
export class TsClock {
  private last = 0;

  next(): string {
    this.last = Math.max(Date.now() * 1000, this.last + 1);
    return `${Math.floor(this.last / 1e6)}.${String(this.last % 1e6).padStart(6, '0')}`;
  }
}

export class MessageStore {
  private readonly byChannel = new Map<string, Map<string, FakeMessage>>();
  readonly ephemerals: FakeEphemeral[] = [];

  add(message: FakeMessage): FakeMessage {
    let channel = this.byChannel.get(message.channel);
    if (!channel) {
      channel = new Map();
      this.byChannel.set(message.channel, channel);
    }
    channel.set(message.ts, message);
    return message;
  }

  get(channel: string, ts: string): FakeMessage | undefined {
    return this.byChannel.get(channel)?.get(ts);
  }

  remove(channel: string, ts: string): boolean {
    return this.byChannel.get(channel)?.delete(ts) ?? false;
  }

  private inChannel(channel: string): FakeMessage[] {
    return [...(this.byChannel.get(channel)?.values() ?? [])].sort((a, b) => compareTs(a.ts, b.ts));
  }

  /** What the channel shows: messages outside threads, and replies broadcast to the channel. */
  topLevel(channel: string): FakeMessage[] {
    return this.inChannel(channel).filter((m) => m.threadTs === undefined || m.replyBroadcast);
  }

  replies(channel: string, threadTs: string): FakeMessage[] {
    return this.inChannel(channel).filter((m) => m.threadTs === threadTs);
  }

  clear(): void {
    this.byChannel.clear();
    this.ephemerals.length = 0;
  }
}

function compareTs(a: string, b: string): number {
  const [aSec = '', aMicro = ''] = a.split('.');
  const [bSec = '', bMicro = ''] = b.split('.');
  return Number(aSec) - Number(bSec) || Number(aMicro) - Number(bMicro);
}

/** The message as Slack returns it in API answers. */
export function messageJson(message: FakeMessage, replyCount: number, withMetadata: boolean): JsonObject {
  return {
    type: 'message',
    user: message.user,
    ...(message.botId ? { bot_id: message.botId } : {}),
    text: message.text,
    ts: message.ts,
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(replyCount > 0 ? { thread_ts: message.ts, reply_count: replyCount } : {}),
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.attachments ? { attachments: message.attachments } : {}),
    ...(withMetadata && message.metadata ? { metadata: message.metadata } : {}),
    ...(message.edits > 0 ? { edited: { user: message.user, ts: message.ts } } : {}),
  };
}
