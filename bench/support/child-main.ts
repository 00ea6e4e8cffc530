import { requestMessage } from './ipc';

/** What a benchmark child process runs: started once, answers requests, stopped when the parent lets go. */
export interface ChildService {
  /** Sent to the parent once listening. */
  info: unknown;
  handle?(body: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

function send(message: unknown): void {
  process.send?.(message);
}

/**
 * Entry of a child process forked by `Child.fork`. The parent stops it by disconnecting the IPC channel,
 * which also happens when the parent dies: no child outlives a run.
 */
export function serveChild(start: () => Promise<ChildService>): void {
  start().then(
    (service) => {
      process.on('message', (raw: unknown) => {
        const parsed = requestMessage.safeParse(raw);
        if (!parsed.success || !service.handle) return;
        const { id, body } = parsed.data;
        service.handle(body).then(
          (answer) => send({ type: 'reply', id, body: answer }),
          (err: unknown) =>
            send({ type: 'reply', id, body: null, error: err instanceof Error ? err.message : String(err) }),
        );
      });
      process.once('disconnect', () => {
        service.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            console.error('bench child: unclean stop', err);
            process.exit(1);
          },
        );
      });
      send({ type: 'ready', info: service.info });
    },
    (err: unknown) => {
      console.error('bench child failed to start', err);
      process.exit(1);
    },
  );
}
