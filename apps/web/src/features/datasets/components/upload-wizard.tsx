'use client';

import { useRouter } from 'next/navigation';
import { type DragEvent, useRef, useState } from 'react';
import { guessColumns } from '../lib/guess-columns.ts';
import {
  buildUploadSpec,
  EMPTY_UPLOAD_FORM,
  formItems,
  type TUploadForm,
  uploadFormProblem,
} from '../lib/upload-spec.ts';
import { ItemRangesField, LabelColumnsField } from './label-shape-fields.tsx';

interface TInspection {
  uploadId: string;
  fileName: string;
  size: number;
  format: 'csv' | 'tsv' | 'jsonl';
  columns: string[];
  preview: string[][];
  truncated: boolean;
}

interface TApiError {
  error: string;
  code?: string;
  issues?: { row?: number; column?: string; message: string }[];
  totalIssues?: number;
}

/** Upload with XHR (fetch has no upload progress), resolving with status and parsed JSON. */
function uploadWithProgress(
  file: File,
  onProgress: (fraction: number) => void,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/datasets/inspect');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      try {
        resolve({ status: xhr.status, body: JSON.parse(xhr.responseText) });
      } catch {
        reject(new Error(`Unexpected response (${xhr.status}) from the server`));
      }
    };
    xhr.onerror = () => reject(new Error('Network error while uploading'));
    const form = new FormData();
    form.set('file', file, file.name);
    xhr.send(form);
  });
}

export function UploadWizard({ maxMb }: { maxMb: number }) {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<TApiError | null>(null);
  const [inspection, setInspection] = useState<TInspection | null>(null);
  const [creating, setCreating] = useState(false);
  const [form, setForm] = useState<TUploadForm>(EMPTY_UPLOAD_FORM);
  const set = (patch: Partial<typeof form>) => setForm((current) => ({ ...current, ...patch }));

  async function pick(file: File | undefined) {
    if (!file) return;
    setError(null);
    setInspection(null);
    if (file.size > maxMb * 1024 * 1024) {
      setError({ error: `${file.name} is larger than the ${maxMb} MB limit (TUNELAB_MAX_UPLOAD_MB)` });
      return;
    }
    setProgress(0);
    try {
      const { status, body } = await uploadWithProgress(file, setProgress);
      if (status !== 200) {
        setError(body as TApiError);
        return;
      }
      const result = body as TInspection;
      const guess = guessColumns(result.columns, result.preview);
      setInspection(result);
      set({
        name: result.fileName.replace(/\.[^.]+$/, ''),
        textColumn: guess.text ?? '',
        labelColumn: guess.label ?? '',
        // picks of an earlier file's header do not carry over
        labelColumns: [],
        itemColumn: '',
        itemRanges: {},
      });
    } catch (caught) {
      setError({ error: (caught as Error).message });
    } finally {
      setProgress(null);
    }
  }

  async function create() {
    if (!inspection) return;
    setCreating(true);
    setError(null);
    const spec = buildUploadSpec(form);
    try {
      const response = await fetch('/api/datasets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uploadId: inspection.uploadId, format: inspection.format, spec }),
      });
      const body = (await response.json()) as TApiError & { id?: string };
      if (response.status === 201 && body.id) router.push(`/datasets/${body.id}`);
      else setError(body);
    } catch (caught) {
      setError({ error: (caught as Error).message });
    } finally {
      setCreating(false);
    }
  }

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    void pick(event.dataTransfer.files[0]);
  };
  const columns = inspection?.columns ?? [];
  // multi-item scales are regression; classification always has one label
  const shape = form.task === 'regression' ? form.shape : 'single';
  const items = formItems({ ...form, shape }, columns, inspection?.preview ?? []);
  const problem = uploadFormProblem({ ...form, shape });
  const columnSelect = (
    value: string,
    onChange: (value: string) => void,
    optional: boolean,
    testId: string,
  ) => (
    <select id={testId} value={value} onChange={(event) => onChange(event.target.value)} data-testid={testId}>
      <option value="">{optional ? '(none)' : 'choose...'}</option>
      {columns.map((column) => (
        <option key={column} value={column}>
          {column}
        </option>
      ))}
    </select>
  );

  return (
    <div className="card" data-testid="upload-wizard">
      <h2>Upload a dataset</h2>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: the file input inside is the accessible control */}
      <div
        className={`ds-drop${over ? ' over' : ''}`}
        onClick={() => input.current?.click()}
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <input
          ref={input}
          type="file"
          accept=".csv,.tsv,.tab,.jsonl,.ndjson,.json"
          data-testid="upload-input"
          onChange={(event) => void pick(event.target.files?.[0])}
        />
        Drop a CSV, TSV or JSONL file here, or click to choose one (UTF-8, up to {maxMb} MB).
      </div>
      {progress !== null && (
        <div className="ds-progress" role="progressbar" aria-valuenow={Math.round(progress * 100)}>
          <div style={{ width: `${Math.round(progress * 100)}%` }} />
        </div>
      )}
      {error && (
        <div className="error-box" data-testid="upload-error" style={{ marginTop: 10 }}>
          {error.error}
          {error.issues && error.issues.length > 5 && (
            <ul className="ds-issues">
              {error.issues.slice(5, 20).map((issue) => (
                <li key={`${issue.row}-${issue.column}-${issue.message}`}>
                  {issue.row !== undefined && `row ${issue.row}: `}
                  {issue.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {inspection && (
        <>
          <p className="muted small">
            {inspection.fileName} · {inspection.format.toUpperCase()} · {columns.length} columns · first{' '}
            {inspection.preview.length} rows shown{inspection.truncated ? ' (more in the file)' : ''}
          </p>
          <div className="form-grid">
            <label className="field">
              Name
              <input
                value={form.name}
                onChange={(event) => set({ name: event.target.value })}
                data-testid="ds-name"
              />
            </label>
            <label className="field">
              Task
              <select
                value={form.task}
                onChange={(event) => set({ task: event.target.value as typeof form.task })}
                data-testid="ds-task"
              >
                <option value="regression">regression (numeric label)</option>
                <option value="classification">classification (class names)</option>
              </select>
            </label>
            <label className="field" htmlFor="ds-text-column">
              Text column
              {columnSelect(form.textColumn, (textColumn) => set({ textColumn }), false, 'ds-text-column')}
            </label>
            {form.task === 'regression' && (
              <label className="field" htmlFor="ds-shape">
                Labels <span className="hint">several items of one scale: wide or long</span>
                <select
                  id="ds-shape"
                  data-testid="ds-shape"
                  value={form.shape}
                  onChange={(event) => set({ shape: event.target.value as TUploadForm['shape'] })}
                >
                  <option value="single">one label</option>
                  <option value="wide">several label columns (wide)</option>
                  <option value="long">item column + score (long)</option>
                </select>
              </label>
            )}
            {shape === 'wide' ? (
              <LabelColumnsField
                columns={columns.filter((column) => column !== form.textColumn)}
                picked={form.labelColumns}
                onChange={(labelColumns) => set({ labelColumns })}
              />
            ) : (
              <label className="field" htmlFor="ds-label-column">
                {shape === 'long' ? 'Score column' : 'Label column'}
                {columnSelect(
                  form.labelColumn,
                  (labelColumn) => set({ labelColumn }),
                  false,
                  'ds-label-column',
                )}
              </label>
            )}
            {shape === 'long' && (
              <label className="field" htmlFor="ds-item-column">
                Item column <span className="hint">names the item each row is scored on</span>
                {columnSelect(form.itemColumn, (itemColumn) => set({ itemColumn }), false, 'ds-item-column')}
              </label>
            )}
            {form.task === 'regression' ? (
              <>
                <label className="field">
                  Label min{' '}
                  <span className="hint">
                    optional: reject labels below
                    {shape === 'single' ? '' : ' (items without their own range)'}
                  </span>
                  <input
                    value={form.labelMin}
                    inputMode="decimal"
                    onChange={(event) => set({ labelMin: event.target.value })}
                    data-testid="ds-label-min"
                  />
                </label>
                <label className="field">
                  Label max <span className="hint">optional: reject labels above</span>
                  <input
                    value={form.labelMax}
                    inputMode="decimal"
                    onChange={(event) => set({ labelMax: event.target.value })}
                    data-testid="ds-label-max"
                  />
                </label>
              </>
            ) : (
              <label className="field">
                Classes <span className="hint">optional, comma separated, in label order</span>
                <input value={form.classes} onChange={(event) => set({ classes: event.target.value })} />
              </label>
            )}
            {shape !== 'single' && items.length > 0 && (
              <ItemRangesField
                items={items}
                ranges={form.itemRanges}
                fromPreview={shape === 'long'}
                onChange={(itemRanges) => set({ itemRanges })}
              />
            )}
            <label className="field" htmlFor="ds-split-column">
              Split column <span className="hint">train / eval / test; else a seeded 80/10/10 split</span>
              {columnSelect(form.splitColumn, (splitColumn) => set({ splitColumn }), true, 'ds-split-column')}
            </label>
            <label className="field" htmlFor="ds-source-column">
              Source column <span className="hint">real / synthetic</span>
              {columnSelect(
                form.sourceColumn,
                (sourceColumn) => set({ sourceColumn }),
                true,
                'ds-source-column',
              )}
            </label>
            <label className="field" htmlFor="ds-group-column">
              Document column{' '}
              <span className="hint">
                segments of one document (interview) stay in one cross-validation fold
              </span>
              {columnSelect(form.groupColumn, (groupColumn) => set({ groupColumn }), true, 'ds-group-column')}
            </label>
            {!form.sourceColumn && (
              <label className="field" htmlFor="ds-origin">
                All rows are <span className="hint">without a source column</span>
                <select
                  id="ds-origin"
                  data-testid="ds-origin"
                  value={form.origin}
                  onChange={(event) => set({ origin: event.target.value as 'real' | 'synthetic' })}
                >
                  <option value="real">real</option>
                  <option value="synthetic">synthetic (generated)</option>
                </select>
              </label>
            )}
            <label className="field">
              Tolerance k <span className="hint">flexible accuracy: |prediction − label| ≤ k</span>
              <input
                value={form.tolerance}
                inputMode="decimal"
                onChange={(event) => set({ tolerance: event.target.value })}
              />
            </label>
          </div>
          <div className="row" style={{ marginTop: 12 }}>
            <button
              type="button"
              className="primary"
              disabled={creating || problem !== null}
              title={problem ?? undefined}
              onClick={() => void create()}
              data-testid="ds-create"
            >
              {creating ? 'Validating and saving...' : 'Create dataset'}
            </button>
            {problem && inspection && (
              <span className="muted small" data-testid="ds-problem">
                {problem}
              </span>
            )}
          </div>
          <div className="ds-preview">
            <table className="data">
              <thead>
                <tr>
                  {columns.map((column) => (
                    <th
                      key={column}
                      className={
                        column === form.textColumn
                          ? 'picked-text'
                          : (
                                shape === 'wide'
                                  ? form.labelColumns.includes(column)
                                  : column === form.labelColumn
                              )
                            ? 'picked-label'
                            : ''
                      }
                    >
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {inspection.preview.map((row, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: preview rows have no id and never reorder
                  <tr key={i}>
                    {row.map((value, j) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: cells align with the header
                      <td key={j} title={value}>
                        {value}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
