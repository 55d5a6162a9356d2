import type { Command } from 'commander';

// Placeholder until the command is implemented: it refuses to run rather than pretend.
export function registerTokenize(program: Command): void {
  program
    .command('tokenize')
    .description('not implemented yet')
    .action(() => {
      throw new Error('tunelab tokenize is not implemented yet');
    });
}
