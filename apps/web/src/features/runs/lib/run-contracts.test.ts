import { EVALUATE_PARAM_DEFAULTS, TRAIN_PARAM_DEFAULTS } from '@tunelab/core/dashboard';
import { describe, expect, it } from 'vitest';
import { ZEvaluateRequest } from '../../models/lib/queue-evaluation.ts';
import { ZLaunchRuns } from './launch-runs.ts';

// The launch form starts from TRAIN_PARAM_DEFAULTS; these are the HTTP API's parses of an empty
// request, which must give the same run (the CLI's and the worker's are tested beside them).
describe('HTTP API run contracts', () => {
  it('POST /api/runs without params launches with the form defaults', () => {
    const req = ZLaunchRuns.parse({ modelId: 'm', datasetId: 'd', params: {} });
    expect(req.params).toEqual(TRAIN_PARAM_DEFAULTS);
  });
  it('POST /api/runs keeps the accepted field names (lr, earlyStoppingPatience, fold)', () => {
    const req = ZLaunchRuns.parse({
      modelId: 'm',
      datasetId: 'd',
      params: { lr: 1e-4, earlyStoppingPatience: 2, fold: 1 },
    });
    expect(req.params).toEqual({ ...TRAIN_PARAM_DEFAULTS, lr: 1e-4, earlyStoppingPatience: 2, fold: 1 });
  });
  it('POST /api/models/[id]/evaluate takes the evaluate contract', () => {
    expect(ZEvaluateRequest.parse({ datasetId: 'd' })).toEqual({
      datasetId: 'd',
      ...EVALUATE_PARAM_DEFAULTS,
    });
    expect(ZEvaluateRequest.parse({ datasetId: 'd', split: 'test', tolerance: 2 })).toMatchObject({
      split: 'test',
      tolerance: 2,
    });
  });
});
