import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../src/util/suggest.js';

describe('did-you-mean suggestions', () => {
  it('measures edits, counting a swap of neighbours as one', () => {
    expect(editDistance('containers', 'containers')).toBe(0);
    expect(editDistance('contianers', 'containers')).toBe(1);
    expect(editDistance('NET_ADMN', 'NET_ADMIN')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('picks the closest candidate within the limit, or nothing', () => {
    expect(closest('imagePullPolicty', ['image', 'imagePullPolicy', 'imagePullSecrets'])).toBe('imagePullPolicy');
    expect(closest('net_admn', ['NET_ADMIN', 'NET_RAW'])).toBe('NET_ADMIN');
    expect(closest('completely-different', ['NET_ADMIN', 'NET_RAW'])).toBeUndefined();
  });
});
