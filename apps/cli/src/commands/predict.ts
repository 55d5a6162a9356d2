import type { Command } from 'commander';

// Placeholder until the command is implemented: it refuses to run rather than pretend.
export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('not implemented yet')
    .action(() => {
      throw new Error('tunelab predict is not implemented yet');
    });
}
