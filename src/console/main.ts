import { runConsole } from './console';

runConsole({
  argv: process.argv.slice(2),
  env: process.env,
  input: process.stdin,
  output: process.stdout,
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`Flightdeck console failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
