// The tracking benchmark's bot: the same process entry the fault tests run (the bot as main.ts composes
// it, reporting its peak RSS when asked), compiled here by tsc with the rest of the benchmarks.
import '../test/fault/support/bot-main';
