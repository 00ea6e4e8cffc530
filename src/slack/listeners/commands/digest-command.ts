import { randomBytes } from 'node:crypto';
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { composeDigest } from '../../../core/digest/compose';
import { DigestCron } from '../../../core/digest/cron';
import type { DigestCommand, ScheduleSpec } from '../../../core/digest/spec';
import type { NotifyError } from '../../../core/runs/notifier';
import type { Decision, DigestOperation } from '../../../core/policy/policy';
import type { DigestScheduleRecord } from '../../../core/digest/digest-store';
import { plainText } from '../../../core/kit/text';
import type { SlackDeps } from '../../deps';
import { digestNames } from '../../slack-digest-publisher';
import { toNotifyError } from '../../slack-errors';
import type { MessageContent } from '../../ui/blocks';
import { filtersText, scheduleLabel, scheduleListMessage, zonedTime } from '../../ui/digest';
import { usageMessage } from '../../ui/help';
import { deniedMessage, infoMessage } from '../../ui/replies';

type Args = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

/** Schedules per channel: enough for any team, few enough that a typo loop cannot flood a channel. */
export const MAX_SCHEDULES_PER_CHANNEL = 20;
const FALLBACK_ZONE = 'UTC';

const ephemeral = (content: MessageContent) => ({ response_type: 'ephemeral' as const, ...content });
const inChannel = (content: MessageContent) => ({ response_type: 'in_channel' as const, ...content });

/** Eight characters people can type back: `/ops digest remove k3f9qz2m`. */
function newScheduleId(): string {
  return randomBytes(5).readUIntBE(0, 5).toString(36).padStart(8, '0');
}

/** Why Slack would not take a digest here, in words that say what to do. */
function postProblem(err: NotifyError): string {
  switch (err.code) {
    case 'not_in_channel':
    case 'channel_not_found':
      return 'Flightdeck cannot post in this channel. Invite it first (`/invite @flightdeck`), then try again.';
    case 'is_archived':
      return 'This channel is archived, so Flightdeck cannot post in it.';
    default:
      return `Slack did not take the digest (\`${err.code}\`). Try again in a moment.`;
  }
}

/** `/ops digest …`: bad input is answered in the ack; the rest follows it through the response URL. */
export async function digestCommand(deps: SlackDeps, parsed: DigestCommand, args: Args): Promise<void> {
  const { command, ack, respond } = args;
  const channelId = command.channel_id;
  if (channelId.startsWith('D')) {
    await ack(
      ephemeral(
        usageMessage('Digests are posted in channels: run this in the channel that should get them.'),
      ),
    );
    return;
  }
  await ack();
  switch (parsed.action) {
    case 'schedule':
      await respond(await schedule(deps, parsed.spec, channelId, command.user_id));
      return;
    case 'list': {
      const overviews = await deps.store.listDigestSchedules({ channelId });
      const now = deps.clock.now();
      const next = ({ schedule: s }: { schedule: DigestScheduleRecord }) =>
        new DigestCron(s.cron, s.timeZone).next(now);
      await respond(ephemeral(scheduleListMessage(overviews, next, digestNames(deps.registry))));
      return;
    }
    case 'remove':
      await respond(await remove(deps, parsed.id, channelId, command.user_id));
      return;
    case 'now':
      await postNow(deps, args, parsed.windowMs);
      return;
  }
}

/** Only a schedule of this channel can be removed from it; whether the caller may is the policy's call. */
async function remove(
  deps: SlackDeps,
  id: string,
  channelId: string,
  userId: string,
): Promise<ReturnType<typeof ephemeral> | ReturnType<typeof inChannel>> {
  const existing = await deps.store.getDigestSchedule(id);
  const missing = ephemeral(
    infoMessage(`There is no digest \`${id}\` in this channel. \`/ops digest list\` shows them.`),
  );
  if (existing?.channelId !== channelId) return missing;
  const decision = await deps.policy.decideDigest(
    { userId, channelId },
    'digest.remove',
    { id: existing.id, createdBy: existing.createdBy },
    { creatorId: existing.createdBy, isAdmin: deps.access.isAdmin(userId) },
  );
  const detail = { id: existing.id, label: existing.label };
  if (!decision.allowed) {
    await audit(deps, userId, channelId, 'digest.remove', decision, detail);
    return ephemeral(deniedMessage(`remove the digest \`${existing.id}\``, decision));
  }
  if (!(await deps.store.removeDigestSchedule(existing.id, channelId))) return missing;
  await audit(deps, userId, channelId, 'digest.remove', decision, detail);
  return inChannel(
    infoMessage(
      `:wastebasket: <@${userId}> stopped the digest \`${existing.id}\` (${scheduleLabel(existing.label)}).`,
    ),
  );
}

async function schedule(
  deps: SlackDeps,
  spec: ScheduleSpec,
  channelId: string,
  userId: string,
): Promise<ReturnType<typeof ephemeral> | ReturnType<typeof inChannel>> {
  const own = spec.timeZone ?? (await deps.digests.timeZones.of(userId));
  const timeZone = own ?? FALLBACK_ZONE;
  const decision = await deps.policy.decideDigest({ userId, channelId }, 'digest.schedule', {
    cron: spec.cron,
    timeZone,
    label: spec.label,
  });
  if (!decision.allowed) {
    await audit(deps, userId, channelId, 'digest.schedule', decision, { cron: spec.cron, timeZone });
    return ephemeral(deniedMessage('schedule a digest', decision));
  }
  const existing = (await deps.store.listDigestSchedules({ channelId })).map((o) => o.schedule);
  const twin = existing.find(
    (s) =>
      s.cron === spec.cron &&
      s.timeZone === timeZone &&
      JSON.stringify(s.filters) === JSON.stringify(spec.filters),
  );
  if (twin)
    return ephemeral(
      infoMessage(`This channel already has that digest: \`${twin.id}\` (${scheduleLabel(twin.label)}).`),
    );
  if (existing.length >= MAX_SCHEDULES_PER_CHANNEL)
    return ephemeral(
      infoMessage(
        `This channel has ${existing.length} digests, the most it can have. Remove one first (\`/ops digest list\`).`,
      ),
    );
  const now = deps.clock.now();
  const record: DigestScheduleRecord = {
    id: newScheduleId(),
    channelId,
    createdBy: userId,
    cron: spec.cron,
    label: spec.label,
    timeZone,
    filters: spec.filters,
    createdAt: now,
  };
  await deps.store.createDigestSchedule(record);
  await audit(deps, userId, channelId, 'digest.schedule', decision, {
    id: record.id,
    cron: record.cron,
    timeZone,
    filters: record.filters,
  });
  const first = new DigestCron(record.cron, timeZone).next(now);
  const filters = filtersText(record.filters, digestNames(deps.registry));
  const lines = [
    `:calendar: <@${userId}> scheduled a digest here: ${scheduleLabel(record.label)} (${timeZone})${filters ? `, ${filters}` : ''}.`,
    first ? `First one: ${zonedTime(first, timeZone)}.` : '',
    `\`/ops digest list\` shows it; \`/ops digest remove ${record.id}\` stops it.`,
  ];
  if (!own) lines.push(`_Your Slack time zone could not be read, so it runs in ${FALLBACK_ZONE}._`);
  return inChannel(infoMessage(lines.filter(Boolean).join('\n')));
}

async function postNow(deps: SlackDeps, { command, respond }: Args, windowMs: number): Promise<void> {
  const now = deps.clock.now();
  const timeZone = (await deps.digests.timeZones.of(command.user_id)) ?? FALLBACK_ZONE;
  const summary = await composeDigest(
    deps.store,
    {
      channelId: command.channel_id,
      filters: { failuresOnly: false },
      window: { start: new Date(now.getTime() - windowMs), end: now },
    },
    now,
  );
  try {
    await deps.digests.publisher.publish(
      { channelId: command.channel_id, requestedBy: command.user_id, timeZone, summary, skipped: 0 },
      { partsPosted: 0, threadTs: null },
      async () => true,
    );
  } catch (err) {
    const problem = toNotifyError(err);
    deps.log.warn({ channel: command.channel_id, err: problem.code }, 'could not post digest');
    await respond(ephemeral(infoMessage(`:warning: ${postProblem(problem)}`)));
  }
}

/** Every digest change and every refusal: who, where, and the rule that decided when one did. */
async function audit(
  deps: SlackDeps,
  actorId: string,
  channelId: string,
  action: DigestOperation,
  decision: Decision,
  detail: Record<string, unknown>,
): Promise<void> {
  await deps.store.appendAudit({
    at: deps.clock.now(),
    actorId,
    channelId,
    action,
    operationId: null,
    runId: null,
    outcome: decision.allowed ? 'done' : 'denied',
    rule: decision.rule ?? null,
    detail: decision.allowed ? detail : { ...detail, why: plainText(decision.reason) },
  });
}
