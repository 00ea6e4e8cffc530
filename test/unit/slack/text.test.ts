import {
  channel,
  code,
  em,
  group,
  joinText,
  link,
  plainText,
  strong,
  textOf,
  time,
  txt,
  user,
} from '../../../src/core/kit/text';
import type { TransitionPayload } from '../../../src/core/approvals/transition-payload';
import type { RunView } from '../../../src/core/runs/notifier';
import type { TransitionRecord } from '../../../src/core/runs/run-store';
import { transitionReply } from '../../../src/slack/ui/run-message';
import { mrkdwnText } from '../../../src/slack/ui/text';
import { runRecord, transitionRecord } from '../../support/run-fixtures';

const at = new Date('2026-11-24T10:00:00Z');
const UNIX = Math.floor(at.getTime() / 1000);

describe('Text as data', () => {
  it('merges adjacent words and drops empty ones, so equal sentences are equal data', () => {
    expect(txt`a ${'b'}${''} c ${user('U1')}`).toEqual([
      { kind: 'text', text: 'a b c ' },
      { kind: 'user', id: 'U1' },
    ]);
    expect(joinText([user('U1'), group('S1'), user('U2')], ', ', ' or ')).toEqual(
      textOf(user('U1'), ', ', group('S1'), ' or ', user('U2')),
    );
  });

  it('reads as plain text without any markup', () => {
    const sentence = txt`${user('U1')} in ${channel('C1')} with ${group('S1')}: ${code('x')} ${strong('b')} ${em('i')} at ${time(at)} ${link('https://e.x/1', 'open')}`;
    expect(plainText(sentence)).toBe(
      '@U1 in #C1 with @S1: `x` b i at 2026-11-24T10:00:00.000Z open (https://e.x/1)',
    );
  });
});

describe('mrkdwnText (the one Slack renderer of Text)', () => {
  it('escapes <, > and & in every part made of words, so text cannot ping or forge a link', () => {
    expect(mrkdwnText(txt`a <!channel> & <https://evil|x>`)).toBe(
      'a &lt;!channel&gt; &amp; &lt;https://evil|x&gt;',
    );
    expect(mrkdwnText([strong('<@U1>')])).toBe('*&lt;@U1&gt;*');
    expect(mrkdwnText([em('a&b')])).toBe('_a&amp;b_');
    expect(mrkdwnText([code('<!here>')])).toBe('`&lt;!here&gt;`');
  });

  it('keeps a code span closed and never empty', () => {
    expect(mrkdwnText([code('a`b')])).toBe("`a'b`");
    expect(mrkdwnText([code('')])).toBe('` `');
  });

  it('writes Slack’s own tokens for people, groups, channels and dates', () => {
    expect(mrkdwnText(txt`${user('U1')} ${group('S1')} ${channel('C1')}`)).toBe('<@U1> <!subteam^S1> <#C1>');
    expect(mrkdwnText([time(at)])).toBe(
      `<!date^${UNIX}^{date_short_pretty} {time}|2026-11-24T10:00:00.000Z>`,
    );
  });

  it('writes a link whose text is escaped and whose URL cannot end it early', () => {
    expect(mrkdwnText([link('https://e.x/a?b=1&c=2', '#12 <b>')])).toBe(
      '<https://e.x/a?b=1&amp;c=2|#12 &lt;b&gt;>',
    );
    expect(mrkdwnText([link('https://e.x/a|b', 'x')])).toBe('<https://e.x/a%7Cb|x>');
  });
});

describe('approval transitions in the run’s thread', () => {
  const run = runRecord({ id: 'r1', requesterId: 'U0001', channelId: 'C0001', createdAt: at });
  const view: RunView = {
    run,
    operation: { id: 'itential.start', system: 'itential', verb: 'start', title: 'Start a job', usage: '' },
    systemName: 'Itential',
    cancellable: true,
    revertible: false,
    finishedActions: [],
  };
  const reply = (fields: Partial<TransitionRecord>) =>
    JSON.stringify(
      transitionReply(
        view,
        transitionRecord({
          runId: 'r1',
          seq: 1,
          at,
          state: 'awaiting_approval',
          upstreamStatus: null,
          ...fields,
        }),
      ).blocks,
    );
  const requested: TransitionPayload = {
    kind: 'approval_requested',
    approvers: { users: ['U0002'], groups: ['S0APPR'] },
    approvals: 1,
    expiresAt: at,
    requestChannelId: 'C0APPR',
  };
  const sentence =
    ':raised_hand: <@U0001> asked to run this. It needs approval by <@U0002> or <!subteam^S0APPR> (not <@U0001>)' +
    ` before <!date^${UNIX}^{date_short_pretty} {time}|2026-11-24T10:00:00.000Z>. The request is in <#C0APPR>.`;

  it('words a request from its payload exactly as Flightdeck wrote it before payloads existed', () => {
    expect(reply({ kind: 'approval_requested', payload: requested })).toContain(
      JSON.stringify(sentence).slice(1, -1),
    );
  });

  it('counts approvals from the payload, naming the approvers once the last one is in', () => {
    const counted = reply({
      kind: 'approved',
      actorId: 'U0002',
      payload: { kind: 'approvals', approvals: 1, required: 2, approvedBy: [] },
    });
    expect(counted).toContain(':ballot_box_with_check: Approved by <@U0002> (1 of 2)');
    const last = reply({
      kind: 'approved',
      actorId: 'U0003',
      payload: { kind: 'approvals', approvals: 2, required: 2, approvedBy: ['U0002', 'U0003'] },
    });
    expect(last).toContain('Approved by <@U0003> (2 of 2: <@U0002>, <@U0003>)');
    const single = reply({
      kind: 'approved',
      actorId: 'U0002',
      payload: { kind: 'approvals', approvals: 1, required: 1, approvedBy: ['U0002'] },
    });
    expect(single).toContain('Approved by <@U0002>"');
  });

  it('still shows a transition recorded before payloads, escaping all but the tokens Flightdeck wrote', () => {
    const legacy = sentence.slice(':raised_hand: <@U0001> asked to run this. '.length);
    expect(reply({ kind: 'approval_requested', detail: legacy })).toContain(
      JSON.stringify(sentence).slice(1, -1),
    );
    const injected = reply({
      kind: 'approved',
      actorId: 'U0002',
      detail: '1 of 2 <!channel> <https://evil|x>',
    });
    expect(injected).toContain('(1 of 2 &lt;!channel&gt; &lt;https://evil|x&gt;)');
    expect(injected).not.toContain('<!channel>');
  });
});
