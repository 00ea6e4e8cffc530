import type { JsonObject } from '../json';
import type { SlackState } from '../state';
import type { TokenIdentity } from '../workspace';

export interface MethodContext {
  params: JsonObject;
  identity: TokenIdentity;
  state: SlackState;
}

/** Returns the success body without `ok`; throws SlackApiError for `ok:false`. */
export type MethodHandler = (context: MethodContext) => JsonObject;
