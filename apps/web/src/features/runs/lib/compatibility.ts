/**
 * Checks that a base model and a dataset can make a run, before anything is queued.
 * Pure, so the launch form shows the same messages live that the server enforces.
 */
export interface ModelFacts {
  id: string;
  name: string;
  kind: string;
  task: string | null;
  numLabels: number | null;
  hasTokenizer: boolean;
  maxPositions: number | null;
}

export interface DatasetFacts {
  id: string;
  name: string;
  task: string;
  status: string;
  rowCount: number;
  classCount: number | null;
}

/** The max length a form starts with: the default, shortened to what the model's positions allow. */
export function fittingMaxLength(maxPositions: number | null | undefined, wanted: number): number {
  return maxPositions != null && maxPositions > 0 ? Math.min(wanted, maxPositions) : wanted;
}

export function checkCompatibility(
  model: ModelFacts | undefined,
  dataset: DatasetFacts | undefined,
  params: { maxLength: number },
): string[] {
  const problems: string[] = [];
  if (!model) problems.push('Choose a base model.');
  if (!dataset) problems.push('Choose a dataset.');
  if (!model || !dataset) return problems;
  if (!model.hasTokenizer) {
    problems.push(
      `Model "${model.name}" has no tokenizer (vocab.txt or tokenizer.json): re-import it with one.`,
    );
  }
  if (dataset.status !== 'ready') {
    problems.push(
      `Dataset "${dataset.name}" is ${dataset.status}, not ready: wait for its profile or fix its errors.`,
    );
  }
  if (dataset.rowCount < 2)
    problems.push(`Dataset "${dataset.name}" has ${dataset.rowCount} rows: at least 2 are needed.`);
  // Only a trained head has a label space to respect; base/pretrained models get a fresh head.
  const trainedHead = (model.kind === 'finetuned' || model.kind === 'merged') && model.task !== null;
  if (trainedHead && model.task !== dataset.task) {
    problems.push(
      `Model "${model.name}" has a ${model.task} head but dataset "${dataset.name}" is ${dataset.task}: pick a base model or a ${dataset.task} model.`,
    );
  }
  if (
    trainedHead &&
    dataset.task === 'classification' &&
    model.numLabels !== null &&
    dataset.classCount !== null &&
    model.numLabels !== dataset.classCount
  ) {
    problems.push(
      `Model "${model.name}" predicts ${model.numLabels} classes but dataset "${dataset.name}" has ${dataset.classCount}.`,
    );
  }
  if (model.maxPositions !== null && params.maxLength > model.maxPositions) {
    problems.push(
      `Max length ${params.maxLength} exceeds the model's ${model.maxPositions} position embeddings.`,
    );
  }
  return problems;
}
