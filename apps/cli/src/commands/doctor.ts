import { type DoctorReport, diagnose } from '@tunelab/core/backend';
import type { Command } from 'commander';
import { positiveNumber } from './tokenize.ts';

/** `tunelab doctor [--json] [--probe-seconds S]`: which engines run here, are they right, how fast. */
export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'which backends load (node-gpu, node, wasm, native BLAS, threads) and why the others do not, a kernel self-test of each against the cpu backend, and a speed probe',
    )
    .option('--json', 'print the report as JSON')
    .option('--probe-seconds <s>', 'length of the speed probe, shared among the loaded backends', '5')
    .action(async (o: { json?: boolean; probeSeconds: string }) => {
      const report = await diagnose({ probeSeconds: positiveNumber(o.probeSeconds, '--probe-seconds') });
      process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctor(report));
      if (!report.ok) process.exitCode = 1;
    });
}

/** The human-readable report. */
export function formatDoctor(r: DoctorReport): string {
  const lines = [`backend chosen: ${r.chosen ?? 'none'} (${r.cores} cores)`, '', 'engines:'];
  for (const e of r.engines) lines.push(`  ${e.loads ? 'ok  ' : 'no  '} ${e.name.padEnd(12)} ${e.detail}`);
  lines.push('', 'kernel self-test against the cpu backend (relative L2 error, ≤ 1e-5 passes):');
  for (const s of r.selfTests) {
    lines.push(`  ${s.backend}: ${s.ok ? 'pass' : 'FAIL'}`);
    for (const t of s.results) {
      const err = Number.isFinite(t.relError) ? t.relError.toExponential(1) : 'n/a';
      lines.push(
        `    ${t.ok ? 'ok  ' : 'FAIL'} ${t.check.padEnd(44)} ${err}${t.error ? `  ${t.error}` : ''}`,
      );
    }
  }
  if (r.selfTests.length === 0) lines.push('  no backend other than cpu loaded');
  lines.push('', 'speed probe (1024³ matmul, best):');
  for (const p of r.speed) {
    lines.push(
      `  ${p.engine.padEnd(20)} ${p.matmulGflops.toFixed(1)} GFLOP/s (${p.products} products in ${p.seconds.toFixed(1)} s)`,
    );
  }
  lines.push('', r.ok ? 'doctor: all loaded backends pass' : 'doctor: a check failed (see above)');
  return `${lines.join('\n')}\n`;
}
