// Every job processor, by job name. To add one: create processors/<name>.ts exporting a
// defineProcessor(...) value and add it to this list (one line). Both the in-process control worker
// and the sandboxed compute children read this table.
import type { TJobName } from '@tunelab/core/jobs';
import { crossvalProcessor } from './crossval.ts';
import { datasetProfileProcessor } from './dataset-profile.ts';
import { evaluateProcessor } from './evaluate.ts';
import { generateProcessor } from './generate.ts';
import { mergeProcessor } from './merge.ts';
import { pretrainProcessor } from './pretrain.ts';
import { buildProcessorTable } from './run-job.ts';
import { searchProcessor } from './search.ts';
import { searchCandidateProcessor } from './search-candidate.ts';
import { sweepProcessor } from './sweep.ts';
import { trainProcessor } from './train.ts';
import type { TProcessorDefinition } from './types.ts';
import { vectorsProcessor } from './vectors.ts';

export const PROCESSORS: readonly TProcessorDefinition<TJobName>[] = [
  datasetProfileProcessor as TProcessorDefinition<TJobName>,
  trainProcessor as TProcessorDefinition<TJobName>,
  mergeProcessor as TProcessorDefinition<TJobName>,
  vectorsProcessor as TProcessorDefinition<TJobName>,
  pretrainProcessor as TProcessorDefinition<TJobName>,
  sweepProcessor as TProcessorDefinition<TJobName>,
  evaluateProcessor as TProcessorDefinition<TJobName>,
  searchProcessor as TProcessorDefinition<TJobName>,
  searchCandidateProcessor as TProcessorDefinition<TJobName>,
  crossvalProcessor as TProcessorDefinition<TJobName>,
  generateProcessor as TProcessorDefinition<TJobName>,
];

export const PROCESSOR_TABLE = buildProcessorTable(PROCESSORS);
