export * from './figures';
export { figureHtml, writeFiguresHtml } from './html';
export { imageGridPng, writeImageGrid, type GridOptions } from './imageGrid';
export { inNotebook, show, figureBundle, pngBundle, LiveView } from './notebook';
export { scatterPng, writeScatterPng } from './scatterPng';
export { encodeGif, type GifFrame } from './gif';
export { claim, judgeClaim, type Bound, type Claim } from './claims';
export { markdownTable, showTable, type Table } from './table';
export { figurePng, niceTicks, tickLabel } from './figurePng';
