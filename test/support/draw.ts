/**
 * Values for detector tests are built, never pasted: a fixed-seed generator (Park–Miller)
 * draws them from an alphabet, so that they look random and every run draws the same ones.
 */
export function drawer(seed: number): (alphabet: string, length: number) => string {
  let state = seed;
  return (alphabet, length) =>
    Array.from({ length }, () => {
      state = (state * 48_271) % 2_147_483_647;
      return alphabet[state % alphabet.length];
    }).join('');
}

export const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const HEX = '0123456789abcdef';
