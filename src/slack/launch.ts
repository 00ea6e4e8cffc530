import type { LaunchRequest, StartOutcome } from '../core/runs/launcher';
import type { SlackDeps } from './deps';
import { awaitingApprovalNotice } from './ui/approval';
import type { MessageContent } from './ui/blocks';
import { deniedMessage, infoMessage } from './ui/replies';
import { mrkdwnText } from './ui/text';

export type LaunchReport =
  | { kind: 'notice'; content: MessageContent }
  | { kind: 'started'; outcome: StartOutcome }
  | { kind: 'duplicate' };

/**
 * Launches and says what a person must hear that the run's thread will not tell them (denied, not
 * available, waiting for approval). Resolves once the start has an outcome.
 */
export async function launchAndReport(deps: SlackDeps, request: LaunchRequest): Promise<LaunchReport> {
  const result = await deps.launcher.launch(request);
  switch (result.kind) {
    case 'denied': {
      const title = deps.registry.operationInfo(request.operationId)?.title ?? request.operationId;
      return { kind: 'notice', content: deniedMessage(`run ${title}`, result.decision) };
    }
    case 'unavailable':
      return { kind: 'notice', content: infoMessage(mrkdwnText(result.reason)) };
    case 'duplicate':
      return { kind: 'duplicate' };
    case 'accepted':
      return { kind: 'started', outcome: await result.started };
    case 'awaiting_approval':
      await result.posted;
      return { kind: 'notice', content: awaitingApprovalNotice(result.decision, request.channelId) };
  }
}
