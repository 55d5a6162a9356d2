import { loadMergeConfig, MERGE_METHOD_NAMES, runMerge } from '@tunelab/core/merge';
import type { Command } from 'commander';

/** `tunelab merge --config FILE.yml --out DIR`: a mergekit-style merge (DESIGN.md contract). */
export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description(`merge models from a mergekit-style YAML config (${MERGE_METHOD_NAMES.join(', ')})`)
    .requiredOption('--config <file>', 'mergekit YAML config; model paths are relative to it')
    .requiredOption(
      '--out <dir>',
      'output folder (model.safetensors, config.json, tokenizer, mergekit_config.yml)',
    )
    .option('--quiet', 'no progress on stderr')
    .action(async (options: { config: string; out: string; quiet?: boolean }) => {
      const plan = await loadMergeConfig(options.config);
      const started = performance.now();
      let lastShown = 0;
      const result = await runMerge(plan, options.out, {
        onProgress: ({ done, total, tensor }) => {
          if (options.quiet || (done < total && performance.now() - lastShown < 500)) return;
          lastShown = performance.now();
          process.stderr.write(`merge: ${done}/${total} ${tensor}\n`);
        },
      });
      const summary = { method: plan.method, ...result, seconds: (performance.now() - started) / 1000 };
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
}
