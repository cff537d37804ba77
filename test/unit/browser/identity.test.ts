import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AID_KEY, SESSION_IDLE_MS, SESSION_WRITE_MS, SID_KEY, createIdentity, newId } from '../../../src/browser/identity';

const cookie = (name: string) => document.cookie.split('; ').find((c) => c.startsWith(name + '='))?.split('=')[1];
const clearCookies = () => {
  for (const c of document.cookie.split('; ')) if (c) document.cookie = c.split('=')[0] + '=;expires=Thu, 01 Jan 1970 00:00:00 GMT;path=/';
};

describe('Identity', () => {
  beforeEach(() => {
    clearCookies();
    localStorage.clear();
  });

  it('makes an anonymous id of Quarticon-safe characters and keeps it in a cookie and in localStorage', () => {
    const id = createIdentity(true);
    expect(id.aid).toMatch(/^[0-9a-f]{32}$/);
    expect(cookie(AID_KEY)).toBe(id.aid);
    expect(localStorage.getItem(AID_KEY)).toBe(id.aid);
    expect(createIdentity(true).aid).toBe(id.aid);
  });

  it('restores the id from localStorage when the cookie expired (Safari\'s 7-day cap)', () => {
    const first = createIdentity(true).aid;
    clearCookies();
    const again = createIdentity(true);
    expect(again.aid).toBe(first);
    expect(cookie(AID_KEY)).toBe(first);
  });

  it('restores the id from the cookie when localStorage was cleared', () => {
    const first = createIdentity(true).aid;
    localStorage.clear();
    expect(createIdentity(true).aid).toBe(first);
    expect(localStorage.getItem(AID_KEY)).toBe(first);
  });

  it('ignores a tampered id', () => {
    localStorage.setItem(AID_KEY, '<script>');
    expect(createIdentity(true).aid).not.toBe('<script>');
  });

  it('writes nothing while consent is pending', () => {
    const id = createIdentity(false);
    id.session(Date.now());
    expect(document.cookie).toBe('');
    expect(localStorage.length).toBe(0);
    id.persist(true);
    expect(cookie(AID_KEY)).toBe(id.aid);
  });

  it('keeps one session while active and rotates it after 30 idle minutes', () => {
    const id = createIdentity(true);
    const t0 = 1_000_000;
    const s = id.session(t0);
    expect(id.session(t0 + SESSION_IDLE_MS - 1)).toBe(s);
    expect(id.session(t0 + 2 * SESSION_IDLE_MS - 2)).toBe(s);
    const next = id.session(t0 + 3 * SESSION_IDLE_MS);
    expect(next).not.toBe(s);
  });

  it('shares the session with another tab through storage', () => {
    const a = createIdentity(true);
    const b = createIdentity(true);
    const t = Date.now();
    const s = a.session(t);
    expect(b.session(t + 1000)).toBe(s);
    expect(localStorage.getItem(SID_KEY)).toBe(s + '.' + (t + 1000));
  });

  it('writes the session to storage at most every few seconds, and at once when it changes', () => {
    const id = createIdentity(true);
    const set = vi.spyOn(localStorage, 'setItem');
    const t = 5_000_000;
    const s = id.session(t);
    for (let i = 1; i <= 1000; i++) id.session(t + i);
    expect(set.mock.calls.filter((c) => c[0] == SID_KEY)).toHaveLength(1);
    id.session(t + SESSION_WRITE_MS);
    expect(localStorage.getItem(SID_KEY)).toBe(s + '.' + (t + SESSION_WRITE_MS));
    const next = id.session(t + SESSION_WRITE_MS + SESSION_IDLE_MS + 1);
    expect(localStorage.getItem(SID_KEY)).toBe(next + '.' + (t + SESSION_WRITE_MS + SESSION_IDLE_MS + 1));
    set.mockRestore();
  });

  it('forgets everything on clear', () => {
    const id = createIdentity(true);
    id.uid = 'u1';
    const old = id.aid;
    id.forget();
    expect(id.aid).not.toBe(old);
    expect(id.uid).toBeNull();
    expect(localStorage.getItem(AID_KEY)).toBeNull();
    expect(cookie(AID_KEY)).toBeUndefined();
  });

  it('makes distinct ids', () => {
    expect(new Set(Array.from({ length: 100 }, newId)).size).toBe(100);
  });
});
