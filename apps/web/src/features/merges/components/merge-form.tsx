'use client';
import { MERGE_METHODS } from '@tunelab/core/merge/registry';
import { useMemo, useState } from 'react';
import { launchMergesAction } from '../actions.ts';
import {
  compatibilityProblem,
  defaultMergeForm,
  describeForm,
  expandGrid,
  FORM_METHODS,
  formDefault,
  formFields,
  formProblem,
  gridFields,
  mergeFormToYaml,
  parseValueList,
  type TFormMethod,
  type TMergeForm,
  type TModelFacts,
  withDefaults,
} from '../lib/merge-yaml.ts';

export interface TModelOption extends TModelFacts {
  label: string;
  /** The model's name (messages name models by name). */
  name: string;
}

/**
 * Merge launch form: pick a method, a base and parents with their weights and densities; the
 * mergekit YAML it stands for is shown beside and can be exported or replaced by an imported one;
 * lists of λ, density or t values launch a grid of merges at once.
 */
export function MergeForm({ models }: { models: TModelOption[] }) {
  const tuned = models.filter((m) => m.kind === 'finetuned' || m.kind === 'merged');
  const [form, setForm] = useState<TMergeForm>(() => defaultMergeForm(models));
  const [grid, setGrid] = useState<Record<string, string>>({});
  const fields = formFields(form.method);
  const nameOf = (id: string) => models.find((m) => m.id === id)?.name ?? id;
  const [imported, setImported] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: nameOf only reads models
  const variants = useMemo(() => {
    try {
      const lists = Object.fromEntries(
        gridFields(form.method).map((def) => [
          def.name,
          parseValueList(grid[def.name] ?? '', `${def.name} values`),
        ]),
      );
      const forms = expandGrid(form, lists);
      for (const f of forms) {
        const problem = formProblem(f, nameOf) ?? compatibilityProblem(f, models, nameOf);
        if (problem) throw new Error(problem);
      }
      return { forms, error: null };
    } catch (e) {
      return { forms: [], error: (e as Error).message };
    }
  }, [form, grid, models]);
  const yaml = imported ?? mergeFormToYaml(variants.forms[0] ?? form);
  const set = (patch: Partial<TMergeForm>) => {
    setImported(null);
    setForm((f) => withDefaults({ ...f, ...patch }));
  };
  const number = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));
  // Each model once (keys and MergeParent rows are per model): offer the first one not yet listed.
  const nextParent = [...tuned, ...models].find((m) => !form.parents.some((p) => p.modelId === m.id));
  const setParent = (i: number, patch: Partial<TMergeForm['parents'][number]>) =>
    set({ parents: form.parents.map((p, j) => (j === i ? { ...p, ...patch } : p)) });

  const launch = async () => {
    setBusy(true);
    setMessage(null);
    const configs =
      imported !== null
        ? [{ yaml: imported, name: name || undefined }]
        : variants.forms.map((f) => ({
            yaml: mergeFormToYaml(f),
            name: `${name || 'merge'} · ${describeForm(f)}`,
          }));
    const result = await launchMergesAction(configs);
    setBusy(false);
    if (result.error) setMessage({ ok: false, text: result.error });
    else if (result.ids?.length === 1) window.location.href = `/merges/${result.ids[0]}`;
    else setMessage({ ok: true, text: `${result.ids?.length} merges queued` });
  };
  const exportYaml = () => {
    const url = URL.createObjectURL(new Blob([yaml], { type: 'text/yaml' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: 'merge.yml' });
    a.click();
    URL.revokeObjectURL(url);
  };
  const importYaml = async (file: File | undefined) => {
    if (file) setImported(await file.text());
  };

  return (
    <div className="grid two" data-testid="merge-form">
      <div className="card">
        <h2>New merge</h2>
        <div className="form-grid">
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="clinic + forum" />
          </label>
          <label>
            Method
            <select value={form.method} onChange={(e) => set({ method: e.target.value as TFormMethod })}>
              {FORM_METHODS.map((m) => (
                <option key={m} value={m} title={MERGE_METHODS[m].summary}>
                  {m}
                </option>
              ))}
            </select>
          </label>
          {fields.needsBase && (
            <label>
              Base model
              <select value={form.baseModelId} onChange={(e) => set({ baseModelId: e.target.value })}>
                {models.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.label}
                  </option>
                ))}
              </select>
            </label>
          )}
          {fields.global.map((def) => (
            <label key={def.name} title={def.help}>
              {def.label}
              <input
                type="number"
                step="any"
                min={def.range?.min}
                max={def.range?.max}
                value={Number.isNaN(form.values[def.name]) ? '' : (form.values[def.name] ?? formDefault(def))}
                onChange={(e) => set({ values: { ...form.values, [def.name]: number(e.target.value) } })}
              />
            </label>
          ))}
          <label>
            Classification head
            <select
              value={form.headSource ?? ''}
              onChange={(e) => set({ headSource: e.target.value || undefined })}
              title="Parents with different label spaces cannot have their heads merged: pick the one to keep"
            >
              <option value="">merge the heads (same label space)</option>
              {[form.baseModelId, ...form.parents.map((p) => p.modelId)]
                .filter((id, i, all) => id && all.indexOf(id) === i)
                .map((id) => (
                  <option key={id} value={id}>
                    keep the head of {models.find((m) => m.id === id)?.label ?? id}
                  </option>
                ))}
            </select>
          </label>
          {fields.random && (
            <label>
              Random seed
              <input
                type="number"
                value={form.seed}
                onChange={(e) => set({ seed: Number(e.target.value) })}
              />
            </label>
          )}
        </div>
        <h3>Models</h3>
        {form.parents.map((p, i) => (
          <div className="row" key={p.modelId}>
            <select value={p.modelId} onChange={(e) => setParent(i, { modelId: e.target.value })}>
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                </option>
              ))}
            </select>
            {!fields.pairWithBase &&
              fields.perModel.map((def) => (
                <label className="small" key={def.name} title={def.help}>
                  {def.label}{' '}
                  <input
                    type="number"
                    step="any"
                    min={def.range?.min}
                    max={def.range?.max}
                    value={Number.isNaN(p.values[def.name]) ? '' : (p.values[def.name] ?? formDefault(def))}
                    onChange={(e) =>
                      setParent(i, { values: { ...p.values, [def.name]: number(e.target.value) } })
                    }
                  />
                </label>
              ))}
            <button
              type="button"
              className="button"
              onClick={() => set({ parents: form.parents.filter((_, j) => j !== i) })}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button"
          disabled={!nextParent}
          onClick={() =>
            nextParent && set({ parents: [...form.parents, { modelId: nextParent.id, values: {} }] })
          }
        >
          Add model
        </button>
        <h3>Grid (optional)</h3>
        <p className="muted small">Lists of values, e.g. “0.5, 1, 1.5”: one merge per combination.</p>
        <div className="form-grid">
          {gridFields(form.method).map((def) => (
            <label key={def.name}>
              {def.name} values{' '}
              <input
                value={grid[def.name] ?? ''}
                onChange={(e) => setGrid({ ...grid, [def.name]: e.target.value })}
              />
            </label>
          ))}
        </div>
        {variants.error && <div className="error-box">{variants.error}</div>}
        {message && <div className={message.ok ? 'ok-box' : 'error-box'}>{message.text}</div>}
        <button
          type="button"
          className="button primary"
          disabled={busy || (imported === null && Boolean(variants.error))}
          onClick={launch}
          data-testid="merge-launch"
        >
          {imported !== null
            ? 'Launch imported config'
            : variants.forms.length > 1
              ? `Launch ${variants.forms.length} merges`
              : 'Launch merge'}
        </button>
      </div>
      <div className="card">
        <h2>mergekit YAML</h2>
        <p className="muted small">
          Models are named by TuneLab model id. Edit or import a config to launch it as is.
        </p>
        <textarea
          className="mono"
          rows={18}
          style={{ width: '100%' }}
          value={yaml}
          onChange={(e) => setImported(e.target.value)}
          data-testid="merge-yaml"
        />
        <div className="row">
          <button type="button" className="button" onClick={exportYaml}>
            Export YAML
          </button>
          <label className="button">
            Import YAML
            <input
              type="file"
              accept=".yml,.yaml,.json"
              hidden
              onChange={(e) => importYaml(e.target.files?.[0])}
            />
          </label>
          {imported !== null && (
            <button type="button" className="button" onClick={() => setImported(null)}>
              Back to the form
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
