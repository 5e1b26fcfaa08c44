/**
 * Runs one mtlsctl command in this process and records its peak memory:
 * the benchmark's way to read a child's maxRSS without /usr/bin/time.
 */
import { writeFileSync } from 'node:fs';
import { run } from '../src/cli/main.js';
import { processIo } from '../src/cli/io.js';

const code = await run(process.argv.slice(2), processIo());
const file = process.env.BENCH_RSS_FILE;
if (file) writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
process.exitCode = code;
