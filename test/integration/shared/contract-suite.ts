import { findSecrets, type Secret } from '../../security/secret-scanner';
import { upstreamRejection } from '../../support/rejection';
import { type UpstreamError, type UpstreamErrorKind } from '../../../src/core/errors';

/**
 * The contract every integration keeps, run against each system's fake by one small file per system:
 * the error table (what the upstream answers → the problem the user sees), reads retried and writes
 * sent once, redaction, and a secret scan over every error and log line the suite produced.
 * `A` is the system's own way of telling its fake what to answer.
 */
export interface ContractSystem<A> {
  /** As the user sees it in a problem's title: "Harness IaCM". */
  name: string;
  /** Tells runs of one system apart in the test names: "REST error bodies". */
  variant?: string;
  id: string;
  /** The verb phrases of the write and the read the suite drives: "create the module execution". */
  writeAction: string;
  readAction: string;
  start(): Promise<ContractWorld<A>>;
  errorTable: ErrorRow<A>[];
  /** An answer a read retries (a gateway error, a reset connection). */
  transient: A;
  /** A connection dropped before any answer: a read sends it again. */
  reset: A;
  /** An answer a read gives up on at once (a 400). */
  permanent: A;
  /** An error answer whose message is `text`: the upstream echoing whatever it was sent. */
  echo(text: string): A;
  /** How many times a read that keeps meeting `transient` is sent, in all. */
  readAttempts: number;
}

export interface ErrorRow<A> {
  /** The upstream's answer in words: "401 unauthorized (goa body)". */
  name: string;
  answer: A;
  problem: {
    kind: UpstreamErrorKind;
    retryable: boolean;
    httpStatus?: number;
    upstreamCode?: string;
    /** A write whose outcome the answer leaves in doubt (it may have run). */
    ambiguous?: boolean;
    /** Shown as the message: the upstream's own words, when it gave any. */
    message?: string | RegExp;
    hint: RegExp;
  };
  /** How many times the write is sent: once, unless the system re-checks before it repeats. */
  writes?: number;
}

export interface ContractWorld<A> {
  /** Every secret the system holds: its configured credentials and every token issued so far. */
  secrets(): Secret[];
  /** Every log line the integration wrote. */
  logs(): unknown;
  /** The next `times` answers to the write (or the read) are `answer`. */
  answerWrite(answer: A, times: number): void;
  answerRead(answer: A, times: number): void;
  write(): Promise<unknown>;
  read(): Promise<unknown>;
  /** How many requests the write (the read) has sent so far. */
  writes(): number;
  reads(): number;
  close(): Promise<void>;
}

/** What of an error can reach a user or a log: its message, hint and the problem Slack renders. */
function shown(err: UpstreamError, systemName: string): unknown {
  return { message: err.message, hint: err.hint, stack: err.stack, problem: err.toProblem(systemName) };
}

export function runContractSuite<A>(system: ContractSystem<A>): void {
  describe(`${system.name}${system.variant ? ` (${system.variant})` : ''} keeps the integration contract`, () => {
    let world: ContractWorld<A>;
    /** Everything the suite's errors showed, for the secret scan at the end. */
    const seen: { where: string; value: unknown; secrets: Secret[] }[] = [];

    beforeEach(async () => {
      world = await system.start();
    });
    afterEach(async () => {
      seen.push({ where: 'logs', value: world.logs(), secrets: world.secrets() });
      await world.close();
    });

    describe('error table: what the upstream answers → the problem the user sees', () => {
      it.each(system.errorTable)('write answered $name', async (row) => {
        world.answerWrite(row.answer, 5);
        const err = await upstreamRejection(world.write());
        seen.push({ where: row.name, value: shown(err, system.name), secrets: world.secrets() });

        const { hint, message, ...fields } = row.problem;
        expect(err).toMatchObject({ system: system.id, action: system.writeAction, ...fields });
        expect(err.hint).toMatch(hint);
        if (message !== undefined) expect(err.message).toMatch(message);
        expect(err.toProblem(system.name).title).toBe(`${system.name}: could not ${system.writeAction}`);
        expect(world.writes()).toBe(row.writes ?? 1);
      });
    });

    describe('reads retried, writes sent once', () => {
      it('a read that meets a transient answer is retried, and succeeds', async () => {
        world.answerRead(system.transient, 1);
        await world.read();
        expect(world.reads()).toBe(2);
      });

      it('a read whose connection drops is sent again', async () => {
        world.answerRead(system.reset, 1);
        await world.read();
        expect(world.reads()).toBe(2);
      });

      it('a read gives up after its bounded attempts, with a retryable problem', async () => {
        world.answerRead(system.transient, system.readAttempts + 2);
        const err = await upstreamRejection(world.read());
        expect(err).toMatchObject({ system: system.id, action: system.readAction, retryable: true });
        expect(world.reads()).toBe(system.readAttempts);
      });

      it('a read answered with a permanent error is not retried', async () => {
        world.answerRead(system.permanent, 5);
        const err = await upstreamRejection(world.read());
        expect(err.retryable).toBe(false);
        expect(world.reads()).toBe(1);
      });
    });

    describe('redaction', () => {
      it('an upstream that echoes every secret in an error shows none of them', async () => {
        const held = world.secrets().map((s) => s.value);
        const text = `rejected: ${held.join(' / ')} (Bearer ${held[0] ?? ''})`;
        world.answerWrite(system.echo(text), 5);
        const write = await upstreamRejection(world.write());
        world.answerRead(system.echo(text), system.readAttempts + 2);
        const read = await upstreamRejection(world.read());

        const values = [write, read].map((err) => shown(err, system.name));
        for (const value of values) seen.push({ where: 'echo', value, secrets: world.secrets() });

        expect(write.message).toContain('[redacted]');
        expect(findSecrets(values, world.secrets(), 'error')).toEqual([]);
        expect(findSecrets(world.logs(), world.secrets(), 'logs')).toEqual([]);
      });
    });

    // Last, so that it sees what every case above showed and logged.
    it('secret scan: no secret in any error the suite produced or any line it logged', () => {
      const hits = seen.flatMap((s) => findSecrets(s.value, s.secrets, s.where));
      expect(hits).toEqual([]);
      expect(seen.length).toBeGreaterThan(system.errorTable.length);
    });
  });
}
