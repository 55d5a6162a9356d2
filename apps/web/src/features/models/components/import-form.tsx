'use client';
import { useState } from 'react';

/**
 * Uploads a Hugging Face BERT folder (select its files, or one .zip) with a progress bar. The server
 * validates it and answers with what is wrong (file, tensor, shape) if it cannot be used.
 */
export function ImportModelForm() {
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ id: string; name: string } | null>(null);

  const submit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const files = form.getAll('files').filter((f): f is File => f instanceof File && f.size > 0);
    if (files.length === 0) {
      setError(
        'Choose the model files (config.json, vocab.txt or tokenizer.json, model.safetensors) or one .zip',
      );
      return;
    }
    const body = new FormData();
    body.set('name', String(form.get('name') ?? ''));
    for (const f of files) body.append('files', f, f.name);
    setError(null);
    setDone(null);
    setProgress(0);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/models');
    xhr.upload.onprogress = (ev) => ev.lengthComputable && setProgress(ev.loaded / ev.total);
    xhr.onload = () => {
      setProgress(null);
      try {
        const res = JSON.parse(xhr.responseText) as { id?: string; name?: string; error?: string };
        if (xhr.status >= 300 || !res.id) setError(res.error ?? `The server answered ${xhr.status}`);
        else {
          setDone({ id: res.id, name: res.name ?? res.id });
          window.location.href = `/models/${res.id}`;
        }
      } catch {
        setError(`The server answered ${xhr.status}: ${xhr.responseText.slice(0, 200)}`);
      }
    };
    xhr.onerror = () => {
      setProgress(null);
      setError('The upload failed: the server could not be reached');
    };
    xhr.send(body);
  };

  return (
    <form onSubmit={submit} className="card" data-testid="import-model-form">
      <h2>Import a Hugging Face BERT checkpoint</h2>
      <div className="row">
        <input name="name" placeholder="Name (optional)" />
        <input
          type="file"
          name="files"
          multiple
          accept=".json,.txt,.safetensors,.zip"
          data-testid="import-model-files"
        />
        <button type="submit" className="primary" disabled={progress !== null}>
          Import
        </button>
      </div>
      <p className="muted small">
        config.json + vocab.txt (or tokenizer.json) + model.safetensors (or sharded with
        model.safetensors.index.json), or one .zip of the folder.
      </p>
      {progress !== null && (
        <div className="row">
          <div className="progress">
            <div style={{ width: `${progress * 100}%` }} />
          </div>
          <span className="mono">
            {progress < 1 ? `${Math.round(progress * 100)}% uploaded` : 'validating…'}
          </span>
        </div>
      )}
      {error && (
        <div className="error-box" data-testid="import-model-error">
          {error}
        </div>
      )}
      {done && <div className="ok-box">Imported {done.name}</div>}
    </form>
  );
}
