export { FakeSlack, type FakeCall, type FakeSlackOptions } from './fake-slack';
export type { Fault } from './faults';
export {
  acceleratedTiers,
  SLACK_TIERS,
  type BucketLimit,
  type TierSettings,
  type WindowLimit,
} from './tiers';
export type { FakeResponse, ResponseContext, TriggerGrant } from './grants';
export type { FakeEphemeral, FakeMessage } from './message-store';
export type { FakeView } from './view-store';
export { waitFor } from './wait-for';
export {
  defaultWorkspace,
  type FakeChannel,
  type FakeUser,
  type TokenIdentity,
  type WorkspaceSeed,
} from './workspace';
export { isJsonObject, type JsonObject } from './json';
export {
  elementValue,
  findElement,
  stateValues,
  type ElementInput,
  type OptionInput,
} from './element-values';
