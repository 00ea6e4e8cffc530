/** Every action_id and callback_id Flightdeck uses, namespaced so listeners can match them exactly. */
export const ACTIONS = {
  cancel: 'fd.run.cancel',
  revert: 'fd.run.revert',
  rerun: 'fd.run.rerun',
  retry: 'fd.run.retry',
  openUpstream: 'fd.run.open',
  approve: 'fd.run.approve',
  reject: 'fd.run.reject',
  /** A decision on an upstream human step (a Harness approval, an Itential manual task), in the run's thread. */
  stepApprove: 'fd.step.approve',
  stepReject: 'fd.step.reject',
  /** A form field whose change rebuilds the form; the block id is the field id. */
  refreshField: /^fd\.field\.refresh\./,
  launcherPick: 'fd.launcher.pick',
  /** A Home tab button launching one operation; the operation id follows. */
  homeLaunch: /^fd\.home\.launch\./,
  homeChannel: 'fd.home.channel',
} as const;

export const VIEWS = {
  operation: 'fd.operation',
  launcher: 'fd.launcher',
  preview: 'fd.preview',
  /** The form of an upstream human step, opened by its Approve button. */
  stepForm: 'fd.step.form',
  homeChannel: 'fd.home.channel',
} as const;

export const refreshActionId = (fieldId: string) => `fd.field.refresh.${fieldId}`;
export const homeLaunchActionId = (operationId: string) => `fd.home.launch.${operationId}`;
