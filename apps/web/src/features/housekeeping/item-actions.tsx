'use client';
import type { TItemKind, TItemRef } from '@tunelab/db';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { archiveItemAction, deleteItemAction, renameItemAction } from './actions.ts';

interface Props {
  kind: TItemKind;
  id: string;
  name: string;
  archived: boolean;
  /** Where to go once the item is deleted (its list page). */
  listHref: string;
}

/** Rename, archive / restore and delete (with the dependents named, and cascade on request). */
export function ItemActions({ kind, id, name, archived, listHref }: Props) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(name);
  const [confirming, setConfirming] = useState(false);
  const [dependents, setDependents] = useState<TItemRef[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (f: () => Promise<{ error?: string } | undefined>) => {
    setBusy(true);
    setError(null);
    const result = await f();
    setBusy(false);
    if (result?.error) setError(result.error);
    return !result?.error;
  };

  const remove = (cascade: boolean) =>
    run(async () => {
      const result = await deleteItemAction({ kind, id, cascade });
      if (result.dependents) setDependents(result.dependents);
      if (result.deleted) router.push(listHref);
      return result;
    });

  return (
    <div className="item-actions" data-testid="item-actions">
      {editing ? (
        <form
          className="row"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await run(() => renameItemAction({ kind, id, name: draft }))) {
              setEditing(false);
              router.refresh();
            }
          }}
        >
          <input
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            aria-label="New name"
            data-testid="rename-input"
          />
          <button type="submit" className="primary" disabled={busy} data-testid="rename-save">
            Save
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" onClick={() => setEditing(true)} data-testid="rename">
          Rename
        </button>
      )}
      <button
        type="button"
        disabled={busy}
        data-testid="archive"
        onClick={async () => {
          if (await run(() => archiveItemAction({ kind, id, archived: !archived }))) router.refresh();
        }}
      >
        {archived ? 'Restore' : 'Archive'}
      </button>
      {confirming ? (
        <>
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => remove(false)}
            data-testid="delete-confirm"
          >
            Delete {kind} “{name}”
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </>
      ) : (
        <button type="button" className="danger" onClick={() => setConfirming(true)} data-testid="delete">
          Delete
        </button>
      )}
      {error && (
        <div className="error-box" data-testid="item-error">
          {error}
          {dependents && dependents.length > 0 && (
            <p>
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() => remove(true)}
                data-testid="delete-cascade"
              >
                Delete it and the {dependents.length} item{dependents.length === 1 ? '' : 's'} that depend on
                it
              </button>
            </p>
          )}
        </div>
      )}
    </div>
  );
}
