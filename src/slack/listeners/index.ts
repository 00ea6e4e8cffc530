import type { App, BlockAction, ViewSubmitAction } from '@slack/bolt';
import type { SlackDeps } from '../deps';
import { ACTIONS, VIEWS } from '../ids';
import { approvalVote } from './actions/approval-vote';
import { cancelRun } from './actions/cancel-run';
import { homeLaunch } from './actions/home-launch';
import { refreshForm } from './actions/refresh-form';
import { revertRun } from './actions/revert-run';
import { rerunRun } from './actions/rerun-run';
import { retryStep } from './actions/retry-step';
import { stepDecision } from './actions/step-decision';
import { opsCommand } from './commands/ops-command';
import { appHomeOpened } from './events/app-home-opened';
import { fieldOptions } from './options/field-options';
import { homeChannelSubmission } from './views/home-channel-submission';
import { launcherSubmission } from './views/launcher-submission';
import { operationSubmission } from './views/operation-submission';
import { previewConfirmation } from './views/preview-confirmation';
import { stepFormSubmission } from './views/step-form-submission';
import { button, Routes, type ActionArgs, type ViewArgs } from './routes';

/**
 * One Bolt listener per kind of payload, each finding its handler by id (see Routes): Bolt would otherwise
 * run every request through all of them before the ack.
 */
export function registerListeners(app: App, deps: SlackDeps): void {
  const ackOnly = async ({ ack }: ActionArgs) => ack();
  const actions = new Routes<ActionArgs>()
    .on(ACTIONS.cancel, button(cancelRun(deps)))
    .on(ACTIONS.revert, button(revertRun(deps)))
    .on(ACTIONS.rerun, button(rerunRun(deps)))
    .on(ACTIONS.retry, button(retryStep(deps)))
    .on(ACTIONS.approve, button(approvalVote(deps, 'approve')))
    .on(ACTIONS.reject, button(approvalVote(deps, 'reject')))
    .on(ACTIONS.stepApprove, button(stepDecision(deps, 'approve')))
    .on(ACTIONS.stepReject, button(stepDecision(deps, 'reject')))
    .on(ACTIONS.homeLaunch, button(homeLaunch(deps)))
    .on(ACTIONS.refreshField, refreshForm(deps))
    // Link buttons and the launcher's picker still send an action; acknowledging it keeps Slack from
    // showing an error.
    .on(ACTIONS.openUpstream, ackOnly)
    .on(ACTIONS.launcherPick, ackOnly);
  const views = new Routes<ViewArgs>()
    .on(VIEWS.operation, operationSubmission(deps))
    .on(VIEWS.launcher, launcherSubmission(deps))
    .on(VIEWS.preview, previewConfirmation(deps))
    .on(VIEWS.stepForm, stepFormSubmission(deps))
    .on(VIEWS.homeChannel, homeChannelSubmission(deps));
  app.command('/ops', opsCommand(deps));
  app.action<BlockAction>(
    { type: 'block_actions' },
    actions.listener((args) => args.action.action_id),
  );
  app.view<ViewSubmitAction>(
    { type: 'view_submission' },
    views.listener((args) => args.view.callback_id),
  );
  app.options({ type: 'block_suggestion', action_id: /^fd\.field\./ }, fieldOptions(deps));
  app.event('app_home_opened', appHomeOpened(deps));
}
