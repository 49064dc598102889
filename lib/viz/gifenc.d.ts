/** Types for the parts of `gifenc` (which ships none) that `gif.ts` uses. */
declare module 'gifenc' {
  /** A palette: [r, g, b] entries. */
  export type Palette = number[][];
  /** A palette of at most `maxColors` entries for RGBA pixels. */
  export function quantize(rgba: Uint8Array | Uint8ClampedArray, maxColors: number): Palette;
  /** Each RGBA pixel's index of the nearest palette entry. */
  export function applyPalette(rgba: Uint8Array | Uint8ClampedArray, palette: Palette): Uint8Array;
  /** A streaming GIF writer. */
  export function GIFEncoder(): {
    writeFrame(index: Uint8Array, width: number, height: number, opts?: { palette?: Palette; delay?: number; repeat?: number }): void;
    finish(): void;
    bytes(): Uint8Array;
  };
}
