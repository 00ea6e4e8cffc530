import type { ActionArgs, ButtonArgs } from '../../../src/slack/listeners/routes';
import { button, Routes } from '../../../src/slack/listeners/routes';

/** What a handler was called with, by name. */
function recorder() {
  const calls: string[] = [];
  const handler = (name: string) => async (id: string) => {
    calls.push(`${name}:${id}`);
  };
  return { calls, handler };
}

describe('Routes', () => {
  it('finds an exact id before any pattern, then the first pattern that matches', async () => {
    const { calls, handler } = recorder();
    const routes = new Routes<string>()
      .on(/^fd\.home\./, handler('home pattern'))
      .on('fd.home.channel', handler('exact'))
      .on(/^fd\./, handler('any fd'));
    const listen = routes.listener((id) => id);
    await listen('fd.home.channel');
    await listen('fd.home.launch.iacm.run');
    await listen('fd.run.cancel');
    expect(calls).toEqual([
      'exact:fd.home.channel',
      'home pattern:fd.home.launch.iacm.run',
      'any fd:fd.run.cancel',
    ]);
  });

  it('calls nothing for an id it does not know, so Bolt reports the request unhandled', async () => {
    const { calls, handler } = recorder();
    const routes = new Routes<string>().on('fd.run.cancel', handler('cancel'));
    expect(routes.find('fd.run.cancelled')).toBeUndefined();
    await routes.listener((id) => id)('other.app.action');
    expect(calls).toEqual([]);
  });

  it('refuses two handlers for one id', () => {
    const routes = new Routes<string>().on('fd.run.cancel', async () => undefined);
    expect(() => routes.on('fd.run.cancel', async () => undefined)).toThrow('two handlers for fd.run.cancel');
  });
});

describe('button', () => {
  const actionArgs = (type: string) => {
    const acks: unknown[] = [];
    const args = {
      action: { type, action_id: 'fd.run.cancel', block_id: 'b', action_ts: '1' },
      ack: async (response?: unknown) => {
        acks.push(response);
      },
    } as unknown as ActionArgs;
    return { args, acks };
  };

  it('hands a click of a button to its handler', async () => {
    const seen: ButtonArgs[] = [];
    const { args, acks } = actionArgs('button');
    await button(async (clicked) => {
      seen.push(clicked);
    })(args);
    expect(seen).toEqual([args]);
    expect(acks).toEqual([]);
  });

  it('acknowledges another element under a button’s id and does nothing else', async () => {
    const seen: ButtonArgs[] = [];
    const { args, acks } = actionArgs('static_select');
    await button(async (clicked) => {
      seen.push(clicked);
    })(args);
    expect(seen).toEqual([]);
    expect(acks).toEqual([undefined]);
  });
});
