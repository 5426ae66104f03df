import { describe, expect, it } from 'vitest';
import { sectionOf } from './admin-page.js';

describe('admin sections from the address', () => {
  const all = ['people', 'import', 'tokens', 'confidentiality'] as const;
  it('the section named in the path, when allowed', () => {
    expect(sectionOf('/admin/tokens', all)).toBe('tokens');
    expect(sectionOf('/admin/confidentiality/', all)).toBe('confidentiality');
  });
  it('else the first allowed one; none when nothing is allowed', () => {
    expect(sectionOf('/admin', all)).toBe('people');
    expect(sectionOf('/admin/tokens', ['confidentiality'])).toBe('confidentiality');
    expect(sectionOf('/admin/unknown', ['tokens'])).toBe('tokens');
    expect(sectionOf('/admin/people', [])).toBeNull();
  });
});
