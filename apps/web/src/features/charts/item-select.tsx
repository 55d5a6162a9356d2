'use client';

/**
 * "Eval curves of": picks one multi-item eval item (or the mean over items) for the charts below it.
 * Used by the run page and the compare page; renders nothing when the runs have no items.
 */
export function ItemSelect({
  id,
  items,
  value,
  onChange,
}: {
  /** The select's id and data-testid (the e2e tests find it by that). */
  id: string;
  items: readonly string[];
  /** The chosen item; null for the mean over items. */
  value: string | null;
  onChange: (item: string | null) => void;
}) {
  if (items.length === 0) return null;
  return (
    <div className="row small" style={{ marginBottom: 8 }}>
      <label htmlFor={id}>Eval curves of</label>
      <select
        id={id}
        data-testid={id}
        value={value ?? ''}
        onChange={(event) => onChange(event.target.value === '' ? null : event.target.value)}
      >
        <option value="">mean over items</option>
        {items.map((name) => (
          <option key={name} value={name}>
            item {name}
          </option>
        ))}
      </select>
    </div>
  );
}
