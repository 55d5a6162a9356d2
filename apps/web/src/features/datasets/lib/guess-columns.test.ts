import { describe, expect, it } from 'vitest';
import { guessColumns } from './guess-columns.ts';

describe('guessColumns', () => {
  it('prefers conventional names', () => {
    expect(guessColumns(['id', 'text', 'label'], [['1', 'hi', '2']])).toEqual({
      text: 'text',
      label: 'label',
    });
  });

  it('falls back to the longest non-numeric column and the last numeric one', () => {
    const preview = [
      ['7', 'a long interview answer', 'x', '3'],
      ['8', 'another long answer here', 'y', '5'],
    ];
    expect(guessColumns(['id', 'answer', 'code', 'item4'], preview)).toEqual({
      text: 'answer',
      label: 'item4',
    });
  });
});
