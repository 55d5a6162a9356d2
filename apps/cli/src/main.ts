import { Command } from 'commander';
import { registerDoctor } from './commands/doctor.ts';
import { registerEval } from './commands/eval.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerMerge } from './commands/merge.ts';
import { registerMergeSearch } from './commands/merge-search.ts';
import { registerPredict } from './commands/predict.ts';
import { registerScaling } from './commands/scaling.ts';
import { registerTokenize } from './commands/tokenize.ts';
import { registerTrain } from './commands/train.ts';
import { registerUsers } from './commands/users.ts';
import { registerVectors } from './commands/vectors.ts';

// The command-line contract is in the README (Command line); each command sits in its own file.
const program = new Command('tunelab')
  .description('TuneLab: fine-tune, evaluate, analyse and merge BERT-style models')
  .showHelpAfterError();

for (const register of [
  registerPredict,
  registerTokenize,
  registerTrain,
  registerEval,
  registerVectors,
  registerMerge,
  registerMergeSearch,
  registerDoctor,
  registerScaling,
  registerUsers,
  registerGenerate,
]) {
  register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`tunelab: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
