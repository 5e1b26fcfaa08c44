/**
 * `npm run bench`: measures mtlsctl issue on 1000 services (fresh, no-op,
 * 10 changed) against an openssl CLI loop and an in-process lower bound, plus
 * start-up against `node -e 0`, and prints medians, ratios and peak memory.
 * Environment: BENCH_SERVICES (1000), BENCH_RUNS (5), BENCH_DIR (the scratch
 * parent: /dev/shm when it exists, else the system temp directory).
 *
 * Why tmpfs by default: on this VM's ext4 (mounted with discard), creating a
 * file right after thousands were deleted costs about 0.8 ms in the kernel,
 * which swamps every contender alike. BENCH_DIR=/tmp measures the disk too.
 */
import { execa } from 'execa';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = fileURLToPath(new URL('../../', import.meta.url));
const MEASURE = join(root, 'dist/bench/measure.js');
const LOWER_BOUND = join(root, 'dist/bench/lower-bound.js');
const BIN = join(root, 'bin/mtlsctl.js');

/** One timed run: wall-clock ms and peak RSS in bytes (0 when unknown). */
interface Sample { ms: number; rss: number }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(cmd: string, args: string[], cwd: string, rssFile?: string): Promise<Sample> {
  const started = performance.now();
  const r = await execa(cmd, args, { cwd, reject: false, env: { NO_COLOR: '1', ...(rssFile ? { BENCH_RSS_FILE: rssFile } : {}) } });
  const ms = performance.now() - started;
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  const rss = rssFile ? Number(await readFile(rssFile, 'utf8')) : 0;
  return { ms, rss };
}

function manifest(changedRun = -1): string {
  const lines = ['caDir: pki', 'outDir: out', 'defaults:', '  namespace: bench', 'services:'];
  for (let i = 0; i < SERVICES; i++) {
    lines.push(`  - name: svc-${String(i).padStart(4, '0')}`);
    if (changedRun >= 0 && i < 10) lines.push(`    dns: [changed-${changedRun}.example.com]`);
  }
  return lines.join('\n') + '\n';
}

async function mtlsctlIssue(dir: string): Promise<Sample> {
  return timed(process.execPath, [MEASURE, 'issue', '-f', 'mtls.yaml', '--quiet'], dir, join(dir, 'rss'));
}

async function opensslLoop(dir: string): Promise<number> {
  const script = `set -e
for i in $(seq 0 ${SERVICES - 1}); do
  n=$(printf 'svc-%04d' "$i"); d=ossl/$n; mkdir -p "$d"
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/key.pem" -out "$d/cert.pem" \\
    -subj "/CN=$n" -CA pki/intermediate-ca.crt -CAkey pki/intermediate-ca.key -days 90 \\
    -addext "subjectAltName=DNS:$n,DNS:$n.bench,DNS:$n.bench.svc,DNS:$n.bench.svc.cluster.local,URI:spiffe://cluster.local/ns/bench/sa/$n" \\
    -addext "extendedKeyUsage=serverAuth,clientAuth" -addext "keyUsage=critical,digitalSignature" 2>/dev/null
  cat "$d/cert.pem" pki/intermediate-ca.crt > "$d/chain.pem"
done`;
  await writeFile(join(dir, 'ossl.sh'), script);
  return (await timed('bash', ['ossl.sh'], dir)).ms;
}

async function startup(args: string[], dir: string): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 11; i++) samples.push((await timed(process.execPath, args, dir)).ms);
  return median(samples);
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

async function scratchParent(): Promise<string> {
  if (process.env.BENCH_DIR) return process.env.BENCH_DIR;
  return access('/dev/shm').then(() => '/dev/shm', () => tmpdir());
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(await scratchParent(), 'mtlsctl-bench-'));
  try {
    await execa(process.execPath, [BIN, 'init', '--quiet'], { cwd: dir, env: { NO_COLOR: '1' } });
    await writeFile(join(dir, 'mtls.yaml'), manifest());
    process.stderr.write(`bench: ${SERVICES} services, ${RUNS} runs each, in ${dir}\n`);

    const fresh: Sample[] = [];
    const noop: Sample[] = [];
    const changed: Sample[] = [];
    for (let r = 0; r < RUNS; r++) {
      await rm(join(dir, 'out'), { recursive: true, force: true });
      await rm(join(dir, 'pki/issued.jsonl'), { force: true });
      await writeFile(join(dir, 'mtls.yaml'), manifest());
      fresh.push(await mtlsctlIssue(dir));
      noop.push(await mtlsctlIssue(dir));
      await writeFile(join(dir, 'mtls.yaml'), manifest(r));
      changed.push(await mtlsctlIssue(dir));
    }
    const lower: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      await rm(join(dir, 'lb'), { recursive: true, force: true });
      const out = await execa(process.execPath, [LOWER_BOUND, join(dir, 'lb'), String(SERVICES)]);
      lower.push(Number(out.stdout));
    }
    process.stderr.write('bench: openssl CLI loop (one run)...\n');
    const ossl = await opensslLoop(dir);
    const nodeBare = await startup(['-e', '0'], dir);
    const version = await startup([BIN, '--version'], dir);
    const help = await startup([BIN, 'issue', '--help'], dir);

    const freshMs = median(fresh.map((s) => s.ms));
    const lowerMs = median(lower);
    const peakRss = Math.max(...[...fresh, ...noop, ...changed].map((s) => s.rss));
    const rows: Array<[string, string, string]> = [
      [`mtlsctl issue, ${SERVICES} fresh`, fmt(freshMs), `${(freshMs / lowerMs).toFixed(2)}x lower bound`],
      [`mtlsctl issue, ${SERVICES} no-op`, fmt(median(noop.map((s) => s.ms))), ''],
      [`mtlsctl issue, 10 of ${SERVICES} changed`, fmt(median(changed.map((s) => s.ms))), ''],
      [`openssl CLI loop, ${SERVICES}`, fmt(ossl), `${(ossl / freshMs).toFixed(1)}x slower than mtlsctl`],
      [`in-process lower bound, ${SERVICES}`, fmt(lowerMs), 'keys, signatures, files'],
      ['node -e 0', fmt(nodeBare), ''],
      ['mtlsctl --version', fmt(version), `+${(version - nodeBare).toFixed(0)} ms over node`],
      ['mtlsctl issue --help', fmt(help), `+${(help - nodeBare).toFixed(0)} ms over node`],
      ['peak memory (issue runs)', mb(peakRss), ''],
    ];
    const width = Math.max(...rows.map((r) => r[0].length));
    const lines = rows.map(([a, b, c]) => `${a.padEnd(width)}  ${b.padStart(8)}  ${c}`);
    process.stdout.write(`medians of ${RUNS} runs (openssl loop: 1 run), node ${process.version}, scratch in ${dirname(dir)}\n${lines.join('\n')}\n`);
    const checks: Array<[string, boolean]> = [
      ['fresh issue <= 2.5x the lower bound', freshMs <= 2.5 * lowerMs],
      ['fresh issue >= 5x faster than the openssl loop', ossl >= 5 * freshMs],
      ['no-op rerun < 0.5 s', median(noop.map((s) => s.ms)) < 500],
      ['--version <= 40 ms over node -e 0', version - nodeBare <= 40],
      ['peak memory < 300 MB', peakRss < 300 * 1024 * 1024],
    ];
    process.stdout.write(checks.map(([what, ok]) => `${ok ? 'met ' : 'MISSED'}  ${what}`).join('\n') + '\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
