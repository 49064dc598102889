import { initBackend, describeBackend } from '../backend';
import { ImageClassifier, classifierDir, saveClassifier, trainClassifier } from '../metrics/classifier';
import { loadMnist } from '../../datasets/mnist';
import { cliArgs, numberFlag, runMain } from './args';

/**
 * `npm run classifier`: trains the kit's Fashion-MNIST (or MNIST) classifier, the feature extractor of the
 * metrics, prints its test accuracy and saves it in the data cache.
 */
runMain(async () => {
  const a = cliArgs('classifier', {
    dataset: { type: 'string', help: 'fashion-mnist or mnist', default: 'fashion-mnist' },
    epochs: { type: 'string', help: 'passes over the 60,000 training images', default: '4' },
    width: { type: 'string', help: 'channels of the first conv', default: '16' },
    out: { type: 'string', help: 'folder to save to (default: the data cache)' },
  });
  if (a.dataset !== 'fashion-mnist' && a.dataset !== 'mnist') throw new Error(`--dataset must be fashion-mnist or mnist, got '${a.dataset}'`);
  const epochs = numberFlag('epochs', a.epochs, 4);
  console.log(describeBackend(await initBackend()));
  const train = await loadMnist({ name: a.dataset, split: 'train', pad32: true });
  const test = await loadMnist({ name: a.dataset, split: 'test', pad32: true });
  const model = new ImageClassifier({ width: numberFlag('width', a.width, 16) });
  const t0 = Date.now();
  trainClassifier(model, { images: train.images, labels: train.labels }, {
    epochs,
    onEpoch: (e, loss) => console.log(`epoch ${e + 1}/${epochs}: loss ${loss.toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`),
  });
  model.eval();
  const accuracy = model.accuracy(test.images, test.labels);
  const dir = a.out ?? classifierDir(a.dataset);
  saveClassifier(model, dir, { dataset: a.dataset, testAccuracy: accuracy, testExamples: test.labels.length, epochs, seconds: (Date.now() - t0) / 1000 });
  console.log(`test accuracy ${(100 * accuracy).toFixed(2)}% on the ${test.labels.length} ${a.dataset} test images; saved to ${dir}`);
});
