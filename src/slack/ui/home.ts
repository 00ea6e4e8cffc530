import type { DigestScheduleRecord } from '../../core/digest/digest-store';
import type { RunRecord } from '../../core/runs/run-store';
import { ACTIONS, homeLaunchActionId, VIEWS } from '../ids';
import {
  context,
  escapeMrkdwn,
  header,
  type HomeView,
  type KnownBlock,
  LIMITS,
  type ModalView,
  plain,
  section,
  slackDate,
  truncate,
} from './blocks';
import { zonedTime } from '../../core/digest/digest-text';
import { packedSections, scheduleLabel } from './digest';
import { hiddenNote } from './access';
import { stateLabel } from './run-message';

/** What the Home tab lists at most, so that it stays well inside the 100 blocks of a view. */
export const HOME_LIMITS = { runs: 15, waiting: 10, schedules: 20, operations: 50 } as const;
const BUTTONS_PER_ACTIONS_BLOCK = 25;
const MORE_HINT = '`/ops runs mine` and `/ops digest list` in a channel show the rest';

export interface HomeRun {
  run: RunRecord;
  /** `Itential: Start a job`. */
  title: string;
  /** The run's thread, when Slack gave a link. */
  link?: string;
}

export interface HomeSchedule {
  schedule: DigestScheduleRecord;
  next?: Date;
}

export interface HomeOperation {
  id: string;
  title: string;
  systemName: string;
}

export interface HomeContent {
  now: Date;
  recent: HomeRun[];
  /** Recent runs left out because the viewer may not see their channel now. */
  hidden?: { notMember: number; unknown: number };
  waiting: HomeRun[];
  schedules: HomeSchedule[];
  operations: HomeOperation[];
}

function runLine({ run, title, link }: HomeRun): string {
  const thread = link ? ` · <${link}|thread>` : '';
  // Slack refusing the run's updates (channel archived, bot removed) is shown where the requester looks.
  const refused = run.notifyProblem
    ? `\n:warning: Slack refuses this run's updates in <#${run.channelId}> (\`${escapeMrkdwn(run.notifyProblem.code)}\`); Flightdeck keeps tracking it and retries.`
    : '';
  return `${stateLabel(run.state)} · *${escapeMrkdwn(title)}* in <#${run.channelId}> · ${slackDate(run.createdAt)}${thread}${refused}`;
}

function scheduleLine({ schedule, next }: HomeSchedule): string {
  const when = next ? `next ${zonedTime(next, schedule.timeZone)}` : 'no next run';
  return `\`${schedule.id}\` · ${scheduleLabel(schedule.label)} (${schedule.timeZone}) in <#${schedule.channelId}> · ${when}`;
}

/** A heading and its lines, at most `max` of them; when there are more, a last line says so. */
function listing(heading: string, lines: string[], max: number, empty: string): KnownBlock[] {
  if (lines.length === 0) return [section(`${heading}\n${empty}`)];
  const entries = lines.slice(0, max);
  if (lines.length > max) entries.push(`…and more (${MORE_HINT})`);
  return packedSections({ heading, entries }).map((s) => s.block);
}

function launchButtons(operations: HomeOperation[]): KnownBlock[] {
  const shown = operations.slice(0, HOME_LIMITS.operations);
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < shown.length; i += BUTTONS_PER_ACTIONS_BLOCK) {
    blocks.push({
      type: 'actions',
      elements: shown.slice(i, i + BUTTONS_PER_ACTIONS_BLOCK).map((op) => ({
        type: 'button',
        action_id: homeLaunchActionId(op.id),
        text: plain(`${op.systemName}: ${op.title}`, LIMITS.buttonText),
        value: op.id,
      })),
    });
  }
  return blocks;
}

function optional(note: string | undefined): KnownBlock[] {
  return note ? [context(note)] : [];
}

/** The Home tab: launch buttons, runs waiting for the viewer, their recent runs, the digests they scheduled. */
export function homeView(content: HomeContent): HomeView {
  const launch =
    content.operations.length === 0
      ? [section('*Launch*\nNo system is configured yet, so there is nothing to launch.')]
      : [
          section('*Launch*\nPick an operation; you choose the channel it reports to next.'),
          ...launchButtons(content.operations),
        ];
  const blocks: KnownBlock[] = [
    header('Flightdeck'),
    ...launch,
    { type: 'divider' },
    ...listing(
      '*Waiting for you*',
      content.waiting.map(runLine),
      HOME_LIMITS.waiting,
      'Nothing of yours is waiting for a person.',
    ),
    { type: 'divider' },
    ...listing(
      '*Your recent runs*',
      content.recent.map(runLine),
      HOME_LIMITS.runs,
      'You have not launched anything yet.',
    ),
    ...optional(content.hidden && hiddenNote(content.hidden)),
    { type: 'divider' },
    ...listing(
      '*Digests you scheduled*',
      content.schedules.map(scheduleLine),
      HOME_LIMITS.schedules,
      'None. `/ops digest schedule daily 09:00` in a channel starts one.',
    ),
    context(`Updated ${slackDate(content.now)}`),
  ];
  return { type: 'home', blocks };
}

/** A launch from Home has no channel yet: this asks for one before the operation's own modal. */
export function channelPickModal(operation: HomeOperation): ModalView {
  return {
    type: 'modal',
    callback_id: VIEWS.homeChannel,
    title: plain('Flightdeck', LIMITS.modalTitle),
    submit: plain('Next', LIMITS.modalButton),
    close: plain('Cancel', LIMITS.modalButton),
    private_metadata: JSON.stringify({ operationId: operation.id }),
    blocks: [
      section(
        `Where should *${escapeMrkdwn(truncate(`${operation.systemName}: ${operation.title}`, 200))}* run? Its status and thread go to that channel.`,
      ),
      {
        type: 'input',
        block_id: 'channel',
        label: plain('Channel'),
        element: {
          type: 'conversations_select',
          action_id: ACTIONS.homeChannel,
          filter: { include: ['public', 'private'], exclude_bot_users: true },
        },
      },
    ],
  };
}
