'use client';
import { TRAIN_PARAM_DEFAULTS, TRAIN_PARAM_HELP, type TTrainParams } from '@tunelab/core/dashboard';
import { useMemo, useState } from 'react';
import {
  checkCompatibility,
  type DatasetFacts,
  fittingMaxLength,
  type ModelFacts,
} from '../lib/compatibility.ts';

export interface LaunchFormProps {
  models: (ModelFacts & { label: string })[];
  /**
   * `folds`: k when the dataset has cross-validation folds assigned; `groupColumn`: its document
   * column (cross-validation groups), null when it has none.
   */
  datasets: (DatasetFacts & {
    tolerance: number;
    evalRows: number;
    folds: number | null;
    groupColumn?: string | null;
  })[];
  initial?: { modelId?: string; datasetId?: string; params?: Partial<TTrainParams>; tags?: string[] };
}

/**
 * The MADRS-BERT study's protocol in one click: every row trains (real + synthetic), only real eval
 * rows are judged, 5-fold cross-validation grouped by the dataset's document column when it has one.
 */
const STUDY_PROTOCOL = { evalSource: 'real', trainFraction: 1, folds: 5 } as const;

type NumKey = Exclude<keyof TTrainParams, 'mix' | 'cv'>;
const FIELDS: { key: NumKey; label: string; step?: string }[] = [
  { key: 'epochs', label: 'Epochs' },
  { key: 'lr', label: 'Learning rate', step: 'any' },
  { key: 'batchSize', label: 'Batch size' },
  { key: 'maxLength', label: 'Max length (tokens)' },
  { key: 'warmupRatio', label: 'Warm-up ratio', step: 'any' },
  { key: 'weightDecay', label: 'Weight decay', step: 'any' },
  { key: 'dropout', label: 'Dropout', step: 'any' },
  { key: 'freezeLayers', label: 'Freeze layers' },
  { key: 'earlyStoppingPatience', label: 'Early stopping patience' },
  { key: 'seed', label: 'First seed' },
  { key: 'maxSteps', label: 'Max steps (0 = all)' },
];

export function LaunchForm({ models, datasets, initial }: LaunchFormProps) {
  const [modelId, setModelId] = useState(
    models.find((m) => m.id === initial?.modelId)?.id ?? models[0]?.id ?? '',
  );
  const [datasetId, setDatasetId] = useState(
    datasets.find((d) => d.id === initial?.datasetId)?.id ?? datasets[0]?.id ?? '',
  );
  const dataset = datasets.find((d) => d.id === datasetId);
  const folds = dataset?.folds ?? 0;
  const [params, setParams] = useState<TTrainParams>(() => ({
    ...TRAIN_PARAM_DEFAULTS,
    maxLength: fittingMaxLength(
      models.find((m) => m.id === modelId)?.maxPositions,
      TRAIN_PARAM_DEFAULTS.maxLength,
    ),
    tolerance: dataset?.tolerance ?? TRAIN_PARAM_DEFAULTS.tolerance,
    ...initial?.params,
  }));
  const [seeds, setSeeds] = useState(1);
  const [tags, setTags] = useState((initial?.tags ?? []).join(', '));
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);

  const model = models.find((m) => m.id === modelId);
  const problems = useMemo(() => checkCompatibility(model, dataset, params), [model, dataset, params]);
  const set = (key: NumKey, raw: string) =>
    setParams((p) => ({ ...p, [key]: raw === '' ? Number.NaN : Number(raw) }));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (problems.length) return;
    setBusy(true);
    setServerError(null);
    try {
      const res = await fetch('/api/runs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          modelId,
          datasetId,
          params,
          seeds,
          tags: tags
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        }),
      });
      const body = (await res.json()) as { runIds?: string[]; error?: string };
      if (!res.ok || !body.runIds) throw new Error(body.error ?? `The server answered ${res.status}`);
      window.location.href = body.runIds.length === 1 ? `/runs/${body.runIds[0]}` : `/runs?q=`;
    } catch (err) {
      setServerError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} data-testid="launch-form">
      <div className="card">
        <h2>What to train</h2>
        <div className="form-grid">
          <label className="field">
            Base model
            <select
              value={modelId}
              name="modelId"
              onChange={(e) => {
                setModelId(e.target.value);
                const m = models.find((x) => x.id === e.target.value);
                // A longer max length than the model has positions can never run: shorten it.
                setParams((p) => ({ ...p, maxLength: fittingMaxLength(m?.maxPositions, p.maxLength) }));
              }}
            >
              {models.length === 0 && <option value="">no models yet: import one</option>}
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                </option>
              ))}
            </select>
            <span className="hint">
              Its encoder is fine-tuned; a base or pretrained model gets a fresh head.
            </span>
          </label>
          <label className="field">
            Dataset
            <select
              value={datasetId}
              name="datasetId"
              onChange={(e) => {
                setDatasetId(e.target.value);
                const d = datasets.find((x) => x.id === e.target.value);
                if (d) setParams((p) => ({ ...p, tolerance: d.tolerance, fold: undefined }));
              }}
            >
              {datasets.length === 0 && <option value="">no datasets yet: upload one</option>}
              {datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({d.task}, {d.rowCount} rows)
                </option>
              ))}
            </select>
            <span className="hint">
              {dataset
                ? dataset.evalRows > 0
                  ? `Uses its eval split (${dataset.evalRows} rows) for evaluation.`
                  : 'It has no eval split: a fraction of its rows is held out (below).'
                : 'Upload one on the Datasets page.'}
            </span>
          </label>
          <label className="field">
            Task
            <input value={dataset?.task ?? ''} readOnly />
            <span className="hint">Set by the dataset.</span>
          </label>
          <label className="field">
            Tolerance k
            <input
              type="number"
              step="any"
              value={params.tolerance}
              onChange={(e) => set('tolerance', e.target.value)}
            />
            <span className="hint">{TRAIN_PARAM_HELP.tolerance}</span>
          </label>
          <label className="field">
            Eval fraction
            <input
              type="number"
              step="any"
              value={params.evalFraction}
              disabled={(dataset?.evalRows ?? 0) > 0}
              onChange={(e) => set('evalFraction', e.target.value)}
            />
            <span className="hint">{TRAIN_PARAM_HELP.evalFraction}</span>
          </label>
          {folds > 0 && !params.cv ? (
            <label className="field">
              Cross-validation fold
              <select
                name="fold"
                data-testid="launch-fold"
                value={params.fold ?? ''}
                onChange={(e) =>
                  setParams((p) => ({
                    ...p,
                    fold: e.target.value === '' ? undefined : Number(e.target.value),
                  }))
                }
              >
                <option value="">none: the dataset's train / eval split</option>
                {Array.from({ length: folds }, (_, i) => i).map((fold) => (
                  <option key={`fold-${fold}`} value={fold}>
                    fold {fold} held out (of 0–{folds - 1})
                  </option>
                ))}
              </select>
              <span className="hint">{TRAIN_PARAM_HELP.fold}</span>
            </label>
          ) : null}
          <label className="field">
            k-fold CV
            <select
              name="cv"
              data-testid="launch-cv"
              value={params.cv?.k ?? ''}
              onChange={(e) =>
                setParams((p) => ({
                  ...p,
                  fold: undefined,
                  cv:
                    e.target.value === ''
                      ? undefined
                      : { k: Number(e.target.value), seed: p.cv?.seed ?? 0, grouped: p.cv?.grouped ?? false },
                }))
              }
            >
              <option value="">off: one run</option>
              {[3, 5, 10].map((k) => (
                <option key={`cv-${k}`} value={k}>
                  {k} folds: one parent run, {k} fold runs
                </option>
              ))}
            </select>
            <span className="hint">{TRAIN_PARAM_HELP.cv}</span>
          </label>
          {params.cv && (
            <label className="field">
              <span>
                <input
                  type="checkbox"
                  name="cvGrouped"
                  checked={params.cv.grouped}
                  onChange={(e) =>
                    setParams((p) => ({ ...p, cv: p.cv && { ...p.cv, grouped: e.target.checked } }))
                  }
                />{' '}
                Keep documents whole
              </span>
              <span className="hint">
                Segments of one document (
                {dataset?.groupColumn
                  ? `column "${dataset.groupColumn}"`
                  : 'the dataset has no document column'}
                ) never sit on both sides.
              </span>
            </label>
          )}
          <label className="field">
            Long texts
            <select
              name="longText"
              data-testid="launch-long-text"
              value={params.longText}
              onChange={(e) =>
                setParams((p) => ({ ...p, longText: e.target.value as TTrainParams['longText'] }))
              }
            >
              <option value="truncate">truncate: the first max-length tokens</option>
              <option value="head-tail">head + tail: the first quarter and the last three quarters</option>
              <option value="windows">overlapping windows, predictions pooled per text</option>
            </select>
          </label>
          {params.longText === 'windows' ? (
            <>
              <label className="field">
                Window (tokens)
                <input
                  type="number"
                  name="window"
                  value={params.window ?? params.maxLength}
                  onChange={(e) => set('window', e.target.value)}
                />
              </label>
              <label className="field">
                Stride (tokens)
                <input
                  type="number"
                  name="stride"
                  value={
                    params.stride ?? Math.max(1, Math.floor(((params.window ?? params.maxLength) - 2) / 2))
                  }
                  onChange={(e) => set('stride', e.target.value)}
                />
              </label>
              <label className="field">
                Pool windows by
                <select
                  name="pool"
                  value={params.pool}
                  onChange={(e) => setParams((p) => ({ ...p, pool: e.target.value as TTrainParams['pool'] }))}
                >
                  <option value="mean">mean</option>
                  <option value="max">max (classification)</option>
                </select>
              </label>
            </>
          ) : null}
          <label className="field">
            Train fraction
            <input
              type="number"
              step="any"
              value={params.trainFraction}
              onChange={(e) => set('trainFraction', e.target.value)}
            />
            <span className="hint">{TRAIN_PARAM_HELP.trainFraction}</span>
          </label>
          <label className="field">
            Judge on
            <select
              name="evalSource"
              data-testid="launch-eval-source"
              value={params.evalSource ?? 'all'}
              onChange={(e) =>
                setParams((p) => ({ ...p, evalSource: e.target.value === 'real' ? 'real' : undefined }))
              }
            >
              <option value="all">all eval rows</option>
              <option value="real">real eval rows only</option>
            </select>
            <span className="hint">{TRAIN_PARAM_HELP.evalSource}</span>
          </label>
          <label className="field">
            Error reduction against
            <select
              name="referenceModelId"
              data-testid="launch-reference"
              value={params.referenceModelId ?? ''}
              onChange={(e) => setParams((p) => ({ ...p, referenceModelId: e.target.value || undefined }))}
            >
              <option value="">
                {dataset?.task === 'classification' ? 'majority class' : 'mean of train labels'} (default)
              </option>
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  model {m.label}
                  {m.id === modelId ? ' (this base, untrained head)' : ''}
                </option>
              ))}
            </select>
            <span className="hint">{TRAIN_PARAM_HELP.referenceModelId}</span>
          </label>
          <div className="field">
            <button
              type="button"
              data-testid="launch-study-protocol"
              onClick={() =>
                setParams((p) => ({
                  ...p,
                  evalSource: STUDY_PROTOCOL.evalSource,
                  trainFraction: STUDY_PROTOCOL.trainFraction,
                  fold: undefined,
                  cv: {
                    k: STUDY_PROTOCOL.folds,
                    seed: p.cv?.seed ?? 0,
                    grouped: Boolean(dataset?.groupColumn),
                  },
                }))
              }
            >
              Study protocol
            </button>
            <span className="hint">
              Train on every row (real + synthetic), judge on the real eval rows only, {STUDY_PROTOCOL.folds}
              -fold cross-validation
              {dataset?.groupColumn ? `, documents (column "${dataset.groupColumn}") kept whole` : ''}. Pick
              the untuned base as the reference as well to set the study's figure beside the honest one.
            </span>
          </div>
        </div>
      </div>
      <div className="card">
        <h2>Hyper-parameters</h2>
        <div className="form-grid">
          {FIELDS.map((f) => (
            <label className="field" key={f.key}>
              {f.label}
              <input
                type="number"
                name={f.key}
                step={f.step ?? '1'}
                value={Number.isNaN(params[f.key]) ? '' : params[f.key]}
                onChange={(e) => set(f.key, e.target.value)}
              />
              <span className="hint">{TRAIN_PARAM_HELP[f.key as keyof typeof TRAIN_PARAM_HELP] ?? ''}</span>
            </label>
          ))}
          <label className="field">
            Seeds
            <input
              type="number"
              min={1}
              max={20}
              name="seeds"
              value={seeds}
              onChange={(e) => setSeeds(Number(e.target.value))}
            />
            <span className="hint">Launches this many runs, seeds first seed … first seed + n − 1.</span>
          </label>
          <label className="field">
            Tags
            <input
              value={tags}
              onChange={(e) => setTags(e.target.value)}
              placeholder="baseline, lr-scan"
              name="tags"
            />
            <span className="hint">Comma separated; filter the runs table by them.</span>
          </label>
        </div>
      </div>
      {problems.length > 0 && (
        <div className="error-box" data-testid="launch-problems">
          {problems.join('\n')}
        </div>
      )}
      {serverError && (
        <div className="error-box" data-testid="launch-error">
          {serverError}
        </div>
      )}
      <button
        type="submit"
        className="primary"
        disabled={busy || problems.length > 0}
        data-testid="launch-submit"
      >
        {busy ? 'Queueing…' : seeds > 1 ? `Launch ${seeds} runs` : 'Launch run'}
      </button>
    </form>
  );
}
