import { randomBytes } from 'node:crypto';
import type { JsonObject } from './json';
import { isWellFormedTriggerId, newTriggerId } from './ids';

export interface TriggerGrant {
  userId: string;
  channelId?: string;
  /** Set when the interaction came from inside a modal: views.push stacks onto it. */
  viewId?: string;
  issuedAt: number;
  used: boolean;
}

export type TriggerRedemption =
  TriggerGrant | 'invalid_trigger_id' | 'exchanged_trigger_id' | 'expired_trigger_id';

/**
 * trigger_ids the driver hands the bot: single use, valid for a short time (Slack: 3 s). Their age is
 * counted on a clock of their own that moves only when a test ages them: how long the bot takes to open a
 * modal on a busy machine is not what a test checks (speed targets are benchmarks), expiry is.
 */
export class Triggers {
  private readonly grants = new Map<string, TriggerGrant>();
  private nowMs = 0;

  issue(grant: Omit<TriggerGrant, 'used' | 'issuedAt'>): string {
    const id = newTriggerId();
    this.grants.set(id, { ...grant, issuedAt: this.nowMs, used: false });
    return id;
  }

  /** Every trigger_id issued so far grows `ms` older. */
  age(ms: number): void {
    this.nowMs += ms;
  }

  redeem(id: unknown, ttlMs: number): TriggerRedemption {
    if (typeof id !== 'string' || !isWellFormedTriggerId(id)) return 'invalid_trigger_id';
    const grant = this.grants.get(id);
    if (!grant) return 'invalid_trigger_id';
    if (grant.used) return 'exchanged_trigger_id';
    if (this.nowMs - grant.issuedAt >= ttlMs) return 'expired_trigger_id';
    grant.used = true;
    return grant;
  }

  clear(): void {
    this.grants.clear();
  }
}

export interface ResponseContext {
  channelId: string;
  userId: string;
  /** The message the interaction came from: replace_original / delete_original act on it. */
  messageTs?: string;
}

export interface FakeResponse {
  id: string;
  at: number;
  /** 200 when accepted; 404 once the URL is used up or expired. */
  status: number;
  body: JsonObject;
}

interface ResponseGrant extends ResponseContext {
  issuedAt: number;
  uses: number;
}

/** response_urls: at most `maxUses` posts within `ttlMs` (Slack: 5 within 30 minutes). */
export class ResponseUrls {
  private readonly grants = new Map<string, ResponseGrant>();
  readonly received: FakeResponse[] = [];

  constructor(
    private readonly maxUses: number,
    private readonly ttlMs: number,
  ) {}

  issue(context: ResponseContext): string {
    const id = randomBytes(12).toString('hex');
    this.grants.set(id, { ...context, issuedAt: Date.now(), uses: 0 });
    return id;
  }

  use(id: string): ResponseContext | undefined {
    const grant = this.grants.get(id);
    if (!grant || grant.uses >= this.maxUses || Date.now() - grant.issuedAt > this.ttlMs) return undefined;
    grant.uses += 1;
    return grant;
  }

  clear(): void {
    this.grants.clear();
    this.received.length = 0;
  }
}
