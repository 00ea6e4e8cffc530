import type { ApprovalView } from '../../core/approvals/board';
import type { VoteResult } from '../../core/approvals/decisions';
import { approverPhrase, type Decision } from '../../core/policy/policy';
import type { RunRecord } from '../../core/runs/run-store';
import { ACTIONS } from '../ids';
import {
  context,
  escapeMrkdwn,
  header,
  type KnownBlock,
  LIMITS,
  type MessageContent,
  mrkdwn,
  plain,
  section,
  slackDate,
  truncate,
} from './blocks';
import { mrkdwnText } from './text';

/** Approve and Reject, on the run's parent message and on a request in an approval channel. */
export function approvalButtons(runId: string): KnownBlock {
  return {
    type: 'actions',
    block_id: `approval:${runId}`,
    elements: [
      {
        type: 'button',
        action_id: ACTIONS.approve,
        text: plain('Approve', LIMITS.buttonText),
        style: 'primary',
        value: runId,
      },
      {
        type: 'button',
        action_id: ACTIONS.reject,
        text: plain('Reject', LIMITS.buttonText),
        style: 'danger',
        value: runId,
        confirm: {
          title: plain('Reject this request?', 100),
          text: mrkdwn('It will not run. The requester is told.'),
          confirm: plain('Reject', 30),
          deny: plain('Keep it', 30),
        },
      },
    ],
  };
}

function factFields(run: RunRecord) {
  return run.facts
    .slice(0, LIMITS.sectionFields - 1)
    .map((fact) =>
      mrkdwn(`*${escapeMrkdwn(fact.label)}*\n${escapeMrkdwn(truncate(fact.value, 300))}`, LIMITS.fieldText),
    );
}

/** How the request stands: who approved so far, or how it was decided. */
export function approvalState(view: ApprovalView): string {
  const { request, votes } = view.status;
  const approvedBy = votes.filter((v) => v.vote === 'approve').map((v) => `<@${v.approverId}>`);
  switch (request.outcome) {
    case 'approved':
      return `:white_check_mark: Approved by ${approvedBy.join(', ') || `<@${request.decidedBy ?? ''}>`}.`;
    case 'rejected':
      return request.decidedBy
        ? `:no_entry: Rejected by <@${request.decidedBy}>${request.decidedAt ? ` ${slackDate(request.decidedAt)}` : ''}.`
        : ':no_entry: Rejected: the requester is no longer allowed to run it.';
    case 'expired':
      return `:alarm_clock: Expired ${slackDate(request.expiresAt)}: nobody approved it in time.`;
    case null:
      return (
        `:raised_hand: Needs ${mrkdwnText(approverPhrase({ approvers: request.approvers, approvals: request.required }))}` +
        ` before ${slackDate(request.expiresAt)}` +
        (approvedBy.length > 0 ? ` · approved so far by ${approvedBy.join(', ')}` : '') +
        '.'
      );
  }
}

/** The request in an approval channel: exactly what would run, who asks, the rule, the expiry, and the buttons. */
export function approvalRequestMessage(view: ApprovalView, runLink?: string): MessageContent {
  const { run, status } = view;
  const title = `Approval: ${view.systemName}: ${view.operationTitle}`;
  const blocks: KnownBlock[] = [
    header(title),
    {
      type: 'section',
      fields: [mrkdwn(`*Requested by*\n<@${run.requesterId}> in <#${run.channelId}>`), ...factFields(run)],
    },
    section(approvalState(view)),
  ];
  if (status.request.outcome === null) blocks.push(approvalButtons(run.id));
  blocks.push(
    context(
      `Rule "${escapeMrkdwn(status.request.rule)}" · run \`${run.id}\`${runLink ? ` · <${runLink}|the run's thread>` : ''}`,
    ),
  );
  return { text: truncate(`${title} requested by <@${run.requesterId}>`, LIMITS.fallbackText), blocks };
}

/** What the requester hears once their request is decided. */
export function requesterNotice(view: ApprovalView): MessageContent {
  const what = `${escapeMrkdwn(view.systemName)}: ${escapeMrkdwn(view.operationTitle)} (run \`${view.run.id}\`)`;
  const text = `Your request ${what}: ${approvalState(view)}${view.status.request.outcome === 'approved' ? ' It is starting.' : ''}`;
  return { text: truncate(text, LIMITS.fallbackText), blocks: [section(text)] };
}

/** Said to the requester right after submitting, when the run waits for approval. */
export function awaitingApprovalNotice(decision: Decision, channelId: string): MessageContent {
  const need = decision.approval;
  const who = need ? mrkdwnText(approverPhrase(need)) : 'approval';
  const where = need?.channelId && need.channelId !== channelId ? `<#${need.channelId}>` : `<#${channelId}>`;
  const text = `:raised_hand: Sent for approval: rule "${escapeMrkdwn(decision.rule ?? '')}" needs ${who}. The request is in ${where}; you will be told when it is decided.`;
  return { text: `Sent for approval (rule ${decision.rule ?? ''}).`, blocks: [section(text)] };
}

/** The answer to an Approve or Reject click, for the person who clicked. */
export function voteReply(result: VoteResult): string | undefined {
  switch (result.kind) {
    case 'approved':
    case 'rejected':
      return undefined;
    case 'counted':
      return `Your approval is recorded: ${result.approvals} of ${result.required}. It starts once ${result.required - result.approvals} more approver(s) approve.`;
    case 'already_voted':
      return `You already ${result.vote === 'approve' ? 'approved' : 'rejected'} this request; your vote counts once.`;
    case 'decided':
      return result.outcome === 'expired'
        ? 'This request expired before it was approved.'
        : `This request was already ${result.outcome ?? result.state}${result.by ? ` by <@${result.by}>` : ''}.`;
    case 'own_run':
      return 'You cannot approve your own request: someone else must. (You may withdraw it with Reject.)';
    case 'not_approver':
      return `You are not an approver for this request: it needs ${mrkdwnText(result.approvers)}.`;
    case 'no_longer_allowed':
      return `The requester is no longer allowed to run this, so it was rejected. ${mrkdwnText(result.decision.reason)}`;
    case 'not_found':
      return 'Flightdeck has no pending approval for this run.';
  }
}
