import type { JsonObject } from '../json';
import type { SlackState } from '../state';
import type { TokenIdentity } from '../workspace';

export interface MethodContext {
  params: JsonObject;
  identity: TokenIdentity;
  state: SlackState;
  /** When the request arrived: trigger_id age is judged then, however slow the fake is. */
  receivedAt: number;
}

/** Returns the success body without `ok`; throws SlackApiError for `ok:false`. */
export type MethodHandler = (context: MethodContext) => JsonObject;
