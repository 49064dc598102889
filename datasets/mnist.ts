import * as fs from 'node:fs';
import * as path from 'node:path';
import { fetchVerified, type RemoteFile } from './cache';
import { DatasetError } from './errors';
import { parseIdx } from './idx';
import { bytesToImages, type LabelledImages } from './labelled';

export type MnistName = 'mnist' | 'fashion-mnist';
export type Split = 'train' | 'test';

export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

type Files = Record<Split, { images: RemoteFile; labels: RemoteFile }>;

const fashionBase = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';
const mnistBase = 'https://ossci-datasets.s3.amazonaws.com/mnist/';

// MD5s as the data sets publish them; content SHA-256s (of the gunzipped files) also accept Debian's re-compressed copies.
const FILES: Record<MnistName, Files> = {
  'fashion-mnist': {
    train: {
      images: { file: 'fashion-mnist/train-images-idx3-ubyte.gz', url: `${fashionBase}train-images-idx3-ubyte.gz`, md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d', contentSha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888' },
      labels: { file: 'fashion-mnist/train-labels-idx1-ubyte.gz', url: `${fashionBase}train-labels-idx1-ubyte.gz`, md5: '25c81989df183df01b3e8a0aad5dffbe', contentSha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9' },
    },
    test: {
      images: { file: 'fashion-mnist/t10k-images-idx3-ubyte.gz', url: `${fashionBase}t10k-images-idx3-ubyte.gz`, md5: 'bef4ecab320f06d8554ea6380940ec79', contentSha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b' },
      labels: { file: 'fashion-mnist/t10k-labels-idx1-ubyte.gz', url: `${fashionBase}t10k-labels-idx1-ubyte.gz`, md5: 'bb300cfdad3c16e7a12a480ee83cd310', contentSha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34' },
    },
  },
  mnist: {
    train: {
      images: { file: 'mnist/train-images-idx3-ubyte.gz', url: `${mnistBase}train-images-idx3-ubyte.gz`, md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873' },
      labels: { file: 'mnist/train-labels-idx1-ubyte.gz', url: `${mnistBase}train-labels-idx1-ubyte.gz`, md5: 'd53e105ee54ea40749a09fcbcd1e9432' },
    },
    test: {
      images: { file: 'mnist/t10k-images-idx3-ubyte.gz', url: `${mnistBase}t10k-images-idx3-ubyte.gz`, md5: '9fb629c4189551a2d022fa330f9573f3' },
      labels: { file: 'mnist/t10k-labels-idx1-ubyte.gz', url: `${mnistBase}t10k-labels-idx1-ubyte.gz`, md5: 'ec29112dd5afa0611ce80d1b7f02629c' },
    },
  },
};

export interface MnistOptions {
  name?: MnistName;
  split?: Split;
  /** Cache folder (default `GAN_DATA_DIR` or `datasets/cache`). */
  dir?: string;
  /** Keep the first `limit` examples only (quick runs). */
  limit?: number;
  /** Pad 28×28 to 32×32 with background, as DCGAN-style models with power-of-two sides want. */
  pad32?: boolean;
}

/**
 * Fashion-MNIST (default) or MNIST: images [n, 28, 28, 1] in [-1, 1], labels 0–9, class names. Uses Debian's
 * packaged Fashion-MNIST where installed, else the cache, else downloads (checksummed).
 */
export async function loadMnist(o: MnistOptions = {}): Promise<LabelledImages> {
  const name = o.name ?? 'fashion-mnist';
  const split = o.split ?? 'train';
  const files = FILES[name][split];
  const local = (f: RemoteFile) => (name === 'fashion-mnist' ? [path.join(DEBIAN_FASHION_MNIST, path.basename(f.file))].filter(fs.existsSync) : []);
  const [imageBytes, labelBytes] = await Promise.all([
    fetchVerified(files.images, { dir: o.dir, localCopies: local(files.images) }),
    fetchVerified(files.labels, { dir: o.dir, localCopies: local(files.labels) }),
  ]);
  return fromIdx(imageBytes, labelBytes, `${name} ${split}`, name === 'fashion-mnist' ? FASHION_CLASSES : DIGIT_CLASSES, o);
}

/** Builds the data set from IDX image and label files (also used by tests on fixture files). */
export function fromIdx(imageBytes: Buffer, labelBytes: Buffer, where: string, classNames: string[], o: Pick<MnistOptions, 'limit' | 'pad32'> = {}): LabelledImages {
  const images = parseIdx(imageBytes, `${where} images`);
  const labels = parseIdx(labelBytes, `${where} labels`);
  if (images.dims.length !== 3) throw new DatasetError(`${where} images: expected 3 IDX dimensions (count, rows, cols), got ${images.dims.length}`);
  if (labels.dims.length !== 1) throw new DatasetError(`${where} labels: expected 1 IDX dimension, got ${labels.dims.length}`);
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new DatasetError(`${where}: ${count} images but ${labels.dims[0]} labels; the image and label files do not belong together`);
  }
  const bad = labels.data.findIndex((l) => l >= classNames.length);
  if (bad >= 0) throw new DatasetError(`${where} labels: label ${labels.data[bad]} at index ${bad} is outside 0..${classNames.length - 1}`);
  const n = Math.min(count, o.limit ?? count);
  let pixels = images.data.subarray(0, n * rows * cols);
  let [h, w] = [rows, cols];
  if (o.pad32) {
    const padded = new Uint8Array(n * 32 * 32);
    const [top, left] = [Math.floor((32 - rows) / 2), Math.floor((32 - cols) / 2)];
    for (let i = 0; i < n; i++) {
      for (let y = 0; y < rows; y++) padded.set(pixels.subarray((i * rows + y) * cols, (i * rows + y + 1) * cols), (i * 32 + y + top) * 32 + left);
    }
    [pixels, h, w] = [padded, 32, 32];
  }
  return { images: bytesToImages(pixels, [n, h, w, 1]), labels: Int32Array.from(labels.data.subarray(0, n)), classNames };
}
