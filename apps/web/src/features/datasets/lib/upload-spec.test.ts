import { ZDatasetSpec } from '@tunelab/core/datasets';
import { describe, expect, it } from 'vitest';
import { buildUploadSpec, EMPTY_UPLOAD_FORM, formItems, uploadFormProblem } from './upload-spec.ts';

const base = { ...EMPTY_UPLOAD_FORM, name: 'madrs', textColumn: 'text' };

describe('upload form → dataset spec', () => {
  it('one label: the single-label spec, no multi-item fields', () => {
    const form = { ...base, labelColumn: 'score', labelMin: '0', labelMax: '6' };
    expect(uploadFormProblem(form)).toBeNull();
    const spec = ZDatasetSpec.parse(buildUploadSpec(form));
    expect(spec).toMatchObject({ labelColumn: 'score', labelMin: 0, labelMax: 6, origin: 'real' });
    expect(spec.labelColumns).toBeUndefined();
    expect(spec.itemColumn).toBeUndefined();
  });

  it('wide: label columns in the picked order, the first as labelColumn, per-item ranges of picked items', () => {
    const form = {
      ...base,
      shape: 'wide' as const,
      labelColumn: 'stale',
      labelColumns: ['sleep', 'sad', 'appetite'],
      itemRanges: {
        sleep: { min: '0', max: '3' },
        sad: { min: '', max: '' },
        dropped: { min: '0', max: '9' },
      },
    };
    expect(uploadFormProblem(form)).toBeNull();
    const spec = ZDatasetSpec.parse(buildUploadSpec(form));
    expect(spec.labelColumns).toEqual(['sleep', 'sad', 'appetite']);
    expect(spec.labelColumn).toBe('sleep');
    expect(spec.itemRanges).toEqual({ sleep: [0, 3] });
    expect(spec.itemColumn).toBeUndefined();
    expect(formItems(form, [], [])).toEqual(['sleep', 'sad', 'appetite']);
  });

  it('long: item column + score column; items offered from the preview, sorted', () => {
    const form = {
      ...base,
      shape: 'long' as const,
      labelColumn: 'score',
      itemColumn: 'item',
      itemRanges: { sad: { min: '0', max: '6' } },
    };
    expect(uploadFormProblem(form)).toBeNull();
    const spec = ZDatasetSpec.parse(buildUploadSpec(form));
    expect(spec).toMatchObject({ labelColumn: 'score', itemColumn: 'item', itemRanges: { sad: [0, 6] } });
    expect(spec.labelColumns).toBeUndefined();
    const preview = [
      ['a', 'sleep', '2'],
      ['b', 'sad', '4'],
      ['c', 'sleep', '1'],
    ];
    expect(formItems(form, ['text', 'item', 'score'], preview)).toEqual(['sad', 'sleep']);
  });

  it('names what is missing before submit', () => {
    expect(uploadFormProblem({ ...base, shape: 'wide', labelColumns: ['a'] })).toMatch(/two label columns/);
    expect(uploadFormProblem({ ...base, shape: 'long', labelColumn: 'score' })).toMatch(/item column/);
    expect(
      uploadFormProblem({ ...base, shape: 'wide', labelColumns: ['a', 'b'], task: 'classification' }),
    ).toMatch(/regression/);
    expect(
      uploadFormProblem({
        ...base,
        shape: 'wide',
        labelColumns: ['a', 'b'],
        itemRanges: { a: { min: '0', max: '' } },
      }),
    ).toMatch(/item "a": give both/);
  });

  it('classification keeps the single shape even if a multi-item shape was left selected', () => {
    const spec = buildUploadSpec({
      ...base,
      task: 'classification',
      shape: 'wide',
      labelColumn: 'y',
      labelColumns: ['a', 'b'],
      classes: 'neg, pos',
    });
    expect(spec).toMatchObject({ labelColumn: 'y', classes: ['neg', 'pos'] });
    expect(spec).not.toHaveProperty('labelColumns');
  });
});
