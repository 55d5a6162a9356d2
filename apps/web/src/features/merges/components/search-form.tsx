'use client';
import { SEARCHABLE_METHODS } from '@tunelab/core/merge-search';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { launchSearchAction } from '../actions.ts';
import { searchFormToYaml, type TSearchForm } from '../lib/search-yaml.ts';
import type { TModelOption } from './merge-form.tsx';

/**
 * Recipe search launch: a base, two or more of its fine-tunes, the methods to choose among, the
 * budget in evaluations and the objective; the SEARCH.yml it stands for can be edited before launch.
 */
export function SearchForm({ models }: { models: TModelOption[] }) {
  const router = useRouter();
  const bases = models.filter((m) => models.some((t) => t.baseModelId === m.id && t.kind === 'finetuned'));
  const [form, setForm] = useState<TSearchForm>(() => {
    const base = bases[0]?.id ?? '';
    return {
      base,
      parents: models
        .filter((m) => m.baseModelId === base && m.kind === 'finetuned')
        .slice(0, 2)
        .map((m) => m.id),
      methods: ['ties', 'dare_ties'],
      budget: 24,
      seed: 0,
      objective: 'worst',
      layerGroups: false,
      subsample: 64,
      rescore: 3,
    };
  });
  const [edited, setEdited] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const yaml = edited ?? searchFormToYaml(form);
  const set = (patch: Partial<TSearchForm>) => {
    setEdited(null);
    setForm((f) => ({ ...f, ...patch }));
  };
  const tuned = models.filter((m) => m.baseModelId === form.base && m.kind === 'finetuned');
  if (bases.length === 0)
    return <p className="muted">Fine-tune two models from one base to search merge recipes.</p>;
  return (
    <form
      data-testid="search-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        const out = await launchSearchAction({ yaml });
        setBusy(false);
        if (out.error) setError(out.error);
        else router.push(`/merges/search/${out.id}`);
      }}
    >
      <div className="grid two">
        <div>
          <div className="form-grid">
            <label className="field">
              Base
              <select
                value={form.base}
                onChange={(e) => set({ base: e.target.value, parents: [] })}
                data-testid="search-base"
              >
                {bases.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              Objective
              <select
                value={form.objective}
                onChange={(e) => set({ objective: e.target.value as 'worst' | 'mean' })}
              >
                <option value="worst">worst domain</option>
                <option value="mean">mean of the domains</option>
              </select>
            </label>
            <label className="field">
              Budget (evaluations)
              <input
                type="number"
                min={2}
                max={1000}
                value={form.budget}
                onChange={(e) => set({ budget: Number(e.target.value) })}
                data-testid="search-budget"
              />
            </label>
            <label className="field">
              Subsample
              <input
                type="number"
                min={1}
                value={form.subsample}
                onChange={(e) => set({ subsample: Number(e.target.value) })}
              />
              <span className="hint">rows of each eval set per candidate</span>
            </label>
            <label className="field">
              Rescore the best
              <input
                type="number"
                min={1}
                max={20}
                value={form.rescore}
                onChange={(e) => set({ rescore: Number(e.target.value) })}
              />
              <span className="hint">on the full eval sets</span>
            </label>
            <label className="field">
              Seed
              <input
                type="number"
                min={0}
                value={form.seed}
                onChange={(e) => set({ seed: Number(e.target.value) })}
              />
            </label>
          </div>
          <h3 style={{ marginTop: 18 }}>Fine-tuned models</h3>
          <p className="muted small">Each brings its dataset as a domain.</p>
          <div className="form-grid">
            {tuned.map((m) => (
              <label key={m.id}>
                <input
                  type="checkbox"
                  checked={form.parents.includes(m.id)}
                  onChange={(e) =>
                    set({
                      parents: e.target.checked
                        ? [...form.parents, m.id]
                        : form.parents.filter((p) => p !== m.id),
                    })
                  }
                />{' '}
                {m.label}
              </label>
            ))}
          </div>
          <h3 style={{ marginTop: 18 }}>Methods to choose among</h3>
          <div className="form-grid">
            {SEARCHABLE_METHODS.map((name) => (
              <label key={name} className="mono">
                <input
                  type="checkbox"
                  checked={form.methods.includes(name)}
                  onChange={(e) =>
                    set({
                      methods: e.target.checked
                        ? [...form.methods, name]
                        : form.methods.filter((m) => m !== name),
                    })
                  }
                />{' '}
                {name}
              </label>
            ))}
          </div>
          <p>
            <label>
              <input
                type="checkbox"
                checked={form.layerGroups}
                onChange={(e) => set({ layerGroups: e.target.checked })}
              />{' '}
              weights and densities per layer group (embeddings, lower / middle / upper thirds, head)
            </label>
          </p>
        </div>
        <div>
          <h3>SEARCH.yml</h3>
          <textarea
            className="mono small"
            rows={18}
            style={{ width: '100%' }}
            value={yaml}
            onChange={(e) => setEdited(e.target.value)}
            data-testid="search-yaml"
            aria-label="SEARCH.yml"
          />
          <div className="row">
            <button type="submit" className="button primary" disabled={busy} data-testid="search-launch">
              Start search
            </button>
          </div>
          {error && (
            <p className="error" data-testid="search-error">
              {error}
            </p>
          )}
        </div>
      </div>
    </form>
  );
}
