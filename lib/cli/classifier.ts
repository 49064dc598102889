import { initBackend, describeBackend } from '../backend';
import { trainKitClassifier } from '../metrics/kitClassifier';
import { cliArgs, numberFlag, runMain } from './args';

/**
 * `npm run classifier`: trains the kit's Fashion-MNIST (or MNIST) classifier, the feature extractor of the
 * metrics, prints its test accuracy and saves it in the data cache. (Notebooks and `npm run evaluate` train it on
 * first use anyway; this command retrains it, or trains a variant elsewhere with `--out`.)
 */
runMain(async () => {
  const a = cliArgs('classifier', {
    dataset: { type: 'string', help: 'fashion-mnist or mnist', default: 'fashion-mnist' },
    epochs: { type: 'string', help: 'passes over the 60,000 training images', default: '4' },
    width: { type: 'string', help: 'channels of the first conv', default: '16' },
    out: { type: 'string', help: 'folder to save to (default: the data cache)' },
  });
  if (a.dataset !== 'fashion-mnist' && a.dataset !== 'mnist') throw new Error(`--dataset must be fashion-mnist or mnist, got '${a.dataset}'`);
  console.log(describeBackend(await initBackend()));
  const { model } = await trainKitClassifier({ dataset: a.dataset, epochs: numberFlag('epochs', a.epochs, 4), width: numberFlag('width', a.width, 16), dir: a.out });
  model.dispose();
});
