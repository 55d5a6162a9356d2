'use server';
import {
  deleteItem,
  ItemInUse,
  renameItem,
  setArchived,
  type TItemRef,
  ZItemKind,
  ZItemName,
} from '@tunelab/db';
import { z } from 'zod';
import { actionError } from '../../common/server/http.ts';

const ZItem = z.object({ kind: ZItemKind, id: z.string().min(1) });

export async function renameItemAction(input: unknown): Promise<{ name?: string; error?: string }> {
  try {
    const { kind, id, name } = ZItem.extend({ name: ZItemName }).parse(input);
    return { name: (await renameItem(kind, id, name)).name };
  } catch (e) {
    return actionError(e);
  }
}

export async function archiveItemAction(input: unknown): Promise<{ ok?: true; error?: string }> {
  try {
    const { kind, id, archived } = ZItem.extend({ archived: z.boolean() }).parse(input);
    await setArchived(kind, id, archived);
    return { ok: true };
  } catch (e) {
    return actionError(e);
  }
}

/** Deletes an item; when others depend on it, answers with them so the page can offer a cascade. */
export async function deleteItemAction(
  input: unknown,
): Promise<{ deleted?: TItemRef[]; dependents?: TItemRef[]; error?: string }> {
  try {
    const { kind, id, cascade } = ZItem.extend({ cascade: z.boolean().default(false) }).parse(input);
    return { deleted: await deleteItem(kind, id, { cascade }) };
  } catch (e) {
    if (e instanceof ItemInUse) return { error: e.message, dependents: e.dependents };
    return actionError(e);
  }
}
