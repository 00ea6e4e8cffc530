import type { FormValues } from '../../../src/core/operations/contract';
import { upstreamRejection as upstreamError } from '../../support/rejection';
import { parseErrorBody } from '../../../src/integrations/zitadel/errors';
import { type ErrorStyle } from '../../fakes/zitadel';
import { apply, ctx, type Harness, type HarnessOptions, parseInput, startHarness } from './harness';
import { type UpstreamError } from '../../../src/core/errors';

const VALUES: FormValues = { kind: 'event', scope: 'event', event: 'user.human.added' };

let h: Harness;
let audit: string;

async function setUp(options: HarnessOptions = {}) {
  h = await startHarness(options);
  audit = h.fake.addTarget({ name: 'audit-log' });
}

afterEach(() => h.close());

/** Preview, then a start whose PUT meets whatever the fake was told. */
async function startError(values: FormValues = { ...VALUES, targets: [audit] }): Promise<UpstreamError> {
  const input = parseInput(h.op, values);
  const preview = await h.op.preview(input);
  return upstreamError(h.op.start(input, ctx(), preview.fingerprint));
}

describe.each<ErrorStyle>(['rest', 'connect'])('%s error bodies', (errorStyle) => {
  beforeEach(() => setUp({ errorStyle }));

  it('takes the error id from the message suffix when no detail carries it', async () => {
    h.fake.inject('SetExecution', {
      kind: 'grpc',
      code: 9,
      message: 'Errors.Execution.CircularInclude (COMMAND-mo1cmjp5k7)',
    });
    const err = await startError();
    expect(err).toMatchObject({
      upstreamCode: 'FAILED_PRECONDITION',
      message: 'Errors.Execution.CircularInclude',
      errorId: 'COMMAND-mo1cmjp5k7',
    });
  });

  it('a token without the Zitadel audience is named as such', async () => {
    await h.close();
    await setUp({
      errorStyle,
      tokens: { 'pat-without-audience': 'no-audience' },
      config: { token: 'pat-without-audience' },
    });
    const err = await upstreamError(h.query.run(''));
    expect(err).toMatchObject({
      upstreamCode: 'UNAUTHENTICATED',
      httpStatus: 401,
      kind: 'auth',
      message: 'Token is invalid',
      errorId: 'AUTH-7fs1e',
    });
    expect(err.hint).toContain('urn:zitadel:iam:org:project:id:zitadel:aud');
    expect(err.message + err.hint).not.toContain('pat-without-audience');
  });

  it('a service user without write permission is told which permission it lacks', async () => {
    await h.close();
    await setUp({ errorStyle, tokens: { 'read-only-pat': 'read-only' }, config: { token: 'read-only-pat' } });
    const err = await startError();
    expect(err).toMatchObject({
      upstreamCode: 'PERMISSION_DENIED',
      httpStatus: 403,
      message: 'No matching permissions found',
      errorId: 'AUTH-5mWD2',
    });
    expect(err.hint).toContain('action.execution.write');
  });

  it('a read without permission names the read permission', async () => {
    h.fake.inject('ListExecutions', {
      kind: 'grpc',
      code: 7,
      message: 'No matching permissions found',
      errorId: 'AUTH-5mWD2',
    });
    const err = await upstreamError(h.query.run(''));
    expect(err.hint).toContain('action.execution.read');
    expect(err.action).toBe('read the executions');
  });

  it('a target deleted after the preview is named in the NOT_FOUND hint', async () => {
    const input = parseInput(h.op, { ...VALUES, targets: [audit] });
    const preview = await h.op.preview(input);
    h.fake.removeTarget(audit);
    const err = await upstreamError(h.op.start(input, ctx(), preview.fingerprint));
    expect(err).toMatchObject({
      upstreamCode: 'NOT_FOUND',
      message: `Target not found: ${audit}`,
      errorId: 'COMMAND-17e8fq1ggk',
    });
    expect(err.hint).toBe(
      `Zitadel does not know target ${audit} (deleted since it was picked?). Pick the targets again.`,
    );
  });

  it('Zitadel’s own validation of a condition names the field', async () => {
    h.fake.inject('SetExecution', {
      kind: 'grpc',
      code: 3,
      message: 'invalid EventExecution.Event: value length must be between 1 and 1000 runes, inclusive',
    });
    const err = await startError();
    expect(err.hint).toBe('Zitadel rejected the event: correct it in the form and try again.');
  });

  it.each([3, 9])('the "actions" feature being off (code %i) says so', async (featureOffCode) => {
    h.fake.actionsEnabled = false;
    h.fake.featureOffCode = featureOffCode;
    const err = await upstreamError(h.op.preview(parseInput(h.op, { ...VALUES, targets: [audit] })));
    expect(err.httpStatus).toBe(400);
    expect(err.errorId).toBe('ACTION-8o6pvqfjhs');
    expect(err.message).toMatch(/^The "actions" feature is disabled on this Zitadel instance: /);
    expect(err.hint).toContain('The instance feature "actions" is disabled');
    expect(err.hint).toContain('enable it');
  });
});

describe('answers without a Zitadel body', () => {
  beforeEach(() => setUp());

  it('a proxy’s HTML 502 is transient, retried, and does not echo the page', async () => {
    h.fake.inject(
      'ListExecutions',
      { kind: 'http', status: 502, body: '<html><body>Bad gateway</body></html>' },
      5,
    );
    const err = await upstreamError(h.query.run(''));
    expect(err).toMatchObject({
      upstreamCode: 'UNAVAILABLE',
      httpStatus: 502,
      message: 'Zitadel answered HTTP 502 without an error message.',
      retryable: true,
    });
    expect(h.fake.requests('ListExecutions')).toHaveLength(3);
  });

  it('a route this Zitadel does not serve hints at the version', async () => {
    await h.close();
    await setUp({ basePath: '/old-prefix' });
    const err = await upstreamError(h.query.run(''));
    expect(err).toMatchObject({ upstreamCode: 'NOT_FOUND', httpStatus: 404, message: 'Not Found' });
    expect(err.hint).toContain('may predate Actions v2');
  });

  it('a redirect (wrong base URL) is not followed and says to check ZITADEL_BASE_URL', async () => {
    h.fake.inject('ListExecutions', { kind: 'http', status: 302, body: '' });
    const err = await upstreamError(h.query.run(''));
    expect(err).toMatchObject({ httpStatus: 302, retryable: false });
    expect(err.hint).toContain('ZITADEL_BASE_URL');
    expect(h.fake.requests('ListExecutions')).toHaveLength(1);
  });

  it('a success that is not JSON is a bad response, not a crash', async () => {
    h.fake.inject('ListExecutions', { kind: 'http', status: 200, body: 'hello' });
    const err = await upstreamError(h.query.run(''));
    expect(err).toMatchObject({ kind: 'bad_response', retryable: false });
    expect(err.message).toContain('the answer is not JSON');
  });
});

describe('secrets', () => {
  beforeEach(() => setUp());

  it('targets’ signing keys never reach the preview, facts or pickers', async () => {
    const { preview, result } = await apply(h.op, { ...VALUES, targets: [audit] });
    const choices = await h.op.search('targets', '', {});
    const report = await h.query.run('');
    const shown = JSON.stringify([preview, result, choices, report, h.log.lines]);
    expect(shown).not.toContain('SECRET');
    expect(shown).toContain('audit-log');
  });
});

describe('parseErrorBody', () => {
  it('reads both forms and tolerates anything else', () => {
    expect(parseErrorBody('{"code":5,"message":"Not Found"}')).toEqual({
      code: expect.objectContaining({ number: 5 }),
      message: 'Not Found',
      errorId: undefined,
    });
    expect(
      parseErrorBody('{"code":"unauthenticated","message":"Token is invalid (AUTH-7fs1e)"}'),
    ).toMatchObject({
      code: { name: 'UNAUTHENTICATED' },
      message: 'Token is invalid',
      errorId: 'AUTH-7fs1e',
    });
    expect(parseErrorBody('{"code":"5","details":[42,{"id":7},{"@type":"x","id":"ID-1"}]}')).toMatchObject({
      code: { number: 5 },
      errorId: 'ID-1',
    });
    expect(parseErrorBody('{"code":"teapot"}')).toEqual({
      code: undefined,
      message: undefined,
      errorId: undefined,
    });
    expect(parseErrorBody('<html>')).toEqual({});
    expect(parseErrorBody('[1,2]')).toEqual({});
  });
});
