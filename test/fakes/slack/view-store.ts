import { isJsonObject, type JsonObject } from './json';
import { newHash, newViewId, withGeneratedIds } from './ids';

/** A view as Slack returns it from views.* and sends it in view payloads. */
export interface FakeView {
  id: string;
  team_id: string;
  app_id: string;
  bot_id: string;
  app_installed_team_id: string;
  type: 'modal' | 'home';
  title: JsonObject | null;
  submit: JsonObject | null;
  close: JsonObject | null;
  blocks: JsonObject[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, Record<string, JsonObject>> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string | null;
  previous_view_id: string | null;
}

export interface AppIdentity {
  teamId: string;
  appId: string;
  botId: string;
}

interface ViewRecord {
  view: FakeView;
  userId: string;
  open: boolean;
}

const objectOrNull = (value: unknown): JsonObject | null => (isJsonObject(value) ? value : null);
const stringOr = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);

/** Modal stacks per user (at most 3 deep) and one Home tab per user; `input` is a validated view. */
export class ViewStore {
  private readonly records = new Map<string, ViewRecord>();
  private readonly stacks = new Map<string, string[]>();
  private readonly homes = new Map<string, string>();

  constructor(private readonly app: AppIdentity) {}

  private build(
    input: JsonObject,
    id: string,
    links: Pick<FakeView, 'root_view_id' | 'previous_view_id'>,
  ): FakeView {
    return {
      id,
      team_id: this.app.teamId,
      app_id: this.app.appId,
      bot_id: this.app.botId,
      app_installed_team_id: this.app.teamId,
      type: input.type === 'home' ? 'home' : 'modal',
      title: objectOrNull(input.title),
      submit: objectOrNull(input.submit),
      close: objectOrNull(input.close),
      blocks: withGeneratedIds(Array.isArray(input.blocks) ? (input.blocks as JsonObject[]) : []),
      private_metadata: stringOr(input.private_metadata, ''),
      callback_id: stringOr(input.callback_id, ''),
      external_id: stringOr(input.external_id, ''),
      state: { values: {} },
      hash: newHash(),
      clear_on_close: input.clear_on_close === true,
      notify_on_close: input.notify_on_close === true,
      ...links,
    };
  }

  private store(view: FakeView, userId: string): FakeView {
    this.records.set(view.id, { view, userId, open: true });
    return view;
  }

  /** A new stack for the user; an earlier one is replaced, as a new modal replaces what was open. */
  open(userId: string, input: JsonObject): FakeView {
    for (const id of this.stacks.get(userId) ?? []) this.markClosed(id);
    const id = newViewId();
    this.stacks.set(userId, [id]);
    return this.store(this.build(input, id, { root_view_id: id, previous_view_id: null }), userId);
  }

  /** Onto the stack holding `underViewId` (or the user's open stack); undefined when it is full. */
  push(userId: string, input: JsonObject, underViewId?: string): FakeView | undefined {
    const owner = (underViewId && this.records.get(underViewId)?.userId) || userId;
    const stack = this.stacks.get(owner) ?? [];
    if (stack.length === 0) return this.open(owner, input);
    if (stack.length >= 3) return undefined;
    const id = newViewId();
    const view = this.build(input, id, {
      root_view_id: stack[0] ?? id,
      previous_view_id: stack.at(-1) ?? null,
    });
    stack.push(id);
    this.stacks.set(owner, stack);
    return this.store(view, owner);
  }

  /** Replaces the content of an open view, keeping its id, links and the user's input state. */
  update(viewId: string, input: JsonObject): FakeView {
    const record = this.records.get(viewId);
    if (!record) throw new Error(`no view ${viewId}`);
    const { id, root_view_id, previous_view_id, state } = record.view;
    const view = { ...this.build(input, id, { root_view_id, previous_view_id }), state };
    record.view = view;
    return view;
  }

  findOpen(viewId: string | undefined, externalId: string | undefined): FakeView | undefined {
    for (const record of this.records.values()) {
      if (!record.open) continue;
      if (viewId !== undefined && record.view.id === viewId) return record.view;
      if (viewId === undefined && externalId !== undefined && record.view.external_id === externalId) {
        return record.view;
      }
    }
    return undefined;
  }

  externalIdInUse(externalId: string, exceptViewId?: string): boolean {
    if (externalId === '') return false;
    return [...this.records.values()].some(
      (r) => r.open && r.view.external_id === externalId && r.view.id !== exceptViewId,
    );
  }

  publishHome(userId: string, input: JsonObject): FakeView {
    const existing = this.homes.get(userId);
    if (existing) return this.update(existing, input);
    const id = newViewId();
    this.homes.set(userId, id);
    return this.store(this.build(input, id, { root_view_id: null, previous_view_id: null }), userId);
  }

  home(userId: string): FakeView | undefined {
    const id = this.homes.get(userId);
    return id ? this.records.get(id)?.view : undefined;
  }

  /** Closes `viewId` and whatever was pushed above it (Slack: `ack()` of a submission). */
  close(viewId: string): void {
    const owner = this.records.get(viewId)?.userId;
    const stack = owner ? this.stacks.get(owner) : undefined;
    if (!owner || !stack) return;
    const at = stack.indexOf(viewId);
    if (at < 0) return;
    for (const id of stack.splice(at)) this.markClosed(id);
  }

  /** Closes the whole stack holding `viewId` (`response_action: 'clear'`). */
  clearStack(viewId: string): void {
    const owner = this.records.get(viewId)?.userId;
    const root = owner ? this.stacks.get(owner)?.[0] : undefined;
    if (root) this.close(root);
  }

  setState(viewId: string, values: FakeView['state']['values']): void {
    const record = this.records.get(viewId);
    if (record) record.view = { ...record.view, state: { values } };
  }

  get(viewId: string): FakeView | undefined {
    return this.records.get(viewId)?.view;
  }

  owner(viewId: string): string | undefined {
    return this.records.get(viewId)?.userId;
  }

  isOpen(viewId: string): boolean {
    return this.records.get(viewId)?.open ?? false;
  }

  /** Every modal opened or pushed, in order, with its current content. */
  modals(): FakeView[] {
    return [...this.records.values()].filter((r) => r.view.type === 'modal').map((r) => r.view);
  }

  openStack(userId: string): FakeView[] {
    return (this.stacks.get(userId) ?? []).flatMap((id) => this.records.get(id)?.view ?? []);
  }

  private markClosed(viewId: string): void {
    const record = this.records.get(viewId);
    if (record) record.open = false;
  }

  clear(): void {
    this.records.clear();
    this.stacks.clear();
    this.homes.clear();
  }
}
