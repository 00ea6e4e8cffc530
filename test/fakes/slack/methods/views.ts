import { z } from 'zod';
import { validateView } from '../../../support/block-kit';
import { SlackApiError, withMessages } from '../api-error';
import { isJsonObject, type JsonObject } from '../json';
import { parseArgs, text } from '../args';
import type { SlackState } from '../state';
import type { FakeView } from '../view-store';
import type { MethodContext, MethodHandler } from './context';

const MAX_VIEW_BYTES = 250_000;

/** A view Slack would accept on that surface; otherwise `invalid_arguments` with the reason. */
export function checkedView(view: unknown, surface: FakeView['type']): JsonObject {
  if (!isJsonObject(view)) throw withMessages('invalid_arguments', '/ must be a view object', '/view');
  if (Buffer.byteLength(JSON.stringify(view)) > MAX_VIEW_BYTES) throw new SlackApiError('view_too_large');
  if (view.type !== surface) throw withMessages('invalid_arguments', `/type must be '${surface}'`, '/view');
  const problem = validateView(view);
  if (problem) throw withMessages('invalid_arguments', problem, '/view');
  return view;
}

function redeemTrigger({ state }: MethodContext, triggerId: unknown) {
  const grant = state.triggers.redeem(triggerId, state.options.triggerTtlMs);
  if (typeof grant === 'string') throw new SlackApiError(grant);
  return grant;
}

function assertExternalIdFree(state: SlackState, view: JsonObject, exceptViewId?: string): void {
  if (typeof view.external_id === 'string' && state.views.externalIdInUse(view.external_id, exceptViewId)) {
    throw new SlackApiError('duplicate_external_id');
  }
}

const viewArgs = z.object({ trigger_id: z.unknown(), view: z.unknown() });

const open: MethodHandler = (context) => {
  const { params, state } = context;
  const args = parseArgs(viewArgs, params);
  const view = checkedView(args.view, 'modal');
  const grant = redeemTrigger(context, args.trigger_id);
  assertExternalIdFree(state, view);
  return { view: state.views.open(grant.userId, view) };
};

const push: MethodHandler = (context) => {
  const { params, state } = context;
  const args = parseArgs(viewArgs, params);
  const view = checkedView(args.view, 'modal');
  const grant = redeemTrigger(context, args.trigger_id);
  assertExternalIdFree(state, view);
  const pushed = state.views.push(grant.userId, view, grant.viewId);
  if (!pushed) throw new SlackApiError('push_limit_reached');
  return { view: pushed };
};

const update: MethodHandler = ({ params, state }) => {
  const args = parseArgs(
    z.object({
      view_id: text.optional(),
      external_id: text.optional(),
      hash: text.optional(),
      view: z.unknown(),
    }),
    params,
  );
  if (!args.view_id && !args.external_id) {
    throw withMessages('invalid_arguments', '/ view_id or external_id is required', '');
  }
  const current = state.views.findOpen(args.view_id, args.external_id);
  if (!current) throw new SlackApiError('not_found');
  if (args.hash !== undefined && args.hash !== current.hash) throw new SlackApiError('hash_conflict');
  const view = checkedView(args.view, current.type);
  assertExternalIdFree(state, view, current.id);
  return { view: state.views.update(current.id, view) };
};

const publish: MethodHandler = ({ params, state }) => {
  const args = parseArgs(
    z.object({ user_id: text.optional(), hash: text.optional(), view: z.unknown() }),
    params,
  );
  if (!state.options.homeTabEnabled) throw new SlackApiError('not_enabled');
  if (!args.user_id || !state.users.has(args.user_id)) throw new SlackApiError('user_not_found');
  const current = state.views.home(args.user_id);
  if (args.hash !== undefined && current && args.hash !== current.hash)
    throw new SlackApiError('hash_conflict');
  const view = checkedView(args.view, 'home');
  return { view: state.views.publishHome(args.user_id, view) };
};

export const viewMethods: Record<string, MethodHandler> = {
  'views.open': open,
  'views.push': push,
  'views.update': update,
  'views.publish': publish,
};
