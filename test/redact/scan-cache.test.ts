import { describe, expect, it } from 'vitest';
import { detectPasswordArguments } from '../../src/judge/command-line.js';
import { detectCredentials, detectSettingCredentials, ScanCache } from '../../src/redact/index.js';

describe('ScanCache', () => {
  it('scans each key once and gives back what the scan found', () => {
    const cache = new ScanCache<string>();
    const scanned: string[] = [];
    const scan = (key: string) => () => {
      scanned.push(key);
      return key.toUpperCase();
    };
    expect([cache.get('a', scan('a')), cache.get('b', scan('b')), cache.get('a', scan('a'))]).toEqual(['A', 'B', 'A']);
    expect(scanned).toEqual(['a', 'b']);
  });

  it('does not keep keys longer than a setting holds', () => {
    const cache = new ScanCache<number>();
    let scans = 0;
    const long = 'x'.repeat(4097);
    cache.get(long, () => ++scans);
    cache.get(long, () => ++scans);
    expect(scans).toBe(2);
  });
});

describe('detectors behind a scan cache', () => {
  const url = 'postgres://app:Zq8vN2mLp4Rt@db:5432/app';

  it('give every caller an array of its own', () => {
    const first = detectCredentials(url);
    first.length = 0;
    expect(detectCredentials(url)).toHaveLength(1);
    const setting = detectSettingCredentials('DATABASE_URL', url);
    setting.push(...setting);
    expect(detectSettingCredentials('DATABASE_URL', url)).toHaveLength(1);
    const command = detectPasswordArguments(['mysql', '-pZq8vN2mLp4Rt']);
    command.length = 0;
    expect(detectPasswordArguments(['mysql', '-pZq8vN2mLp4Rt'])).toHaveLength(1);
  });

  it('tell apart what the name adds to the same value', () => {
    const dsn = 'app:Zq8vN2mLp4Rt@db:5432/app';
    expect(detectSettingCredentials('DATABASE_DSN', dsn)).toHaveLength(1);
    expect(detectSettingCredentials('UPSTREAM', dsn)).toHaveLength(0);
    expect(detectSettingCredentials('DATABASE_DSN', dsn)).toHaveLength(1);
  });

  it('tell a command string from a list of the same words', () => {
    expect(detectPasswordArguments('mysql -pZq8vN2mLp4Rt')[0]?.argument).toBeNull();
    expect(detectPasswordArguments(['sh', '-c', 'mysql -pZq8vN2mLp4Rt'])[0]?.argument).toBe(2);
    expect(detectPasswordArguments(['mysql', '-pZq8vN2mLp4Rt'])[0]?.argument).toBe(1);
  });
});
