import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { digestPlaceRefusal, type DigestCommand, type ScheduleSpec } from '../../../core/digest/spec';
import { NOTHING_POSTED, UNRECORDED } from '../../../core/digest/publisher';
import type { SlackDeps } from '../../deps';
import { digestNames, filtersText, zonedTime } from '../../../core/digest/digest-text';
import { toNotifyError } from '../../slack-errors';
import type { DigestScheduleRecord } from '../../../core/digest/digest-store';
import type { MessageContent } from '../../ui/blocks';
import { scheduleLabel, scheduleListMessage } from '../../ui/digest';
import { usageMessage } from '../../ui/help';
import { deniedMessage, infoMessage } from '../../ui/replies';
import { type NotifyError } from '../../../core/errors';

type Args = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

const FALLBACK_ZONE = 'UTC';

const ephemeral = (content: MessageContent) => ({ response_type: 'ephemeral' as const, ...content });
const inChannel = (content: MessageContent) => ({ response_type: 'in_channel' as const, ...content });

/** Why Slack would not take a digest here, in words that say what to do. */
function postProblem(err: NotifyError): string {
  switch (err.slackCode) {
    case 'not_in_channel':
    case 'channel_not_found':
      return 'Flightdeck cannot post in this channel. Invite it first (`/invite @flightdeck`), then try again.';
    case 'is_archived':
      return 'This channel is archived, so Flightdeck cannot post in it.';
    default:
      return `Slack did not take the digest (\`${err.slackCode}\`). Try again in a moment.`;
  }
}

/** `/ops digest …`: bad input is answered in the ack; the rest follows it through the response URL. */
export async function digestCommand(deps: SlackDeps, parsed: DigestCommand, args: Args): Promise<void> {
  const { command, ack, respond } = args;
  const channelId = command.channel_id;
  const misplaced = digestPlaceRefusal(channelId);
  if (misplaced) {
    await ack(ephemeral(usageMessage(misplaced)));
    return;
  }
  await ack();
  switch (parsed.action) {
    case 'schedule':
      await respond(await schedule(deps, parsed.spec, channelId, command.user_id));
      return;
    case 'list': {
      const { schedules } = deps.digests;
      const overviews = await schedules.inChannel(channelId);
      const next = ({ schedule }: { schedule: DigestScheduleRecord }) => schedules.nextFire(schedule);
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
  const result = await deps.digests.schedules.remove({ userId, channelId }, id);
  switch (result.kind) {
    case 'missing':
      return ephemeral(
        infoMessage(`There is no digest \`${id}\` in this channel. \`/ops digest list\` shows them.`),
      );
    case 'denied':
      return ephemeral(deniedMessage(`remove the digest \`${result.schedule.id}\``, result.decision));
    case 'removed':
      return inChannel(
        infoMessage(
          `:wastebasket: <@${userId}> stopped the digest \`${result.schedule.id}\` (${scheduleLabel(result.schedule.label)}).`,
        ),
      );
  }
}

async function schedule(
  deps: SlackDeps,
  spec: ScheduleSpec,
  channelId: string,
  userId: string,
): Promise<ReturnType<typeof ephemeral> | ReturnType<typeof inChannel>> {
  const own = spec.timeZone ?? (await deps.digests.timeZones.of(userId));
  const timeZone = own ?? FALLBACK_ZONE;
  const result = await deps.digests.schedules.schedule({ userId, channelId }, { ...spec, timeZone });
  switch (result.kind) {
    case 'denied':
      return ephemeral(deniedMessage('schedule a digest', result.decision));
    case 'duplicate':
      return ephemeral(
        infoMessage(
          `This channel already has that digest: \`${result.twin.id}\` (${scheduleLabel(result.twin.label)}).`,
        ),
      );
    case 'full':
      return ephemeral(
        infoMessage(
          `This channel has ${result.count} digests, the most it can have. Remove one first (\`/ops digest list\`).`,
        ),
      );
    case 'created': {
      const { schedule: record, first } = result;
      const filters = filtersText(record.filters, digestNames(deps.registry));
      const lines = [
        `:calendar: <@${userId}> scheduled a digest here: ${scheduleLabel(record.label)} (${timeZone})${filters ? `, ${filters}` : ''}.`,
        first ? `First one: ${zonedTime(first, timeZone)}.` : '',
        `\`/ops digest list\` shows it; \`/ops digest remove ${record.id}\` stops it.`,
      ];
      if (!own) lines.push(`_Your Slack time zone could not be read, so it runs in ${FALLBACK_ZONE}._`);
      return inChannel(infoMessage(lines.filter(Boolean).join('\n')));
    }
  }
}

async function postNow(deps: SlackDeps, { command, respond }: Args, windowMs: number): Promise<void> {
  const timeZone = (await deps.digests.timeZones.of(command.user_id)) ?? FALLBACK_ZONE;
  const subject = { userId: command.user_id, channelId: command.channel_id };
  const post = await deps.digests.schedules.now(subject, windowMs, timeZone);
  try {
    await deps.digests.publisher.publish(post, NOTHING_POSTED, UNRECORDED);
  } catch (err) {
    const problem = toNotifyError(err);
    deps.log.warn({ channel: command.channel_id, err: problem.code }, 'could not post digest');
    await respond(ephemeral(infoMessage(`:warning: ${postProblem(problem)}`)));
  }
}
