import type { App } from '@slack/bolt';
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

export function registerListeners(app: App, deps: SlackDeps): void {
  app.command('/ops', opsCommand(deps));
  app.view(VIEWS.operation, operationSubmission(deps));
  app.view(VIEWS.launcher, launcherSubmission(deps));
  app.view(VIEWS.preview, previewConfirmation(deps));
  app.view(VIEWS.stepForm, stepFormSubmission(deps));
  app.action(ACTIONS.cancel, cancelRun(deps));
  app.action(ACTIONS.revert, revertRun(deps));
  app.action(ACTIONS.rerun, rerunRun(deps));
  app.action(ACTIONS.retry, retryStep(deps));
  app.action(ACTIONS.approve, approvalVote(deps, 'approve'));
  app.action(ACTIONS.reject, approvalVote(deps, 'reject'));
  app.action(ACTIONS.stepApprove, stepDecision(deps, 'approve'));
  app.action(ACTIONS.stepReject, stepDecision(deps, 'reject'));
  app.action(ACTIONS.refreshField, refreshForm(deps));
  // Link buttons still send an action; acknowledging it keeps Slack from showing an error.
  app.action(ACTIONS.openUpstream, async ({ ack }) => ack());
  app.action(ACTIONS.launcherPick, async ({ ack }) => ack());
  app.options({ type: 'block_suggestion', action_id: /^fd\.field\./ }, fieldOptions(deps));
  app.event('app_home_opened', appHomeOpened(deps));
  app.action(ACTIONS.homeLaunch, homeLaunch(deps));
  app.view(VIEWS.homeChannel, homeChannelSubmission(deps));
}
