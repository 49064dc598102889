/** A data set that cannot be loaded as asked; the message names the problem and what to do about it. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}
