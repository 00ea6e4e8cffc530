import { Writable } from 'node:stream';
import { createLogger } from '../../../src/observability/logger';
import { boltLogger, PAYLOAD_NOT_LOGGED } from '../../../src/slack/bolt-logger';

function sink(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { lines, stream };
}

describe('logging at trace', () => {
  it("keeps what Bolt's lines say and drops the payloads they carry", () => {
    const out = sink();
    const bolt = boltLogger(createLogger('trace', out.stream));
    bolt.debug('Received a message on the WebSocket: {"payload":{"state":{"values":"hunter2"}}}');
    bolt.debug(`http request body: ${JSON.stringify({ text: 'password=hunter2' })}`);
    bolt.debug('Sending a WebSocket message:', { envelope_id: 'e1', payload: 'hunter2' });
    bolt.debug("apiCall('chat.postMessage') start");
    bolt.error(new Error('An API error occurred: channel_not_found'));
    expect(out.lines().map((l) => l.msg)).toEqual([
      `Received a message on the WebSocket: ${PAYLOAD_NOT_LOGGED}`,
      `http request body: ${PAYLOAD_NOT_LOGGED}`,
      `Sending a WebSocket message: ${PAYLOAD_NOT_LOGGED}`,
      "apiCall('chat.postMessage') start",
      'An API error occurred: channel_not_found',
    ]);
  });

  it('redacts credentials and content fields should a log call ever pass them', () => {
    const out = sink();
    createLogger('trace', out.stream).trace(
      { token: 't', body: 'b', input: { password: 'p' }, err: { body: 'b' }, runId: 'r1' },
      'x',
    );
    expect(out.lines()[0]).toMatchObject({
      token: '[redacted]',
      body: '[redacted]',
      input: '[redacted]',
      err: { body: '[redacted]' },
      runId: 'r1',
    });
  });
});
