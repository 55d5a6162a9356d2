'use client';

import type { TUploadForm } from '../lib/upload-spec.ts';

/** Wide multi-item scale: the label column of each item, ticked in item order. */
export function LabelColumnsField({
  columns,
  picked,
  onChange,
}: {
  columns: readonly string[];
  picked: readonly string[];
  onChange: (labelColumns: string[]) => void;
}) {
  return (
    <fieldset className="field" data-testid="ds-label-columns">
      <legend>
        Label columns <span className="hint">one per item, in the order ticked</span>
      </legend>
      {columns.map((column) => (
        <label key={column} className="row small">
          <input
            type="checkbox"
            checked={picked.includes(column)}
            onChange={(event) =>
              onChange(event.target.checked ? [...picked, column] : picked.filter((c) => c !== column))
            }
            data-testid={`ds-label-columns-${column}`}
          />
          {column}
        </label>
      ))}
    </fieldset>
  );
}

/** Multi-item scale: an optional label range per item (else the shared label min/max). */
export function ItemRangesField({
  items,
  ranges,
  fromPreview,
  onChange,
}: {
  items: readonly string[];
  ranges: TUploadForm['itemRanges'];
  /** Long shape: the items are those seen in the preview rows. */
  fromPreview: boolean;
  onChange: (ranges: TUploadForm['itemRanges']) => void;
}) {
  return (
    <fieldset className="field" data-testid="ds-item-ranges">
      <legend>
        Range per item{' '}
        <span className="hint">
          optional; else label min/max{fromPreview ? ' (items seen in the preview)' : ''}
        </span>
      </legend>
      {items.map((item) => {
        const range = ranges[item] ?? { min: '', max: '' };
        const setRange = (patch: Partial<typeof range>) =>
          onChange({ ...ranges, [item]: { ...range, ...patch } });
        return (
          <div key={item} className="row small">
            <span style={{ minWidth: 90 }}>{item}</span>
            <input
              aria-label={`${item} min`}
              placeholder="min"
              inputMode="decimal"
              size={5}
              value={range.min}
              onChange={(event) => setRange({ min: event.target.value })}
              data-testid={`ds-item-min-${item}`}
            />
            <input
              aria-label={`${item} max`}
              placeholder="max"
              inputMode="decimal"
              size={5}
              value={range.max}
              onChange={(event) => setRange({ max: event.target.value })}
              data-testid={`ds-item-max-${item}`}
            />
          </div>
        );
      })}
    </fieldset>
  );
}
