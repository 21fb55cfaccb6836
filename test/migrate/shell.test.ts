import { describe, expect, it } from 'vitest';
import { scriptOfArguments, splitCommandLine, substituteInScript } from '../../src/migrate/shell.js';

const PATH = '/run/secrets/db_password';

describe('substituteInScript', () => {
  it('reads the secret from its file where a password option takes it', () => {
    const result = substituteInScript('sqlcmd -S localhost -U sa -P Zq8rT4mLw2x -Q "SELECT 1"', 'Zq8rT4mLw2x', PATH, 'password');
    expect(result).toEqual({ text: `sqlcmd -S localhost -U sa -P "$(cat ${PATH})" -Q "SELECT 1"`, replaced: 1, stuck: 0 });
  });

  it('reads it inside double quotes without adding quotes, and after = of a secret-named option or mysql -p', () => {
    expect(substituteInScript('mysqladmin ping --password="Zq8rT4mLw2x"', 'Zq8rT4mLw2x', PATH, 'password').text).toBe(`mysqladmin ping --password="$(cat ${PATH})"`);
    expect(substituteInScript('mysql -uroot -pZq8rT4mLw2x', 'Zq8rT4mLw2x', PATH, 'password').text).toBe(`mysql -uroot -p"$(cat ${PATH})"`);
  });

  it('leaves a weak password that is also a user name where no password goes', () => {
    const result = substituteInScript('psql -U gitea -c "select 1"', 'gitea', PATH, 'password');
    expect(result.replaced).toBe(0);
    expect(result.text).toBe('psql -U gitea -c "select 1"');
  });

  it('cannot read a file inside single quotes: reports the occurrence as stuck', () => {
    expect(substituteInScript("sh -c 'redis-cli -a Zq8rT4mLw2x ping'", 'Zq8rT4mLw2x', PATH, 'password')).toMatchObject({ replaced: 0, stuck: 1 });
  });

  it('replaces references to a secret variable anywhere', () => {
    expect(substituteInScript('redis-cli -a $REDIS_PASSWORD ping', '$REDIS_PASSWORD', PATH, 'anywhere').text).toBe(`redis-cli -a "$(cat ${PATH})" ping`);
    expect(substituteInScript('x ${REDIS_PASSWORD}', '${REDIS_PASSWORD}', PATH, 'anywhere').text).toBe(`x "$(cat ${PATH})"`);
  });
});

describe('scriptOfArguments', () => {
  it('turns an exec-form line into one script reading the secret', () => {
    expect(scriptOfArguments(['mysqladmin', 'ping', '-p', 'Zq8rT4mLw2x', '--silent'], [{ value: 'Zq8rT4mLw2x', path: PATH }])).toBe(`mysqladmin ping -p "$(cat ${PATH})" --silent`);
    expect(scriptOfArguments(['cli', '--password=Zq8rT4mLw2x', 'a b'], [{ value: 'Zq8rT4mLw2x', path: PATH }])).toBe(`cli --password="$(cat ${PATH})" 'a b'`);
  });
});

describe('splitCommandLine', () => {
  it('splits as Compose splits the string form: quotes and backslashes, no expansion', () => {
    expect(splitCommandLine(`/bin/bash -c "envsubst < /tmp/a && nginx -g 'daemon off;'"`)).toEqual(['/bin/bash', '-c', "envsubst < /tmp/a && nginx -g 'daemon off;'"]);
    expect(splitCommandLine(`a 'b c' d\\ e $HOME ""`)).toEqual(['a', 'b c', 'd e', '$HOME', '']);
  });
});

