/**
 * The Node flags production starts the bot with: the Dockerfile's CMD and `npm start` pass these
 * (test/packaging.test.ts holds them to it), and the benchmarks start Flightdeck with them too, so what
 * they measure is the bot as it runs.
 *
 * `--max-old-space-size`: V8 lets the old generation grow to a multiple of what survives a full collection
 * before it collects again, and the multiple follows the heap limit, which by default follows the host's
 * memory: on a 24 GB host the limit is 4.3 GB and the multiple 4, so the tracker's ~55 MB of live objects
 * stood in a ~190 MB old generation and the process at 300+ MB RSS. Below a 2 GB limit V8 scales the
 * multiple down (about 1.4 at 512 MB), so the heap follows what the bot holds instead of the host's size
 * (bench/README.md, tracking). 512 MB is about ten times the tracker's live set at its production batch.
 */
export const PRODUCTION_NODE_ARGS = ['--max-old-space-size=512'];
