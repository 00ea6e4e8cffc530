import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ackLatency } from './ack-latency';
import type { Benchmark, BenchReport } from './benchmark';
import { coldStartBenchmark } from './cold-start';
import { digestBenchmark } from './digest';
import { FakeSlackProcess } from './support/fake-slack-process';
import { formatTable } from './support/table';
import { trackingBenchmark } from './tracking';

/** Every benchmark, in the order they run. Add new ones here. */
const BENCHMARKS: Benchmark[] = [ackLatency, coldStartBenchmark, trackingBenchmark, digestBenchmark];

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

function print(benchmark: Benchmark, report: BenchReport): void {
  console.log(`\n== ${benchmark.name}: ${benchmark.title}\n`);
  for (const line of report.lines) console.log(`${line}\n`);
  if (report.verdicts.length > 0) {
    console.log(
      formatTable(
        ['figure', 'value', 'target', 'verdict'],
        report.verdicts.map((v) => [v.label, v.value, v.target, v.pass ? 'PASS' : 'MISS']),
      ),
    );
  }
  for (const failure of report.failures) console.error(`FAILED: ${failure}`);
}

/** Picks benchmarks by name from the command line (`npm run bench -- cold-start`); none named → all. */
function selected(names: string[]): Benchmark[] {
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length > 0)
    throw new Error(
      `unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`,
    );
  return names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => names.includes(b.name));
}

async function main(): Promise<boolean> {
  const benchmarks = selected(process.argv.slice(2));
  console.log(
    `Flightdeck benchmarks — node ${process.version}, ${String(cpus().length)} CPUs, load average ${load()}`,
  );
  const workDir = mkdtempSync(join(tmpdir(), 'flightdeck-bench-'));
  let failed = false;
  const fakeSlack = await FakeSlackProcess.start(join(workDir, 'fake-slack.log'));
  try {
    for (const benchmark of benchmarks) {
      try {
        const report = await benchmark.run({ workDir, fakeSlack });
        print(benchmark, report);
        failed ||= report.failures.length > 0;
      } catch (err) {
        console.error(`\nFAILED: ${benchmark.name}: ${err instanceof Error ? err.message : String(err)}`);
        failed = true;
      }
    }
  } finally {
    await fakeSlack.stop();
  }
  console.log(`\nload average after: ${load()}`);
  if (failed) console.error(`logs kept in ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
  return !failed;
}

main().then(
  (ok) => {
    process.exitCode = ok ? 0 : 1;
  },
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
