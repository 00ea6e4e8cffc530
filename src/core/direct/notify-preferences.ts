import type { AuditTrail } from '../audit/trail';
import type { Clock } from '../kit/clock';
import type { DirectMessageStore } from './direct-message-store';

/** `/ops notify`: whether someone gets direct messages (on unless they turned them off). */
export class NotifyPreferences {
  constructor(
    private readonly deps: {
      store: Pick<DirectMessageStore, 'directMessagesOff' | 'setDirectMessages'>;
      audit: Pick<AuditTrail, 'append'>;
      clock: Clock;
    },
  ) {}

  async directMessages(userId: string): Promise<boolean> {
    return !(await this.deps.store.directMessagesOff([userId])).has(userId);
  }

  /** Turns them on or off; audited, with where it was asked from. */
  async setDirectMessages(userId: string, enabled: boolean, channelId: string | null): Promise<void> {
    const at = this.deps.clock.now();
    await this.deps.store.setDirectMessages(userId, enabled, at);
    await this.deps.audit.append({
      at,
      actorId: userId,
      channelId,
      action: 'notify',
      operationId: null,
      runId: null,
      outcome: enabled ? 'on' : 'off',
      rule: null,
      detail: {},
    });
  }
}
