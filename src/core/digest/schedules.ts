import { randomBytes } from 'node:crypto';
import type { AuditTrail } from '../audit/trail';
import type { Clock } from '../kit/clock';
import { plainText } from '../kit/text';
import type { Decision, DigestOperation, Policy, Subject } from '../policy/policy';
import type { Store } from '../store';
import { composeDigest } from './compose';
import { DigestCron } from './cron';
import type { DigestScheduleOverview, DigestScheduleRecord } from './digest-store';
import type { ScheduleSpec } from './spec';
import type { DigestPost } from './publisher';

/** Schedules per channel: enough for any team, few enough that a typo loop cannot flood a channel. */
export const MAX_SCHEDULES_PER_CHANNEL = 20;

/** Eight characters people can type back: `/ops digest remove k3f9qz2m`. */
function newScheduleId(): string {
  return randomBytes(5).readUIntBE(0, 5).toString(36).padStart(8, '0');
}

export type ScheduleResult =
  | { kind: 'denied'; decision: Decision }
  /** The channel already has a schedule with the same cron, time zone and filters. */
  | { kind: 'duplicate'; twin: DigestScheduleRecord }
  /** The channel has `count` schedules, the most it may have. */
  | { kind: 'full'; count: number }
  /** `first`: when it first fires, if ever. */
  | { kind: 'created'; schedule: DigestScheduleRecord; first?: Date };

export type RemoveResult =
  /** No such schedule in this channel (or it was removed meanwhile). */
  | { kind: 'missing' }
  | { kind: 'denied'; decision: Decision; schedule: DigestScheduleRecord }
  | { kind: 'removed'; schedule: DigestScheduleRecord };

export interface DigestSchedulesDeps {
  store: Store;
  policy: Pick<Policy, 'decideDigest'>;
  /** Admins may remove any schedule when no rule says otherwise. */
  access: { isAdmin(userId: string): boolean };
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
}

/**
 * Digest schedules under the policy (`digest.schedule`, `digest.remove`), with the per-channel limit and
 * one schedule per cron, time zone and filters; every change and every refusal is audited.
 */
export class DigestSchedules {
  constructor(private readonly deps: DigestSchedulesDeps) {}

  /** `spec.timeZone` is the one the surface settled on (given, the person's own, or a fallback). */
  async schedule(subject: Subject, spec: ScheduleSpec & { timeZone: string }): Promise<ScheduleResult> {
    const { store, policy, clock } = this.deps;
    const { timeZone } = spec;
    const decision = await policy.decideDigest(subject, 'digest.schedule', {
      cron: spec.cron,
      timeZone,
      label: spec.label,
    });
    if (!decision.allowed) {
      await this.audit(subject, 'digest.schedule', decision, { cron: spec.cron, timeZone });
      return { kind: 'denied', decision };
    }
    const existing = (await store.listDigestSchedules({ channelId: subject.channelId })).map(
      (o) => o.schedule,
    );
    const twin = existing.find(
      (s) =>
        s.cron === spec.cron &&
        s.timeZone === timeZone &&
        JSON.stringify(s.filters) === JSON.stringify(spec.filters),
    );
    if (twin) return { kind: 'duplicate', twin };
    if (existing.length >= MAX_SCHEDULES_PER_CHANNEL) return { kind: 'full', count: existing.length };
    const now = clock.now();
    const schedule: DigestScheduleRecord = {
      id: newScheduleId(),
      channelId: subject.channelId,
      createdBy: subject.userId,
      cron: spec.cron,
      label: spec.label,
      timeZone,
      filters: spec.filters,
      createdAt: now,
    };
    await store.createDigestSchedule(schedule);
    await this.audit(subject, 'digest.schedule', decision, {
      id: schedule.id,
      cron: schedule.cron,
      timeZone,
      filters: schedule.filters,
    });
    const first = nextFire(schedule, now);
    return first ? { kind: 'created', schedule, first } : { kind: 'created', schedule };
  }

  /** Only a schedule of the subject's channel can be removed from it; whether they may is the policy's call. */
  async remove(subject: Subject, id: string): Promise<RemoveResult> {
    const { store, policy, access } = this.deps;
    const existing = await store.getDigestSchedule(id);
    if (existing?.channelId !== subject.channelId) return { kind: 'missing' };
    const decision = await policy.decideDigest(
      subject,
      'digest.remove',
      { id: existing.id, createdBy: existing.createdBy },
      { creatorId: existing.createdBy, isAdmin: access.isAdmin(subject.userId) },
    );
    const detail = { id: existing.id, label: existing.label };
    if (!decision.allowed) {
      await this.audit(subject, 'digest.remove', decision, detail);
      return { kind: 'denied', decision, schedule: existing };
    }
    if (!(await store.removeDigestSchedule(existing.id, subject.channelId))) return { kind: 'missing' };
    await this.audit(subject, 'digest.remove', decision, detail);
    return { kind: 'removed', schedule: existing };
  }

  /** A channel's schedules, oldest first. */
  inChannel(channelId: string): Promise<DigestScheduleOverview[]> {
    return this.deps.store.listDigestSchedules({ channelId });
  }

  /** Someone's schedules in every channel, oldest first. */
  createdBy(userId: string): Promise<DigestScheduleOverview[]> {
    return this.deps.store.listDigestSchedules({ createdBy: userId });
  }

  /** When a schedule fires next from now, if ever. */
  nextFire(schedule: DigestScheduleRecord): Date | undefined {
    return nextFire(schedule, this.deps.clock.now());
  }

  /** `/ops digest now`: the subject's channel over the last `windowMs`, ready for the surface's publisher. */
  async now(subject: Subject, windowMs: number, timeZone: string): Promise<DigestPost> {
    const now = this.deps.clock.now();
    const summary = await composeDigest(
      this.deps.store,
      {
        channelId: subject.channelId,
        filters: { failuresOnly: false },
        window: { start: new Date(now.getTime() - windowMs), end: now },
      },
      now,
    );
    return { channelId: subject.channelId, requestedBy: subject.userId, timeZone, summary, skipped: 0 };
  }

  /** Every digest change and every refusal: who, where, and the rule that decided when one did. */
  private audit(
    subject: Subject,
    action: DigestOperation,
    decision: Decision,
    detail: Record<string, unknown>,
  ): Promise<void> {
    return this.deps.audit.append({
      at: this.deps.clock.now(),
      actorId: subject.userId,
      channelId: subject.channelId,
      action,
      operationId: null,
      runId: null,
      outcome: decision.allowed ? 'done' : 'denied',
      rule: decision.rule ?? null,
      detail: decision.allowed ? detail : { ...detail, why: plainText(decision.reason) },
    });
  }
}

function nextFire(schedule: DigestScheduleRecord, after: Date): Date | undefined {
  return new DigestCron(schedule.cron, schedule.timeZone).next(after);
}
